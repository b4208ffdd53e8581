"""Exclusions, population boundaries, kwetsbaar routing and the control sample (all themes share them)."""
from datetime import date

import polars as pl
import pytest

from tests.bouwer import bsn, dossier, persoon
from tests.helpers import draai, lever_alles, staged
from tests.themas.test_vermogen_voertuigen import auto

pytestmark = pytest.mark.traag  # ingests through Dagster or runs end to end

P = date(2026, 10, 31)


def onderzoek(nr, dossier_nr, n_persoon, thema, uitkomst, start, einde=None):
    return {"onderzoek_id": f"O{nr}", "dossier_id": f"D{dossier_nr:05d}", "bsn": bsn(n_persoon),
            "herkomst": "themacontrole", "thema": thema, "datum_start": start, "datum_einde": einde,
            "uitkomst": uitkomst, "waarschuwing": "0"}


def test_exclusions_population_and_routing(tmp_path):
    personen = [persoon(i) for i in range(1, 12)]
    personen[2]["datum_overlijden"] = "20260900"   # person 3 died in September 2026 (day unknown)
    dossiers = [
        dossier(1, 1),                                      # plain signal
        dossier(2, 2),                                      # geen_afwijking 6 months ago on this theme: excluded
        dossier(3, 3),                                      # deceased applicant: excluded
        dossier(4, 4),                                      # running investigation on this theme: excluded
        dossier(5, 5),                                      # geen_afwijking 13 months ago: not excluded
        dossier(6, 6),                                      # geen_afwijking on another theme: not excluded
        dossier(7, 7, einde="2026-10-30"),                  # ended before peildatum: not in population
        dossier(8, 8, einde="2026-10-31", kwetsbaar="1"),   # ends on the peildatum: in population, kwetsbaar
        dossier(9, 9, regeling="IOAW"),                     # not Participatiewet: not in population
        dossier(10, 10, aanvang="2026-11-01"),              # starts after the peildatum
        dossier(11, 11),                                    # investigation ended after the peildatum: running then
    ]
    tn = [auto(n, f"K{n:02d}-X{i}Y", f"2026050{i}") for n in range(1, 12) for i in range(1, 4)]
    onderzoeken = [
        onderzoek(1, 2, 2, "vermogen_voertuigen", "geen_afwijking", "2026-03-01", "2026-05-01"),
        onderzoek(2, 4, 4, "vermogen_voertuigen", "lopend", "2026-09-01"),
        onderzoek(3, 5, 5, "vermogen_voertuigen", "geen_afwijking", "2025-08-01", "2025-09-30"),
        onderzoek(4, 6, 6, "vermogen_bank", "geen_afwijking", "2026-03-01", "2026-05-01"),
        onderzoek(5, 11, 11, "vermogen_voertuigen", "geen_afwijking", "2026-09-01", "2026-11-15"),
    ]
    lever_alles(tmp_path / "landing", personen=personen, uitkeringen=dossiers, tenaamstellingen=tn,
                onderzoeken=onderzoeken)
    con = staged(tmp_path / "landing", tmp_path / "werk", P)
    r, s = draai(con, "vermogen_voertuigen", P)
    assert s["dossier_id"].to_list() == ["D00001", "D00005", "D00006", "D00008"]
    assert dict(zip(s["dossier_id"], s["kwetsbaar"])) == {"D00001": False, "D00005": False, "D00006": False,
                                                         "D00008": True}
    assert [x["aantal"] for x in r.stappen] == [8, 8, 8, 4]
    redenen = dict(con.sql("SELECT dossier_id, reden FROM uitsluitingen WHERE thema = 'vermogen_voertuigen'")
                   .fetchall())
    assert redenen == {"D00002": "onderzoek op dit thema zonder afwijking in de laatste 12 maanden",
                       "D00003": "aanvrager overleden", "D00004": "lopend onderzoek op dit thema",
                       "D00011": "lopend onderzoek op dit thema"}
    # members of every step are kept per peildatum, keyed by pseudonym, never by BSN
    leden = con.sql("SELECT * FROM funnel_leden WHERE thema = 'vermogen_voertuigen'").pl()
    assert leden.filter(pl.col("stap") == "na_uitsluitingen")["dossier_id"].sort().to_list() == s["dossier_id"].to_list()
    assert not any(bsn(i) in str(leden.rows()) for i in range(1, 12))


def test_control_sample_reproducible_and_excludes_exclusions(tmp_path):
    personen = [persoon(i) for i in range(1, 60)]
    dossiers = [dossier(i, i) for i in range(1, 60)]
    onderzoeken = [onderzoek(1, 1, 1, "vermogen_bank", "lopend", "2026-09-01")]
    lever_alles(tmp_path / "landing", personen=personen, uitkeringen=dossiers, onderzoeken=onderzoeken)
    con = staged(tmp_path / "landing", tmp_path / "werk", P)
    r1, _ = draai(con, "vermogen_bank", P)
    eerste = con.sql("SELECT dossier_id, signaal_id FROM signalen WHERE soort = 'steekproef' ORDER BY 1").fetchall()
    r2, _ = draai(con, "vermogen_bank", P)
    tweede = con.sql("SELECT dossier_id, signaal_id FROM signalen WHERE soort = 'steekproef' ORDER BY 1").fetchall()
    assert r1.steekproef == 20 and eerste == tweede and r1.zaad == r2.zaad   # minimum of 20, same draw, no duplicates
    assert "D00001" not in [d for d, _ in eerste]
    r3, _ = draai(con, "vermogen_voertuigen", P)
    derde = {d for d, _ in con.sql("SELECT dossier_id, signaal_id FROM signalen WHERE soort = 'steekproef' "
                                   "AND thema = 'vermogen_voertuigen'").fetchall()}
    assert derde != {d for d, _ in eerste}   # each theme draws its own sample
