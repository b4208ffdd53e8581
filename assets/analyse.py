"""The analysis graph: population, one funnel per theme, the release gate per theme, income settlement,
and the run report. Data flows one way: staged tables -> funnels -> release -> outputs."""

from pathlib import Path

import dagster as dg
import polars as pl

from assets import verrekening as verrekening_mod
from assets import verslag, vrijgave
from assets.excel import schrijf as schrijf_excel
from assets.themas import kader, uitvoering
from assets.themas.kader import Thema
from assets.themas.register import THEMAS
from kern import logboek, publicatie
from kern.partities import PEILDATUM, peildatum
from kern.sjablonen import nl_bedrag
from kern.resources import Werkomgeving
from kern.slot import POOL
from sources.register import PER_BRON

GROEP = "themas"


def tabellen(bronnen: tuple[str, ...]) -> list[dg.AssetKey]:
    return [dg.AssetKey(s.tabel) for b in bronnen for s in PER_BRON[b]]


def veld_naar_dep(veld: str) -> dg.TableColumnDep:
    bron, bestand, kolom = veld.split(".")
    return dg.TableColumnDep(asset_key=dg.AssetKey(f"{bron}_{bestand}"), column_name=kolom)


def kolom_lineage(thema: Thema) -> dg.TableColumnLineage:
    return dg.TableColumnLineage({kolom: [veld_naar_dep(v) for v in velden]
                                  for kolom, velden in thema.kolom_lineage.items()})


@dg.asset(group_name=GROEP, partitions_def=PEILDATUM, pool=POOL, deps=tabellen(("gemeente",)) + [dg.AssetKey("brp_personen")],
          kinds={"duckdb", "polars"},
          description="Populatie: actieve Participatiewet-dossiers op de peildatum, gepseudonimiseerd (HMAC) — "
                      "de noemer van elke trechter en van de bias-audit.")
def populatie(context: dg.AssetExecutionContext, werkomgeving: Werkomgeving) -> dg.MaterializeResult:
    p = peildatum(context)
    with werkomgeving.verbind() as con:
        try:
            n = uitvoering.populatie_tabel(con, p)
        except kader.BronNietBeschikbaar as fout:
            context.log.error(str(fout))
            return dg.MaterializeResult(metadata={"dagster/row_count": 0, "reden": str(fout)})
    context.log.info(f"populatie: {n} actieve PW-dossiers")
    return dg.MaterializeResult(metadata={"dagster/row_count": n})


def trechter_asset(thema: Thema, parameters: dict) -> dg.AssetsDefinition:
    """The funnel of one theme; its description states the rule with `parameters` (those of the definitions)."""
    @dg.asset(name=f"trechter_{thema.id}", group_name=GROEP, partitions_def=PEILDATUM, pool=POOL,
              deps=[populatie, *tabellen(thema.bronnen)], kinds={"polars", "duckdb"},
              description=f"{thema.titel}: {thema.regel_tekst(parameters)}",
              metadata={"thema": thema.id, "bronvelden": ", ".join(thema.alle_velden),
                        "dagster/column_lineage": kolom_lineage(thema)})
    def _trechter(context: dg.AssetExecutionContext, werkomgeving: Werkomgeving) -> dg.MaterializeResult:
        p = peildatum(context)
        parameters = kader.laad_parameters(werkomgeving.filters)
        with werkomgeving.verbind() as con:
            r = uitvoering.voer_uit(con, thema, p, parameters)
        if not r.berekend:
            context.log.error(f"{thema.id}: niet berekend: {r.reden}")
        else:
            context.log.info(f"{thema.id}: " + " → ".join(f"{s['stap']} {s['aantal']}" for s in r.stappen)
                             + f"; steekproef {r.steekproef}")
        return dg.MaterializeResult(metadata={
            "filter_versie": r.filter_versie, "regel": thema.regel_tekst(parameters), "berekend": r.berekend,
            "reden": r.reden or "",
            "signalen": r.signalen, "steekproef": r.steekproef, "steekproef_zaad": r.zaad or 0,
            **{f"stap_{s['stap_nr']}_{s['stap']}": s["aantal"] for s in r.stappen},
            "opmerkingen": dg.MetadataValue.json(r.opmerkingen),
            "dagster/column_lineage": kolom_lineage(thema)})

    return _trechter


