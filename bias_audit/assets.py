"""The Dagster assets of the audit, computing apart from judging:

- `bias_<thema>` computes the audit of every funnel step (statistics, root causes, evidence, power, pooling);
- `biasoordeel_<thema>` judges that stored audit against the explanations registry in force, writes
  output/<peildatum>/bias/<thema>.json and carries the blocking check `biaspoort`. After a decision of the
  committee, `systeemanalyse vrijgeven` re-materialises only this judgement and what follows it.
"""
import dagster as dg

from assets.themas.kader import Thema, laad_parameters
from bias_audit import audit
from kern import opslag
from kern.partities import PEILDATUM, peildatum
from kern.resources import Werkomgeving
from kern.slot import POOL


def schrijf_document(uitvoer, doc: dict):
    return opslag.schrijf_json(uitvoer / "bias" / f"{doc['thema']}.json", doc, indent=1)


def bias_asset(thema: Thema) -> dg.AssetsDefinition:
    """Dagster asset `bias_<thema>` (depends on `trechter_<thema>`): the computed audit, stored in DuckDB."""

    @dg.asset(name=f"bias_{thema.id}", group_name="bias_audit", partitions_def=PEILDATUM, pool=POOL,
              deps=[dg.AssetKey(f"trechter_{thema.id}")], kinds={"duckdb", "polars"},
              description=f"Bias-audit (Actielijn 5) van {thema.titel}: samenstelling van elke trechterstap "
                          "tegenover de populatie, met correctie voor het aantal toetsen, hoofdoorzaken, bewijs per "
                          "legitieme factor, onderscheidend vermogen en de gepoolde toets over eerdere runs.")
    def _bias(context: dg.AssetExecutionContext, werkomgeving: Werkomgeving) -> dg.MaterializeResult:
        p = peildatum(context)
        with werkomgeving.verbind() as con:
            doc = audit.bereken(con, p, thema, parameters=laad_parameters(werkomgeving.filters), run=context.run_id)
        context.log.info(f"{thema.id}: {len(doc['afwijkingen'])} afwijkingen in {len(doc['oorzaken'])} "
                         f"hoofdoorzaak/-oorzaken; {len(doc['ondervertegenwoordiging'])} keer ondervertegenwoordiging")
        return dg.MaterializeResult(metadata={
            "afwijkingen": len(doc["afwijkingen"]), "hoofdoorzaken": len(doc["oorzaken"]),
            "intersecties_getoetst": doc["intersecties"]["getoetst"],
            "gepoolde_runs": len(doc["gepoold"]["runs"]),
            "oorzaken": dg.MetadataValue.json([{k: o[k] for k in ("stap", "kenmerk", "groep", "ratio", "gepoold")}
                                               | {"afgeleid": len(o["afgeleid"])} for o in doc["oorzaken"]])})

    return _bias


def oordeel_asset(thema: Thema) -> dg.AssetsDefinition:
    """Dagster asset `biasoordeel_<thema>`: the stored audit judged against the registry in force."""
    naam = f"biasoordeel_{thema.id}"

    @dg.asset(name=naam, group_name="vrijgave", partitions_def=PEILDATUM, pool=POOL,
              deps=[dg.AssetKey(f"bias_{thema.id}")],
              kinds={"json"},
              description=f"Oordeel van de bias-audit van {thema.titel}: elke hoofdoorzaak tegen de besluiten van de "
                          "ethische commissie in het verklaringenregister; herberekent niets.",
              check_specs=[dg.AssetCheckSpec(
                  "biaspoort", asset=naam,
                  description="Geen onverklaarde hoofdoorzaak (ratio > 1,25 en significant na correctie) in enige "
                              "trechterstap; anders wordt het thema niet vrijgegeven.")])
    def _oordeel(context: dg.AssetExecutionContext, werkomgeving: Werkomgeving) -> dg.MaterializeResult:
        p = peildatum(context)
        with werkomgeving.verbind() as con:
            try:
                doc = audit.herbeoordeel(con, p, thema, werkomgeving.verklaringen)
            except audit.GeenAudit as fout:  # job vrijgeven for a peildatum never run (the CLI refuses it: exit 2)
                raise dg.Failure(description=f"{fout}: draai eerst de job volledige_run voor peildatum {p}; "
                                             "vrijgeven beoordeelt alleen een opgeslagen audit opnieuw",
                                 allow_retries=False) from None
        pad = schrijf_document(werkomgeving.uitvoer(p), doc)
        o = doc["oordeel"]
        context.log.info(f"{thema.id}: {o['oorzaken']} hoofdoorzaak/-oorzaken, {o['oorzaken_open']} niet verklaard"
                         + (" — blokkeert" if o["blokkerend"] else ""))
        toegepast = [v for v in doc["verklaringen"]["van_kracht"]
                     if any(oo.get("verklaring") == v for oo in doc["oorzaken"])]
        metadata = {"hoofdoorzaken": o["oorzaken"], "niet_verklaard": o["oorzaken_open"],
                    "afwijkingen": o["afwijkingen"], "verklaard": o["verklaard"],
                    "redenen": dg.MetadataValue.json(o["redenen"]),
                    "besluiten_toegepast": dg.MetadataValue.json(toegepast),
                    "register": werkomgeving.verklaringen or "",
                    "document": dg.MetadataValue.path(str(pad))}
        return dg.MaterializeResult(
            metadata={**metadata, "blokkerend": o["blokkerend"]},
            check_results=[dg.AssetCheckResult(check_name="biaspoort", passed=not o["blokkerend"],
                                               severity=dg.AssetCheckSeverity.ERROR, metadata=metadata)])

    return _oordeel
