"""The analysis graph: population, one funnel per theme, the release gate per theme, income settlement,
and the run report. Data flows one way: staged tables -> funnels -> release -> outputs."""

import dagster as dg

from assets import verrekening as verrekening_mod
from assets import verslag, vrijgave
from assets.excel import schrijf as schrijf_excel
from assets.themas import kader, uitvoering
from assets.themas.kader import Thema
from assets.themas.register import THEMAS
from kern import logboek, publicatie
from kern.partities import PEILDATUM, peildatum
from kern.resources import Werkomgeving
from kern.slot import POOL
from sources import pseudoniem
from sources.register import PER_BRON

GROEP = "themas"


def tabellen(bronnen: tuple[str, ...]) -> list[dg.AssetKey]:
    return [dg.AssetKey(s.tabel) for b in bronnen for s in PER_BRON[b]]


def veld_naar_dep(veld: str) -> dg.TableColumnDep:
    bron, bestand, kolom = veld.split(".")
    return dg.TableColumnDep(asset_key=dg.AssetKey(f"{bron}_{bestand}"), column_name=kolom)


def kolom_lineage(thema: Thema) -> dg.TableColumnLineage:
    deps = {kolom: [veld_naar_dep(v) for v in velden] for kolom, velden in thema.lineage.items()}
    deps["dossier_id"] = [veld_naar_dep("gemeente.uitkeringen.dossier_id")]
    deps["bsn"] = [veld_naar_dep("gemeente.uitkeringen.bsn")]
    deps["kwetsbaar"] = [veld_naar_dep("gemeente.uitkeringen.kwetsbaar")]
    return dg.TableColumnLineage(deps)


@dg.asset(group_name=GROEP, partitions_def=PEILDATUM, pool=POOL, deps=tabellen(("gemeente",)) + [dg.AssetKey("brp_personen")],
          kinds={"duckdb", "polars"},
          description="Populatie: actieve Participatiewet-dossiers op de peildatum, gepseudonimiseerd (HMAC) — "
                      "de noemer van elke trechter en van de bias-audit.")
def populatie(context: dg.AssetExecutionContext, werkomgeving: Werkomgeving) -> dg.MaterializeResult:
    p = peildatum(context)
    with werkomgeving.verbind() as con:
        try:
            n = uitvoering.populatie_tabel(con, p, pseudoniem.sleutel(werkomgeving.werkmap))
        except kader.BronNietBeschikbaar as fout:
            context.log.error(str(fout))
            return dg.MaterializeResult(metadata={"dagster/row_count": 0, "reden": str(fout)})
    context.log.info(f"populatie: {n} actieve PW-dossiers")
    return dg.MaterializeResult(metadata={"dagster/row_count": n})


def trechter_asset(thema: Thema) -> dg.AssetsDefinition:
    @dg.asset(name=f"trechter_{thema.id}", group_name=GROEP, partitions_def=PEILDATUM, pool=POOL,
              deps=[populatie, *tabellen(thema.bronnen)], kinds={"polars", "duckdb"},
              description=f"{thema.titel}: {thema.regel}",
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
            "filter_versie": r.filter_versie, "berekend": r.berekend, "reden": r.reden or "",
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
              description=f"Vrijgave van {thema.titel}: signaallijst en steekproef, alleen als elke poort open staat.")
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
                                dagster_run=context.run_id, redenen=len(redenen))
                for r in redenen:
                    context.log.warning(f"{thema.id} geblokkeerd: {r}")
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


@dg.asset(group_name="vrijgave", partitions_def=PEILDATUM, pool=POOL, kinds={"parquet", "excel"},
          deps=tabellen(verrekening_mod.BRONNEN),
          description="Inkomstenverrekening: polisinkomen boven opgegeven inkomen (> € 10) per dossier en maand, "
                      "voor inkomensconsulenten. Geen fraudesignaal en nooit in een signaallijst.")
def verrekening_inkomsten(context: dg.AssetExecutionContext, werkomgeving: Werkomgeving) -> dg.MaterializeResult:
    p = peildatum(context)
    map_ = werkomgeving.uitvoer(p) / "verrekening"
    with werkomgeving.verbind() as con:
        redenen = vrijgave.bronredenen(con, p, verrekening_mod.BRONNEN)
        if redenen:
            for pad in (map_ / "inkomsten.parquet", map_ / "inkomsten.xlsx"):
                pad.unlink(missing_ok=True)
            for r in redenen:
                context.log.warning(f"verrekening niet gemaakt: {r}")
            return dg.MaterializeResult(metadata={"status": "niet_gemaakt", "redenen": dg.MetadataValue.json(redenen)})
        inv = kader.Invoer(con, p, verrekening_mod.VELDEN)
        lijst = verrekening_mod.bereken(inv, kader.laad_parameters(werkomgeving.filters))
    map_.mkdir(parents=True, exist_ok=True)
    lijst.write_parquet(map_ / "inkomsten.parquet")
    if lijst.height < 1_000_000:  # Excel's sheet limit; the parquet file always holds everything
        schrijf_excel(map_ / "inkomsten.xlsx", lijst, "Verrekening", [
            ("Wat", "Wit inkomen uit de polisadministratie dat hoger is dan het opgegeven inkomen (meer dan € 10 "
                    "verschil). Dit is geen fraudesignaal: het verschil wordt verrekend met de volgende maand."),
            ("Peildatum", p), ("Maanden", ", ".join(verrekening_mod.maanden(p, 12)))])
    context.log.info(f"verrekening: {lijst.height} dossiermaanden")
    return dg.MaterializeResult(metadata={"status": "gemaakt", "dagster/row_count": lijst.height})


TRECHTERS = [trechter_asset(t) for t in THEMAS.values()]


def run_verslag_asset(deps: list, onderdelen: list) -> dg.AssetsDefinition:
    """run.json after everything in `deps`; each of `onderdelen` (quality summary, bias report, register) is
    called as f(con, peildatum, uitvoer, werkomgeving) and returns a dict merged into run.json."""

    @dg.asset(group_name="vrijgave", partitions_def=PEILDATUM, pool=POOL, deps=[*deps, verrekening_inkomsten],
              kinds={"json"}, description="run.json: leveringen met tellingen, thema's met hun vrijgave en redenen.")
    def run_verslag(context: dg.AssetExecutionContext, werkomgeving: Werkomgeving) -> dg.MaterializeResult:
        p = peildatum(context)
        uitvoer = werkomgeving.uitvoer(p)
        with werkomgeving.verbind() as con:
            extra = {}
            for onderdeel in onderdelen:
                extra.update(onderdeel(con, p, uitvoer, werkomgeving) or {})
            run = verslag.stel_op(con, p, {**extra, "dagster_run_id": context.run_id})
        # The last step: run.json appears as the last file and the whole version becomes visible at once.
        run = publicatie.publiceer(werkomgeving.werkmap, p, uitvoer, run)
        logboek.schrijf(werkomgeving.werkmap, "publicatie", peildatum=p, dagster_run=context.run_id,
                        status=run["status"], versie=run["publicatie"]["versie"],
                        lijsten=[b for b in run["publicatie"]["bestanden"] if b.startswith(("signalen/", "verrekening/"))
                                 and b.endswith(".xlsx")])
        for regel in verslag.blokkaderegels(run):
            context.log.warning(regel)
        return dg.MaterializeResult(metadata={"status": run["status"],
                                              "run.json": dg.MetadataValue.path(
                                                  str(publicatie.zichtbaar(werkomgeving.werkmap, p) / "run.json"))})

    return run_verslag