def vrijgave_asset(thema: Thema, extra_deps: list[dg.AssetKey], poorten: list) -> dg.AssetsDefinition:
    """Release of one theme; `extra_deps` (e.g. its bias audit) and `poorten` come from the definitions."""
    @dg.asset(name=f"vrijgave_{thema.id}", group_name="vrijgave", partitions_def=PEILDATUM, pool=POOL,
              deps=[dg.AssetKey(f"trechter_{thema.id}"), *extra_deps, *tabellen(thema.bronnen)],
              check_specs=[dg.AssetCheckSpec("vrijgavepoort", asset=f"vrijgave_{thema.id}",
                                             description="Alle poorten (bronnen, datakwaliteit, berekening, bias) "
                                                         "staan open: de lijst is vrijgegeven.")],
              kinds={"parquet", "excel"},
              description=f"Vrijgave van {thema.titel}: de signaallijst alleen als elke poort open staat; de "
                          "steekproef zodra het thema berekend is.")
    def _vrijgave(context: dg.AssetExecutionContext, werkomgeving: Werkomgeving) -> dg.MaterializeResult:
        p = peildatum(context)
        uitvoer = werkomgeving.uitvoer(p)
        with werkomgeving.verbind() as con:
            redenen = vrijgave.beoordeel(con, p, thema, poorten)
            uitkomst = uitvoering.laad_uitkomst(con, p, thema.id)
            if redenen:
                vrijgave.trek_in(uitvoer, thema)
                status = vrijgave.GEBLOKKEERD
                logboek.schrijf(werkomgeving.werkmap, "lijst_geblokkeerd", peildatum=p, thema=thema.id,
                                dagster_run=context.run_id, redenen=len(redenen),
                                steekproef=vrijgave.steekproef(con, uitvoer, p, thema, uitkomst))
                # the reasons themselves are in the metadata and on stderr once, at the end of the run
                context.log.info(f"{thema.id}: geblokkeerd ({len(redenen)} reden(en))")
            else:
                aantallen = vrijgave.publiceer(con, uitvoer, p, thema, kader.laad_parameters(werkomgeving.filters))
                status = vrijgave.VRIJGEGEVEN
                logboek.schrijf(werkomgeving.werkmap, "lijst_vrijgegeven", peildatum=p, thema=thema.id,
                                dagster_run=context.run_id, **aantallen)
                context.log.info(f"{thema.id}: vrijgegeven ({uitkomst.signalen} signalen, "
                                 f"{uitkomst.steekproef} in steekproef)")
            vrijgave.bewaar(con, p, thema, status, redenen, uitkomst)
        return dg.MaterializeResult(
            metadata={"status": status, "redenen": dg.MetadataValue.json(redenen),
                      "signalen": uitkomst.signalen if uitkomst else 0,
                      "lijst": dg.MetadataValue.path(str(uitvoer / "signalen" / f"{thema.id}.xlsx"))},
            check_results=[dg.AssetCheckResult(
                check_name="vrijgavepoort", passed=not redenen, severity=dg.AssetCheckSeverity.ERROR,
                metadata={"redenen": dg.MetadataValue.json(redenen)})])

    return _vrijgave


def verrekening_wat(par: dict) -> str:
    """What the settlement list is, with the tolerance in force."""
    return (f"Wit inkomen uit de polisadministratie dat hoger is dan het opgegeven inkomen (meer dan "
            f"{nl_bedrag(par['verrekening']['tolerantie_euro'])} verschil). Dit is geen fraudesignaal: het verschil "
            "wordt verrekend met de volgende maand.")


def verrekening_asset(parameters: dict) -> dg.AssetsDefinition:
    q = parameters["verrekening"]

    @dg.asset(name="verrekening_inkomsten", group_name="vrijgave", partitions_def=PEILDATUM, pool=POOL,
              kinds={"parquet", "excel"}, deps=tabellen(verrekening_mod.BRONNEN),
              description="Inkomstenverrekening: polisinkomen boven opgegeven inkomen "
                          f"(> {nl_bedrag(q['tolerantie_euro'])}) per dossier en maand over {q['maanden']} maanden, "
                          "voor inkomensconsulenten. Geen "
                          "fraudesignaal en nooit in een signaallijst.")
    def verrekening_inkomsten(context: dg.AssetExecutionContext, werkomgeving: Werkomgeving) -> dg.MaterializeResult:
        return _verrekening(context, werkomgeving)

    return verrekening_inkomsten


