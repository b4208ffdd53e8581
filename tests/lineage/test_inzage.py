"""`systeemanalyse inzage`: each resident case of the shared run, in text and JSON, without anyone's BSN."""
import json

import duckdb
import pytest

from pipelines.cli import main
from pipelines.inzage import elfproef
from tests.bouwer import bsn
from tests.lineage.conftest import ONGEZIEN, P, alle_bsns, schone_omgeving


def inzage(capsys, werkmap, nummer_of_bsn, *extra, sleutel=None):
    b = bsn(nummer_of_bsn) if isinstance(nummer_of_bsn, int) else nummer_of_bsn
    with schone_omgeving() as mp:
        if sleutel:
            mp.setenv("SYSTEEMANALYSE_PSEUDONIEM_SLEUTEL", sleutel)
        code = main(["inzage", "--werkmap", str(werkmap), "--bsn", b, *extra])
    uit = capsys.readouterr()
    # nobody's BSN is ever printed, not even the resident's own in full
    for ander in alle_bsns():
        assert ander not in uit.out and ander not in uit.err
    return code, uit.out, uit.err


def als_json(capsys, werkmap, nummer):
    code, out, _ = inzage(capsys, werkmap, nummer, "--json")
    assert code == 0
    return json.loads(out)


def thema(run_, thema_id, dossier_id):
    return next(t for t in run_["themas"] if t["thema"] == thema_id and t["dossier_id"] == dossier_id)


def db(run):
    return duckdb.connect(str(run["werkmap"] / "systeemanalyse.duckdb"), read_only=True)


def test_signalled_resident_sees_theme_facts_and_release(run, capsys):
    code, tekst, _ = inzage(capsys, run["werkmap"], 1)
    assert code == 0
    assert "Vermogen: voertuigen (vermogen_voertuigen)" in tekst
    assert "SIGNAAL" in tekst and "AA111A" in tekst and "AA222B" in tekst and "AA333C" in tekst
    assert "aantal voertuigen: 3" in tekst
    o = als_json(capsys, run["werkmap"], 1)
    r = o["runs"][0]
    assert r["peildatum"] == P and r["dossiers"] == [{"dossier_id": "D00001", "rol": "aanvrager"}]
    v = thema(r, "vermogen_voertuigen", "D00001")
    assert v["uitkomst"] == "signaal" and v["feiten"]["aantal_voertuigen"] == 3
    assert [x["kenteken"] for x in v["feiten"]["voertuigen"]] == ["AA111A", "AA222B", "AA333C"]
    assert "3 voertuigen op naam van aanvrager of partner" in v["reden"]
    assert {x["veld"] for x in v["gelezen_velden"]} >= {"rdw.tenaamstellingen.kenteken", "gemeente.uitkeringen.bsn"}
    assert not {x["veld"] for x in v["gelezen_velden"]} & {"brp.personen.geboorteland", "brp.personen.nationaliteit"}
    # release and control sample as recorded for the run (blocked themes are answered as well)
    con = db(run)
    status = con.sql("SELECT status FROM vrijgaven WHERE peildatum = ? AND thema = 'vermogen_voertuigen'",
                     params=[P]).fetchall()[0][0]
    in_steekproef = con.sql("SELECT count(*) FROM signalen WHERE peildatum = ? AND thema = 'vermogen_voertuigen' "
                            "AND soort = 'steekproef' AND dossier_id = 'D00001'", params=[P]).fetchall()[0][0] == 1
    con.close()
    assert v["vrijgave"]["status"] == status and v["steekproef"] == in_steekproef
    sectie = tekst.split("Thema Vermogen: voertuigen (vermogen_voertuigen)")[1].split("  Thema ")[0]
    assert ("NIET vrijgegeven" in sectie) == (status == "geblokkeerd")
    assert ("is vrijgegeven aan de toezichthouders" in sectie) == (status == "vrijgegeven")
    # the partner finds the same signal through the partner pseudonym
    p = als_json(capsys, run["werkmap"], 2)["runs"][0]
    assert p["dossiers"] == [{"dossier_id": "D00001", "rol": "partner"}]
    assert thema(p, "vermogen_voertuigen", "D00001")["uitkomst"] == "signaal"


