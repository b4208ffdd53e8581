"""Algoritmeregister entries: valid against publication standard v1.0, generated from the theme and its
parameters; a parameter change changes the entry and its filter_versie; no BSN or pseudonym anywhere in
the committee and register outputs."""
import json
import re
from datetime import date
from pathlib import Path

import duckdb
import jsonschema
import pytest
import yaml

from assets import algoritmeregister
from assets.themas.register import THEMAS
from kern.omgeving import STANDAARD_FILTERS
from tests.lineage.conftest import P, alle_bsns, draai

SCHEMA = algoritmeregister.SCHEMA  # assets/algoritmeregister_v1_0.schema.json: every entry is validated before writing
TOEGESTANE_TAGS = {"div", "br", "p", "ul", "ol", "li"}  # allowed_html_tags of the standard's text fields


def entries(werkmap: Path) -> dict[str, dict]:
    map_ = werkmap / "output" / P / "register"
    return {pad.stem: json.loads(pad.read_text(encoding="utf-8")) for pad in sorted(map_.glob("*.json"))}


def test_entries_validate_against_standard_1_0(run):
    alle = entries(run["werkmap"])
    assert set(alle) == set(THEMAS)
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for thema_id, e in alle.items():
        fouten = [f"{'/'.join(map(str, f.absolute_path))}: {f.message}" for f in validator.iter_errors(e)]
        assert fouten == [], (thema_id, fouten)
        for veld, waarde in e.items():
            if isinstance(waarde, str):
                assert set(re.findall(r"</?([a-zA-Z0-9]+)", waarde)) <= TOEGESTANE_TAGS, veld
        thema = THEMAS[thema_id]
        assert e["lang"] == "nld" and e["standard_version"] == "1.0"
        assert thema.titel in e["name"] and thema.doel in e["description_short"]
        assert e["organization"] == "Gemeente Groningen"
        assert run["run"]["themas"][thema_id]["filter_versie"] in e["methods_and_models"]
        assert run["run"]["register"][thema_id]["filter_versie"] == run["run"]["themas"][thema_id]["filter_versie"]
        assert "geboorteland" in e["source_data"] and "Niet gebruikt" in e["source_data"]
    # the risks summarise the run's verdict: blocked themes say so, with their reasons
    con = duckdb.connect(str(run["werkmap"] / "systeemanalyse.duckdb"), read_only=True)
    for thema_id, d in run["run"]["themas"].items():
        risks = alle[thema_id]["risks"]
        if algoritmeregister.bias_oordeel(con, date.fromisoformat(P), thema_id) is not None:
            assert "Laatste bias-audit (peildatum 2026-10-31)" in risks
        if d["status"] == "geblokkeerd":
            assert "niet vrijgegeven (geblokkeerd)" in risks and d["redenen"][0][:60] in risks
        else:
            assert "vrijgegeven; alle poorten" in risks
    con.close()


def test_schema_rejects_what_the_standard_rejects(run):
    e = entries(run["werkmap"])["vermogen_bank"]
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for kapot in ({**e, "status": "Actief"}, {**e, "name": "x" * 101}, {**e, "category": ["Bijstand"]},
                  {**e, "filter_versie": "abc"}, {k: v for k, v in e.items() if k != "contact_email"},
                  {**e, "begin_date": "2024-1"}, {**e, "lang": "eng"}):
        assert not validator.is_valid(kapot)


def test_risks_read_the_latest_bias_verdict(tmp_path):
    con = duckdb.connect(str(tmp_path / "db.duckdb"))
    assert algoritmeregister.bias_oordeel(con, date(2026, 10, 31), "vermogen_bank") is None      # no table yet
    con.execute("CREATE TABLE bias_oordelen (peildatum DATE, thema VARCHAR, blokkerend BOOLEAN, redenen VARCHAR, "
                "afwijkingen BIGINT, verklaard BIGINT, filter_versie VARCHAR, document VARCHAR)")
    con.execute("""INSERT INTO bias_oordelen VALUES
        ('2026-09-30', 'vermogen_bank', false, '[]', 0, 0, 'a', '{}'),
        ('2026-10-31', 'vermogen_bank', true, '["stap regel: wijk WK001402 ratio 1,9 zonder verklaring"]', 2, 1, 'a', '{}'),
        ('2026-11-30', 'vermogen_bank', false, '[]', 0, 0, 'a', '{}'),
        ('2026-10-31', 'vermogen_voertuigen', false, '[]', 1, 1, 'b', '{}')""")
    o = algoritmeregister.bias_oordeel(con, date(2026, 10, 31), "vermogen_bank")
    assert o == {"peildatum": date(2026, 10, 31), "blokkerend": True, "afwijkingen": 2, "verklaard": 1,
                 "redenen": ["stap regel: wijk WK001402 ratio 1,9 zonder verklaring"]}
    tekst = algoritmeregister.risicotekst(o, None)
    assert ("Laatste bias-audit (peildatum 2026-10-31): 2 afwijking(en) gevonden, waarvan 1 met een goedgekeurde "
            "verklaring; het oordeel blokkeert de lijst. Redenen: stap regel: wijk WK001402 ratio 1,9 zonder "
            "verklaring.") in tekst
    v = algoritmeregister.bias_oordeel(con, date(2026, 10, 31), "vermogen_voertuigen")
    assert "waarvan 1 met een goedgekeurde verklaring; het oordeel blokkeert de lijst niet." in \
        algoritmeregister.risicotekst(v, None)
    assert algoritmeregister.bias_oordeel(con, date(2026, 9, 1), "vermogen_bank") is None
    assert "Er is nog geen run" in algoritmeregister.risicotekst(None, None)


