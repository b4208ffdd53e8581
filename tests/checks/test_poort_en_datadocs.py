"""End to end through Dagster: an error check on one source blocks exactly the themes that need it, the
others are released; the Data Docs list every suite and open without network."""
import json
import re

import pytest

from checks import datadocs
from pipelines.cli import main
from sources.register import ALLE
from tests.bouwer import bsn
from tests.checks.test_controles import lever, schone_bestanden
from tests.themas.test_vermogen_voertuigen import auto

pytestmark = pytest.mark.traag  # ingests through Dagster or runs end to end

P = "2026-10-31"
THEMAS = {"vermogen_voertuigen", "vermogen_bank", "huisvesting_bezetting", "huisvesting_kostendelers"}


def test_error_on_rdw_blocks_only_vehicle_theme_and_data_docs_work_offline(tmp_path, monkeypatch, capsys):
    # The bias audit is another gate, built elsewhere; here only the data-quality gate is under test.
    monkeypatch.setattr("pipelines.definitions.biaspoort", lambda con, peildatum, thema: [])
    tn = [auto(60 + i, f"ZZ-11{i}-Z", "20260101") for i in range(3)]  # owners unknown in the BRP: wrong file
    lever(tmp_path / "landing", tenaamstellingen=tn)
    code = main(["run", "--landing", str(tmp_path / "landing"), "--werkmap", str(tmp_path / "werk"), "--peildatum", P])
    err = capsys.readouterr().err
    uit = tmp_path / "werk" / "output" / P
    run = json.loads((uit / "run.json").read_text())

    assert code == 3 and run["status"] == "voltooid_met_blokkades"
    voertuigen = run["themas"]["vermogen_voertuigen"]
    toelichting = ("2 van 13 verwachtingen niet gehaald: bsn_in_brp: 3 van 3 rijen (100.00%) voldoen niet "
                   "(minimaal 99% moet voldoen); bsn_hoort_bij_dossier: 3 van 3 rijen (100.00%) voldoen niet "
                   "(minimaal 99% moet voldoen)")
    assert voertuigen["status"] == "geblokkeerd" and voertuigen["redenen"] == [
        f"datakwaliteit: controle verwachtingen op rdw_tenaamstellingen faalt: {toelichting}"]
    assert "thema geblokkeerd: vermogen_voertuigen: datakwaliteit: controle verwachtingen op rdw_tenaamstellingen" in err
    for thema in THEMAS - {"vermogen_voertuigen"}:
        assert run["themas"][thema]["status"] == "vrijgegeven", run["themas"][thema]
        assert (uit / "signalen" / f"{thema}.parquet").is_file()
    assert not (uit / "signalen" / "vermogen_voertuigen.parquet").exists()

    kwaliteit = run["kwaliteit"]
    assert kwaliteit["status"] == "fouten" and kwaliteit["aantallen"]["fouten"] == 1
    assert kwaliteit["fouten"] == [f"rdw/rdw_tenaamstellingen: verwachtingen: {toelichting}"]
    assert set(kwaliteit["geblokkeerde_themas"]) == {"vermogen_voertuigen"}
    assert kwaliteit["suites"]["rdw_tenaamstellingen"] == "fout"
    assert {s: st for s, st in kwaliteit["suites"].items() if s != "rdw_tenaamstellingen"} == {
        s.tabel: "geslaagd" for s in ALLE if s.tabel != "rdw_tenaamstellingen"}

    # summary of every check of the run: 11 tables x 4 checks
    samenvatting = json.loads((uit / "kwaliteit" / "samenvatting.json").read_text())
    assert len(samenvatting["controles"]) == 44
    assert {(c["tabel"], c["controle"]) for c in samenvatting["controles"] if not c["geslaagd"]} == {
        ("rdw_tenaamstellingen", "verwachtingen")}
    html = (uit / "kwaliteit" / "samenvatting.html").read_text()
    assert "Datakwaliteit — peildatum 2026-10-31" in html and "vermogen_voertuigen" in html

    # Data Docs: every suite listed with its result, each page present, nothing fetched from the network
    docs = uit / "kwaliteit" / "data_docs"
    index = (docs / "index.html").read_text()
    for spec in ALLE:
        assert f"<td>{spec.tabel}</td>" in index
        assert list((docs / "validations" / spec.tabel).rglob("*.html"))
        assert (docs / "expectations" / f"{spec.tabel}.html").is_file()
    assert re.search(r"<td>rdw_tenaamstellingen</td>.*?<td class=\"fout\">fout</td>", index)
    extern = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import""", re.I)
    for pagina in [*docs.rglob("*.html"), *docs.rglob("*.css")]:
        assert not extern.search(pagina.read_text()), pagina
    pagina = next((docs / "validations" / "rdw_tenaamstellingen").rglob("*.html")).read_text()
    assert "bsn_in_brp" in pagina and "<style>" in pagina
    assert (tmp_path / "werk" / "gx" / P / "gx" / "great_expectations.yml").is_file()  # the file context

    # no BSN anywhere in the quality outputs, also not of the rows that failed
    bsns = {r[k] for rijen in schone_bestanden().values() for r in rijen for k in ("bsn", "partner_bsn", "relatie_bsn")
            if r.get(k)} | {bsn(60), bsn(61), bsn(62)}
    alles = json.dumps(run["kwaliteit"]) + "".join(p.read_text() for p in (uit / "kwaliteit").rglob("*")
                                                    if p.suffix in (".html", ".json"))
    assert not [b for b in bsns if b in alles]


def test_offline_strips_every_network_reference():
    pagina = ('<html><head><link rel="stylesheet" href="https://cdn.example/b.css"/><script src="//cdn.example/j.js">'
              '</script><style>.x{background:url("https://s3/logo.png")}</style></head><body>'
              '<img src="https://s3/pixel.png?ctx=1"><a href="https://greatexpectations.io">GX</a>'
              '<script>$("#t").bootstrapTable()</script><a href="validations/x.html">x</a></body></html>')
    schoon = datadocs.offline(pagina)
    assert "http" not in schoon and "//cdn" not in schoon and "bootstrapTable" not in schoon
    assert '<a href="validations/x.html">x</a>' in schoon and schoon.count("<style>") == 2