def test_resident_in_population_not_signalled_sees_step_where_they_left(run, capsys):
    code, tekst, _ = inzage(capsys, run["werkmap"], 3)
    assert code == 0
    assert "viel af bij stap 1 (rdw_gegevens)" in tekst
    assert "Aanvrager of partner komt voor in de RDW-tenaamstellingen" in tekst
    r = als_json(capsys, run["werkmap"], 3)["runs"][0]
    v = thema(r, "vermogen_voertuigen", "D00003")
    assert v["uitkomst"] == "afgevallen" and v["afgevallen_bij"]["stap"] == "rdw_gegevens"
    assert [s["stap"] for s in v["stappen_doorlopen"]] == ["populatie"]
    k = thema(r, "huisvesting_kostendelers", "D00003")   # the same household does get a signal elsewhere
    assert k["uitkomst"] == "signaal" and k["feiten"]["A"] == 2 and k["feiten"]["toegepast"] == 1
    assert "getelde_medebewoners" not in k["feiten"]      # facts about the co-resident stay out
    assert thema(r, "huisvesting_bezetting", "D00003")["afgevallen_bij"]["stap"] == "regel"
    # excluded after meeting the rule: the reason of the exclusion
    code, tekst, _ = inzage(capsys, run["werkmap"], 4)
    assert "voldeed aan de regel, maar is uitgesloten: lopend onderzoek op dit thema" in tekst
    u = thema(als_json(capsys, run["werkmap"], 4)["runs"][0], "vermogen_voertuigen", "D00004")
    assert u["uitkomst"] == "uitgesloten" and u["afgevallen_bij"]["stap"] == "na_uitsluitingen"


def test_resident_in_no_population(run, capsys):
    code, tekst, _ = inzage(capsys, run["werkmap"], 5)
    assert code == 0
    assert "U hoorde niet bij de populatie" in tekst and "geen thema heeft uw gegevens gebruikt." in tekst
    r = als_json(capsys, run["werkmap"], 5)["runs"][0]
    assert r["themas"] == [] and r["medebewoner"] == [] and r["bekend_in_brp"] is True
    # a known dossier that is not in the population says why
    code, tekst, _ = inzage(capsys, run["werkmap"], 7)
    assert "Dossier D00007 (aanvrager) hoorde niet bij de populatie: regeling IOAW, geen Participatiewet." in tekst


def test_co_resident_is_told_which_housing_themes_read_their_data(run, capsys):
    code, tekst, _ = inzage(capsys, run["werkmap"], 6)
    assert code == 0
    assert "behalve als medebewoner" in tekst
    r = als_json(capsys, run["werkmap"], 6)["runs"][0]
    assert not r["in_populatie"]
    m = {x["thema"]: x for x in r["medebewoner"]}
    assert set(m) == {"huisvesting_bezetting", "huisvesting_kostendelers"}
    assert m["huisvesting_kostendelers"]["huishoudens"] == 1 and m["huisvesting_kostendelers"]["huishoudens_met_signaal"] == 1
    assert m["huisvesting_bezetting"]["huishoudens_met_signaal"] == 0
    velden = {x["veld"] for x in m["huisvesting_kostendelers"]["gelezen_velden"]}
    assert {"brp.personen.geboortedatum", "suwi.studiefinanciering.soort", "brp.verblijfplaatsen.adres_id"} <= velden
    assert "brp.personen.geboortedatum" not in {x["veld"] for x in m["huisvesting_bezetting"]["gelezen_velden"]}
    assert "Huisvesting: kostendelersnorm (huisvesting_kostendelers): u stond op de peildatum ingeschreven" in tekst
    bezetting, kostendelers = tekst.split("Thema Huisvesting: bezetting")[1].split("Thema Huisvesting: kostendelersnorm")
    assert "Dat huishouden kreeg bij dit thema geen signaal." in bezetting
    assert "Dat huishouden kreeg bij dit thema een signaal; uw gegevens (zonder naam of BSN)" in kostendelers
    # the applicant of that household is not told about the co-resident as if they were one themselves
    assert als_json(capsys, run["werkmap"], 3)["runs"][0]["medebewoner"] == []


def test_valid_bsn_never_seen_exits_0(run, capsys):
    code, tekst, _ = inzage(capsys, run["werkmap"], ONGEZIEN)
    assert code == 0 and "heeft dit BSN in geen enkele run gezien" in tekst
    assert als_json(capsys, run["werkmap"], ONGEZIEN)["gezien"] is False


@pytest.mark.parametrize("fout", ["123456789", "12345678", "1000000091", "abcdefghi", "000000000", " "])
def test_invalid_bsn_exits_2_with_clear_message(run, capsys, fout):
    code, out, err = inzage(capsys, run["werkmap"], fout)
    assert code == 2 and out == "" and "ongeldig" in err and "11-proef" in err and "Traceback" not in err


def test_missing_werkmap_or_database_exits_2(tmp_path, capsys):
    code, _, err = inzage(capsys, tmp_path / "nergens", 1)
    assert code == 2 and "bestaat niet" in err
    code, _, err = inzage(capsys, tmp_path, 1)
    assert code == 2 and "geen database" in err


def test_wrong_key_is_refused_not_answered_wrongly(run, capsys):
    code, out, err = inzage(capsys, run["werkmap"], 1, sleutel="een-andere-sleutel")
    assert code == 1 and out == "" and "pseudoniemsleutel hoort niet bij de run" in err


def test_elfproef():
    assert all(elfproef(bsn(i)) for i in range(1, 30))
    assert not elfproef("100000008") and not elfproef("00000000") and not elfproef("٠٠٠٠٠٠٠٠٠")