def test_parameter_change_changes_entry_and_filter_versie(run, tmp_path):
    par = yaml.safe_load(STANDAARD_FILTERS.read_text(encoding="utf-8"))
    par["vermogen_voertuigen"]["minimum_voertuigen"] = 4
    filters = tmp_path / "filters.yaml"
    filters.write_text(yaml.safe_dump(par, allow_unicode=True), encoding="utf-8")
    assert draai(run["landing"], tmp_path / "werk", "--filters", str(filters)) in (0, 3)
    nieuw_run = json.loads((tmp_path / "werk" / "output" / P / "run.json").read_text())
    oud, nieuw = entries(run["werkmap"]), entries(tmp_path / "werk")
    v_oud = run["run"]["themas"]["vermogen_voertuigen"]["filter_versie"]
    v_nieuw = nieuw_run["themas"]["vermogen_voertuigen"]["filter_versie"]
    assert v_oud != v_nieuw
    assert oud["vermogen_voertuigen"] != nieuw["vermogen_voertuigen"]
    assert v_nieuw in nieuw["vermogen_voertuigen"]["methods_and_models"]
    assert v_oud not in nieuw["vermogen_voertuigen"]["methods_and_models"]
    assert '"minimum_voertuigen": 4' in nieuw["vermogen_voertuigen"]["methods_and_models"]
    for t in THEMAS:                                   # the other themes' rules did not change, nor their entries
        if t != "vermogen_voertuigen":
            assert nieuw_run["themas"][t]["filter_versie"] == run["run"]["themas"][t]["filter_versie"]
            assert nieuw[t] == oud[t]
    # and the rule really changed: three cars no longer make a signal
    assert run["run"]["themas"]["vermogen_voertuigen"]["signalen"] == 1
    assert nieuw_run["themas"]["vermogen_voertuigen"]["signalen"] == 0


def _pseudoniemen(werkmap: Path) -> set[str]:
    con = duckdb.connect(str(werkmap / "systeemanalyse.duckdb"), read_only=True)
    ph = {w for rij in con.sql("SELECT aanvrager_ph, partner_ph FROM populatie").fetchall() for w in rij if w}
    ph |= {w for rij in con.sql("SELECT aanvrager_ph, partner_ph FROM funnel_leden").fetchall() for w in rij if w}
    con.close()
    return ph


def vondsten(tekst: str, bsns: set[str], pseudoniemen: set[str]) -> list[str]:
    """BSNs (known ones, or any 9-digit number passing the 11-proef) and pseudonyms found in a text. A hash in hex
    (a filter_versie such as 55f852353431dbcb, a run id) can hold nine digits in a row: not a number of its own."""
    from pipelines.inzage import elfproef
    gevonden = [b for b in bsns if b in tekst] + [p for p in pseudoniemen if p in tekst]
    zonder_hex = re.sub(r"\b(?=[0-9a-f]*[a-f])[0-9a-f]{12,}\b", " ", tekst)
    gevonden += [g for g in re.findall(r"(?<!\d)\d{9}(?!\d)", zonder_hex) if elfproef(g)]
    return gevonden


def test_committee_and_register_outputs_hold_no_bsn_and_no_pseudonym(run):
    pseudoniemen = _pseudoniemen(run["werkmap"])
    assert len(pseudoniemen) == 29                     # 28 PW applicants and one partner: the scan has targets
    uitvoer = run["werkmap"] / "output" / P
    bestanden = [p for map_ in ("bias", "register") for p in (uitvoer / map_).rglob("*") if p.is_file()]
    assert len(bestanden) >= len(THEMAS)
    for pad in bestanden:
        tekst = pad.read_bytes().decode("utf-8", errors="replace")
        assert vondsten(tekst, alle_bsns(), pseudoniemen) == [], pad
    # the scanner does find what it looks for
    # (a pseudonym without a run of 9 digits: the key is random per werkmap, and now and then a pseudonym's hex
    # holds such a run that passes the 11-proef, which the scanner rightly reports too)
    een_ph = next(p for p in sorted(pseudoniemen) if not re.search(r"(?<!\d)\d{9}(?!\d)", p))
    from tests.bouwer import bsn
    assert vondsten(f"x {bsn(3)} y {een_ph}", alle_bsns(), pseudoniemen) == [bsn(3), een_ph, bsn(3)]
    assert vondsten("onbekend 100000034.", set(), set()) == ["100000034"]
    assert vondsten('"filter_versie": "55f852353431dbcb"', set(), set()) == []  # a hash, not a BSN
    assert vondsten("x 852353431 y", set(), set()) == ["852353431"]


@pytest.mark.parametrize("thema_id", sorted(THEMAS))
def test_entry_lengths_hold_for_every_theme_with_default_parameters(thema_id):
    from assets.themas import kader
    par = kader.laad_parameters(STANDAARD_FILTERS)
    org = algoritmeregister.laad_organisatie()
    lange_redenen = {"peildatum": date(2026, 10, 31), "status": "geblokkeerd", "redenen": ["x" * 500] * 40}
    e = algoritmeregister.entry(THEMAS[thema_id], par, "0" * 16, org,
                                algoritmeregister.risicotekst(None, lange_redenen))
    jsonschema.validate(e, SCHEMA, cls=jsonschema.Draft202012Validator)


def test_broken_organisation_configuration_is_a_clear_error(tmp_path, monkeypatch):
    pad = tmp_path / "org.yaml"
    pad.write_text("organisatie: Gemeente X\n")
    monkeypatch.setenv("SYSTEEMANALYSE_ORGANISATIE", str(pad))
    with pytest.raises(algoritmeregister.OrganisatieFout, match="missen contact_email"):
        algoritmeregister.laad_organisatie()
