"""GX's SQL execution engine on DuckDB (the path the checks use) gives exactly the validation results of GX's
pandas engine on the same rows, for every suite — including failing expectations, their counts and examples.
If a GX upgrade changes either engine, or the workaround of great_expectations#10738 stops working, this
test fails instead of the Data Docs silently changing."""
from datetime import date

from checks import register
from checks.kader import Context
from checks.verwachtingen import valideer, valideer_pandas
from sources import levering as lv
from sources.inlezen import lees_in
from sources.register import ALLE
from tests.checks.test_controles import lever, onderzoek
from tests.bouwer import bsn, dossier, persoon, woont
from tests.helpers import ingest
import pytest

pytestmark = pytest.mark.traag  # both GX engines over a demo landing

P = date(2026, 10, 31)


def _zonder_uitvoering(resultaat: dict) -> dict:
    """The results without how they were computed (batch description, timing)."""
    return {"success": resultaat["success"], "statistics": resultaat["statistics"],
            "results": [{"success": r["success"], "result": r["result"], "exception_info": r["exception_info"],
                         "expectation_config": {k: v for k, v in r["expectation_config"].items() if k != "id"}}
                        for r in resultaat["results"]]}


def test_gx_sql_engine_equals_pandas_engine(tmp_path):
    personen = [persoon(i) for i in range(1, 30)] + [persoon(40, geboortedatum="18500101")]
    woon = [woont(i, 1 + i % 2) for i in range(1, 30)] + [woont(i, 1, aanvang="20300101") for i in range(1, 4)]
    dossiers = [dossier(1, 1, partner=2, normcategorie="gehuwden"), dossier(3, 3), dossier(5, 77),
                {**dossier(6, 6), "kostendelers": 25}]
    onderzoeken = [onderzoek(1, 1, 1), onderzoek(2, 9, 1), onderzoek(3, 8, 2)]
    lever(tmp_path / "landing", personen=personen, verblijfplaatsen=woon, uitkeringen=dossiers,
          onderzoeken=onderzoeken, relaties=[{"bsn": bsn(50), "relatie_bsn": bsn(1), "soort": "K"}])
    con = ingest(tmp_path / "landing", tmp_path / "werk", P)
    mislukt = 0
    for spec in ALLE:
        levering = lv.laad(con, P, spec.bron)
        ctx = Context(con, P, spec, levering, lees_in(con, levering, spec), register.drempels())
        sql = _zonder_uitvoering(valideer(ctx)[1])
        pandas = _zonder_uitvoering(valideer_pandas(ctx))
        assert sql == pandas, spec.tabel
        mislukt += sum(not r["success"] for r in sql["results"])
        assert all(not (r["exception_info"] or {}).get("raised_exception") for r in sql["results"]), spec.tabel
    assert mislukt >= 5  # the comparison covers failing expectations with counts and examples

