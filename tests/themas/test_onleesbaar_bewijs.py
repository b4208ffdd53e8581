"""Unreadable evidence never turns into a signal (domain.md; issue 13.8): a quarantined row of a source the
exclusions read holds its dossier out of every list of the run, with the reason, in the funnel counts."""
import json
from datetime import date

from sources.gemeente import ONDERZOEKEN
from tests.bouwer import bsn, csv_tekst, dossier, persoon
from tests.helpers import draai, lever_alles, staged
from tests.themas.test_uitsluitingen import onderzoek
from tests.themas.test_vermogen_voertuigen import auto
import pytest

pytestmark = pytest.mark.traag  # runs through Dagster

P = date(2026, 10, 31)
ONLEESBAAR = "onderzoeksgegevens onleesbaar"


def landing(root, onleesbare_datum: bool = True):
    personen = [persoon(i) for i in range(1, 8)]
    personen[4]["datum_overlijden"] = "2026-99-99"  # person 5: unreadable death date -> row quarantined
    dossiers = [dossier(1, 1), dossier(2, 2), dossier(3, 3), dossier(4, 4), dossier(5, 6, partner=5),
                dossier(6, 7)]
    tn = [auto(n, f"K{n:02d}-X{i}Y", f"2026050{i}") for n in range(1, 8) for i in range(1, 4)]  # 3 new cars each
    rijen = [
        # dossier 2: no findings 6 months ago on this theme, but its end date cannot be read (the case)
        onderzoek(1, 2, 2, "vermogen_voertuigen", "geen_afwijking", "2026-03-01",
                  "2026-04-31" if onleesbare_datum else "2026-04-30"),
        # dossier 3: unreadable dossier_id, but the applicant's BSN can be read
        {**onderzoek(2, 3, 3, "vermogen_voertuigen", "lopend", "2026-09-01"), "dossier_id": ""},
    ]
    tekst = csv_tekst(ONDERZOEKEN.kolomnamen, rijen)
    # dossier 4: a line that is not even CSV of the contract (one field too many)
    velden = onderzoek(3, 4, 4, "vermogen_bank", "lopend", "2026-09-01")
    tekst += ";".join(str(velden.get(k) or "") for k in ONDERZOEKEN.kolomnamen) + ";te veel\n"
    lever_alles(root, personen=personen, uitkeringen=dossiers, tenaamstellingen=tn, onderzoeken=tekst)


def test_quarantined_evidence_holds_the_dossier_out_of_every_list(tmp_path):
    landing(tmp_path / "landing")
    con = staged(tmp_path / "landing", tmp_path / "werk", P)
    assert con.sql("SELECT count(*) FROM quarantaine WHERE bestand = 'onderzoeken.csv'").fetchall()[0][0] == 3
    assert con.sql("SELECT count(*) FROM quarantaine WHERE bestand = 'personen.csv'").fetchall()[0][0] == 1
    r, s = draai(con, "vermogen_voertuigen", P)
    # only dossiers 1 and 6 have three new cars and nothing unreadable
    assert s["dossier_id"].to_list() == ["D00001", "D00006"]
    assert [(x["stap"], x["aantal"]) for x in r.stappen][-2:] == [("regel", 6), ("na_uitsluitingen", 2)]
    redenen = dict(con.sql("SELECT dossier_id, reden FROM uitsluitingen WHERE thema = 'vermogen_voertuigen'")
                   .fetchall())
    assert redenen == {"D00002": ONLEESBAAR, "D00003": ONLEESBAAR, "D00004": ONLEESBAAR,
                       "D00005": "persoonsgegevens (BRP) onleesbaar"}
    # every theme, the control sample too
    for thema in ("vermogen_bank", "huisvesting_bezetting", "huisvesting_kostendelers"):
        draai(con, thema, P)
    gelijst = {d for (d,) in con.sql("SELECT DISTINCT dossier_id FROM signalen WHERE peildatum = ?",
                                     params=[P]).fetchall()}
    assert gelijst.isdisjoint({"D00002", "D00003", "D00004", "D00005"})


def test_the_same_investigation_readable_excludes_for_its_own_reason(tmp_path):
    landing(tmp_path / "landing", onleesbare_datum=False)
    con = staged(tmp_path / "landing", tmp_path / "werk", P)
    _, s = draai(con, "vermogen_voertuigen", P)
    assert "D00002" not in s["dossier_id"].to_list()
    assert con.sql("SELECT reden FROM uitsluitingen WHERE thema = 'vermogen_voertuigen' AND dossier_id = 'D00002'"
                   ).fetchall() == [("onderzoek op dit thema zonder afwijking in de laatste 12 maanden",)]


def test_inzage_shows_the_reason(tmp_path, capsys):
    from pipelines.cli import main

    landing(tmp_path / "landing")
    werk = tmp_path / "werk"
    assert main(["run", "--landing", str(tmp_path / "landing"), "--werkmap", str(werk),
                 "--peildatum", P.isoformat()]) in (0, 3)
    run = json.loads((werk / "output" / P.isoformat() / "run.json").read_text())
    assert run["themas"]["vermogen_voertuigen"]["signalen"] == 2
    capsys.readouterr()
    assert main(["inzage", "--werkmap", str(werk), "--bsn", bsn(2), "--json"]) == 0
    overzicht = json.loads(capsys.readouterr().out)
    [t] = [t for t in overzicht["runs"][0]["themas"] if t["thema"] == "vermogen_voertuigen"]
    assert (t["uitkomst"], t["reden"]) == ("uitgesloten", ONLEESBAAR)