def _verrekening(context: dg.AssetExecutionContext, werkomgeving: Werkomgeving) -> dg.MaterializeResult:
    p = peildatum(context)
    map_ = werkomgeving.uitvoer(p) / "verrekening"
    with werkomgeving.verbind() as con:
        redenen = vrijgave.bronredenen(con, p, verrekening_mod.BRONNEN, verrekening_mod.TABELLEN)
        if redenen:
            for pad in (map_ / "inkomsten.parquet", map_ / "inkomsten.xlsx"):
                pad.unlink(missing_ok=True)
            for r in redenen:
                context.log.warning(f"verrekening niet gemaakt: {r}")
            return dg.MaterializeResult(metadata={"status": "niet_gemaakt", "redenen": dg.MetadataValue.json(redenen)})
        inv = kader.Invoer(con, p, verrekening_mod.VELDEN)
        par = kader.laad_parameters(werkomgeving.filters)
        lijst = verrekening_mod.bereken(inv, par)
    map_.mkdir(parents=True, exist_ok=True)
    lijst.write_parquet(map_ / "inkomsten.parquet")
    if lijst.height < 1_000_000:  # Excel's sheet limit; the parquet file always holds everything
        schrijf_excel(map_ / "inkomsten.xlsx", lijst, "Verrekening", [
            ("Wat", verrekening_wat(par)), ("Peildatum", p),
            ("Maanden", ", ".join(verrekening_mod.maanden(p, par["verrekening"]["maanden"])))])
    context.log.info(f"verrekening: {lijst.height} dossiermaanden")
    return dg.MaterializeResult(metadata={"status": "gemaakt", "dagster/row_count": lijst.height})


def verrekening_onderdeel(con, p, uitvoer, werkomgeving) -> dict:
    """run.json's account of the income settlement list, which is no theme: made (with its rows), or withheld with
    the reasons of its sources (also printed on stderr, assets/verslag.py), so that its absence is never silent."""
    pad = Path(uitvoer) / "verrekening" / "inkomsten.parquet"
    if pad.is_file():
        return {"verrekening": {"status": "gemaakt",
                                "dossiermaanden": pl.scan_parquet(pad).select(pl.len()).collect().item()}}
    return {"verrekening": {"status": "niet_gemaakt",
                            "redenen": vrijgave.bronredenen(con, p, verrekening_mod.BRONNEN, verrekening_mod.TABELLEN)}}


def trechters(parameters: dict) -> list[dg.AssetsDefinition]:
    return [trechter_asset(t, parameters) for t in THEMAS.values()]


def run_verslag_asset(deps: list, onderdelen: list) -> dg.AssetsDefinition:
    """run.json after everything in `deps`; each of `onderdelen` (quality summary, bias report, register) is
    called as f(con, peildatum, uitvoer, werkomgeving) and returns a dict merged into run.json."""

    @dg.asset(group_name="vrijgave", partitions_def=PEILDATUM, pool=POOL,
              deps=[*deps, dg.AssetKey("verrekening_inkomsten")],
              kinds={"json"}, description="run.json: leveringen met tellingen, thema's met hun vrijgave en redenen.")
    def run_verslag(context: dg.AssetExecutionContext, werkomgeving: Werkomgeving) -> dg.MaterializeResult:
        p = peildatum(context)
        uitvoer = werkomgeving.uitvoer(p)
        with werkomgeving.verbind() as con:
            extra = {"parameters_bestand": werkomgeving.filters, "verklaringenregister": werkomgeving.verklaringen}
            for onderdeel in onderdelen:
                extra.update(onderdeel(con, p, uitvoer, werkomgeving) or {})
            run = verslag.stel_op(con, p, {**extra, "dagster_run_id": context.run_id})
        # The last step: run.json appears as the last file and the whole version becomes visible at once.
        run = publicatie.publiceer(werkomgeving.werkmap, p, uitvoer, run)
        logboek.schrijf(werkomgeving.werkmap, "publicatie", peildatum=p, dagster_run=context.run_id,
                        status=run["status"], versie=run["publicatie"]["versie"],
                        lijsten=[b for b in run["publicatie"]["bestanden"] if b.startswith(("signalen/", "verrekening/"))
                                 and b.endswith(".xlsx")])
        context.instance.add_run_tags(context.run_id, {verslag.STATUS_TAG: run["status"]})
        regels = verslag.blokkaderegels(run)
        context.log.info(f"run.json: {run['status']}" + (f", {len(regels)} reden(en) van blokkade" if regels else ""))
        return dg.MaterializeResult(metadata={"status": run["status"],
                                              "run.json": dg.MetadataValue.path(
                                                  str(publicatie.zichtbaar(werkomgeving.werkmap, p) / "run.json"))})

    return run_verslag
