"""The Dagster asset `bias_<thema>`: the Actielijn 5 audit of every funnel step, with a check that fails
(severity ERROR) when an unexplained deviation blocks the theme; writes output/<peildatum>/bias/<thema>.json."""
import json

import dagster as dg

from assets.themas.kader import Thema
from bias_audit import audit
from kern.partities import PEILDATUM, peildatum
from kern.resources import Werkomgeving
from kern.slot import POOL


def schrijf_document(uitvoer, doc: dict):
    pad = uitvoer / "bias" / f"{doc['thema']}.json"
    pad.parent.mkdir(parents=True, exist_ok=True)
    tijdelijk = pad.with_suffix(".json.tmp")
    tijdelijk.write_text(json.dumps(doc, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    tijdelijk.replace(pad)
    return pad


def bias_asset(thema: Thema) -> dg.AssetsDefinition:
    """Dagster asset `bias_<thema>` (depends on `trechter_<thema>`), with a blocking-severity check."""
    naam = f"bias_{thema.id}"

    @dg.asset(name=naam, group_name="bias_audit", partitions_def=PEILDATUM, pool=POOL,
              deps=[dg.AssetKey(f"trechter_{thema.id}")], kinds={"duckdb", "polars", "json"},
              description=f"Bias-audit (Actielijn 5) van {thema.titel}: samenstelling van elke trechterstap "
                          "tegenover de populatie, met correctie voor het aantal toetsen, verklaringen en oordeel.",
              check_specs=[dg.AssetCheckSpec(
                  "biaspoort", asset=naam,
                  description="Geen onverklaarde afwijking (ratio > 1,25 en significant na correctie) in enige "
                              "trechterstap; anders wordt het thema niet vrijgegeven.")])
    def _bias(context: dg.AssetExecutionContext, werkomgeving: Werkomgeving) -> dg.MaterializeResult:
        p = peildatum(context)
        with werkomgeving.verbind() as con:
            doc = audit.voer_uit(con, p, thema, werkomgeving.verklaringen)
        pad = schrijf_document(werkomgeving.uitvoer(p), doc)
        oordeel = doc["oordeel"]
        for r in oordeel["redenen"]:
            context.log.warning(r)
        context.log.info(f"{thema.id}: {oordeel['afwijkingen']} afwijkingen ({oordeel['verklaard']} verklaard), "
                         f"{oordeel['ondervertegenwoordiging']} keer ondervertegenwoordiging")
        metadata = {"afwijkingen": oordeel["afwijkingen"], "verklaard": oordeel["verklaard"],
                    "ondervertegenwoordiging": oordeel["ondervertegenwoordiging"],
                    "intersecties_getoetst": doc["intersecties"]["getoetst"],
                    "redenen": dg.MetadataValue.json(oordeel["redenen"]),
                    "document": dg.MetadataValue.path(str(pad))}
        return dg.MaterializeResult(
            metadata={**metadata, "blokkerend": oordeel["blokkerend"]},
            check_results=[dg.AssetCheckResult(check_name="biaspoort", passed=not oordeel["blokkerend"],
                                               severity=dg.AssetCheckSeverity.ERROR, metadata=metadata)])

    return _bias
