"""Through the command line and Dagster: monitoring/rapport.json in the contract's shape, the HTML report
self-contained and without BSN, run.json pointing at both, and the stage rerun-safe."""
import json
import re
from datetime import date

import jsonschema

from assets import monitoring
from kern import opslag
from pipelines.cli import main
from tests.bouwer import bsn
from tests.monitoring.test_bekende_uitkomsten import ONDERZOEKEN
from tests.test_cli import kleine_landing

import pytest

pytestmark = pytest.mark.traag  # runs end to end through the CLI and Dagster

P = "2026-10-31"
AANTAL = {"type": "integer", "minimum": 0}
KANS = {"type": ["number", "null"], "minimum": 0, "maximum": 1}
ARM = {"type": "object", "additionalProperties": False,
       "required": ["onderzocht", "afgerond", "niet_naleving", "niet_meegewerkt", "trefkans", "ci_laag", "ci_hoog"],
       "properties": {"onderzocht": AANTAL, "afgerond": AANTAL, "niet_naleving": AANTAL, "niet_meegewerkt": AANTAL,
                      "trefkans": KANS, "ci_laag": KANS, "ci_hoog": KANS}}
GEPUBLICEERD = {"oneOf": [{"type": "integer", "minimum": 10}, {"const": "<10"}]}
BEDRAG = {"type": ["number", "null"]}
SCHEMA = {  # outputs.md § Monitoring, to the letter
    "type": "object", "additionalProperties": False,
    "required": ["peildatum", "venster", "themas", "overlap", "indicatoren", "niet_meetbaar"],
    "properties": {
        "peildatum": {"type": "string", "format": "date"},
        "venster": {"type": "object", "additionalProperties": False, "required": ["van", "tot_en_met"],
                    "properties": {"van": {"type": "string"}, "tot_en_met": {"type": "string"}}},
        "themas": {"type": "object", "additionalProperties": {
            "type": "object", "additionalProperties": False,
            "required": ["signalen", "steekproef", "verschil", "p", "beter_dan_steekproef", "gemarkeerd"],
            "properties": {"signalen": ARM, "steekproef": ARM, "verschil": {"type": ["number", "null"]},
                           "p": KANS, "beter_dan_steekproef": {"type": "boolean"}, "gemarkeerd": {"type": "boolean"}}}},
        "overlap": {"type": "object", "additionalProperties": False, "required": ["themas", "herkomst"], "properties": {
            "themas": {"type": "array", "items": {"type": "object", "additionalProperties": False,
                                                  "required": ["a", "b", "dossiers"],
                                                  "properties": {"a": {"type": "string"}, "b": {"type": "string"},
                                                                 "dossiers": GEPUBLICEERD}}},
            "herkomst": {"type": "array", "items": {"type": "object", "additionalProperties": False,
                                                    "required": ["thema", "andere_herkomst", "dossiers"],
                                                    "properties": {"thema": {"type": "string"},
                                                                   "andere_herkomst": {"type": "string"},
                                                                   "dossiers": GEPUBLICEERD}}}}},
        "indicatoren": {"type": "object", "propertyNames": {"pattern": r"^\d{4}$"}, "additionalProperties": {
            "type": "object", "additionalProperties": False,
            "required": ["vorderingen", "boetes", "waarschuwingen", "per_herkomst"],
            "properties": {
                "vorderingen": {"type": "object", "additionalProperties": False,
                                "required": ["aantal", "totaal_euro", "gemiddeld_euro", "mediaan_euro",
                                             "kwartielen_euro", "bij_beeindiging"],
                                "properties": {"aantal": AANTAL, "totaal_euro": {"type": "number"},
                                               "gemiddeld_euro": BEDRAG, "mediaan_euro": BEDRAG,
                                               "kwartielen_euro": {"type": ["array", "null"], "minItems": 3,
                                                                   "maxItems": 3, "items": {"type": "number"}},
                                               "bij_beeindiging": AANTAL}},
                "boetes": AANTAL, "waarschuwingen": AANTAL,
                "per_herkomst": {"type": "object", "additionalProperties": {
                    "type": "object", "additionalProperties": False,
                    "required": ["gestart", "afgerond", "niet_naleving", "aandeel_niet_naleving",
                                 "doorlooptijd_mediaan_dagen"],
                    "properties": {"gestart": AANTAL, "afgerond": AANTAL, "niet_naleving": AANTAL,
                                   "aandeel_niet_naleving": KANS,
                                   "doorlooptijd_mediaan_dagen": {"type": ["number", "null"]}}}}}}},
        "niet_meetbaar": {"const": ["1 onterecht verstrekte uitkeringen (<1%)", "3 nazorg",
                                    "6 toekenningen aan de poort"]}}}


def test_cli_run_writes_the_monitoring_report(tmp_path, capsys):
    kleine_landing(tmp_path / "landing")
    # the same investigations as the known-answer test, on the small landing's municipal delivery
    gemeente = next((tmp_path / "landing" / "gemeente").iterdir())
    from tests.bouwer import Landing, dossier
    Landing(tmp_path / "landing").levering("gemeente", gemeente.name, uitkeringen=[dossier(i, i) for i in range(1, 30)],
                                            onderzoeken=ONDERZOEKEN)
    argv = ["run", "--landing", str(tmp_path / "landing"), "--werkmap", str(tmp_path / "werk"), "--peildatum", P]
    assert main(argv) in (0, 3)
    uit = tmp_path / "werk" / "output" / P
    rapport = json.loads((uit / "monitoring" / "rapport.json").read_text())
    jsonschema.validate(rapport, SCHEMA)
    assert set(rapport["themas"]) == {"vermogen_voertuigen", "vermogen_bank", "huisvesting_bezetting",
                                      "huisvesting_kostendelers"}
    assert rapport["themas"]["vermogen_bank"]["signalen"]["onderzocht"] == 5
    run = json.loads((uit / "run.json").read_text())
    assert run["monitoring"] == {"status": "gemaakt", "json": "monitoring/rapport.json",
                                 "html": "monitoring/rapport.html", "gemarkeerd": []}
    html = (uit / "monitoring" / "rapport.html").read_text()
    assert "<svg" in html and "Trefkans per thema" in html and "niet meetbaar" in html.lower()
    # self-contained: nothing is fetched (the only URL is the SVG namespace), and no BSN or dossier appears
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html) and "@import" not in html
    for tekst in (html, json.dumps(rapport)):
        assert not any(bsn(i) in tekst for i in range(1, 40)) and "D00001" not in tekst
    # the stage again on the same database (what a rerun of the asset does): the same report, and still one
    # trend row per theme for this peildatum (a full CLI rerun is covered by tests/test_cli.py)
    con = opslag.verbind(tmp_path / "werk")
    opnieuw = monitoring.bereken(con, date.fromisoformat(P), monitoring.laad_instellingen())
    assert json.loads(json.dumps(opnieuw.rapport)) == rapport
    assert con.sql("SELECT count(*) FROM monitoring_trends").fetchall() == [(4,)]
    con.close()
