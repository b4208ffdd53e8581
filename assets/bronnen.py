"""Ingestion assets: per source the delivery verdict, per delivered file its staged DuckDB table.

Each staged table's data-quality checks run in the same step (see checks/), so the release gate
downstream always sees this run's verdicts.
"""

import dagster as dg

from checks import register as controles
from checks.kader import Context, bewaar
from checks.verwachtingen import TABEL as GX_TABEL
from kern import opslag
from kern.partities import PEILDATUM, peildatum
from kern.resources import Werkomgeving
from kern.slot import POOL
from kern.voortgang import Voortgang
from sources import levering as lv
from sources.contract import Bestand, duckdb_type
from sources.inlezen import ONLEESBAAR, lees_in
from sources.register import PER_BRON


def levering_key(bron: str) -> dg.AssetKey:
    return dg.AssetKey(f"levering_{bron}")


def levering_asset(bron: str) -> dg.AssetsDefinition:
    @dg.asset(name=f"levering_{bron}", group_name="bronnen", partitions_def=PEILDATUM, pool=POOL, kinds={"duckdb"},
              description=f"De levering van {bron} voor de peildatum: nieuwste met leverdatum <= peildatum, "
                          "gecontroleerd tegen manifest.json (bestanden, rijen, sha256, UTF-8, kolommen).")
    def _levering(context: dg.AssetExecutionContext, werkomgeving: Werkomgeving) -> dg.MaterializeResult:
        p = peildatum(context)
        levering = lv.kies(werkomgeving.landing, bron, p)
        with werkomgeving.verbind() as con:
            lv.bewaar(con, p, levering)
        for w in levering.waarschuwingen:
            context.log.warning(w)
        if levering.geaccepteerd:
            context.log.info(f"{bron}: levering {levering.leverdatum} geaccepteerd")
        else:
            context.log.error(levering.reden)
        return dg.MaterializeResult(metadata={
            "status": levering.status, "leverdatum": str(levering.leverdatum), "reden": levering.reden or "",
            "bestanden": dg.MetadataValue.json({n: {"rijen": f["rijen"], "sha256": f["sha256"]}
                                                for n, f in levering.bestanden.items()}),
            "waarschuwingen": dg.MetadataValue.json(levering.waarschuwingen)})

    return _levering


def _ongewijzigd(inlezing) -> int:
    """The rows whose verdict carried over from the previous delivery: the records not judged row by row (the
    lines that are no CSV record are neither)."""
    if inlezing.rij_voor_rij is None or inlezing.gekopieerd_van is not None:
        return 0
    onleesbaar = sum(n for r, n in inlezing.redenen.items() if r.startswith(ONLEESBAAR))
    return inlezing.geleverd - onleesbaar - inlezing.rij_voor_rij


def _column_schema(spec: Bestand) -> dg.TableSchema:
    return dg.TableSchema(columns=[
        dg.TableColumn(naam, type_, description=spec.kolom(k.naam).type)
        for k in spec.kolommen if not k.bijzonder for naam, type_ in duckdb_type(k)])


def check_specs(spec: Bestand) -> list[dg.AssetCheckSpec]:
    return [dg.AssetCheckSpec(d.naam, asset=spec.tabel, description=d.omschrijving) for d in controles.DEFINITIES]


# Cross-source checks (applicants exist in the BRP, investigations refer to known dossiers) need the
# referenced tables staged first.
KRUISBRON_DEPS: dict[str, tuple[str, ...]] = {
    "gemeente_uitkeringen": ("brp_personen",),
    "gemeente_onderzoeken": ("gemeente_uitkeringen",),
    "gemeente_opgegeven_inkomsten": ("gemeente_uitkeringen",),
    "ib_vermogen": ("brp_personen", "gemeente_uitkeringen"),
    "suwi_polis": ("brp_personen", "gemeente_uitkeringen"),
    "suwi_studiefinanciering": ("brp_personen",),
    "rdw_tenaamstellingen": ("brp_personen", "gemeente_uitkeringen"),
}


def bestand_asset(spec: Bestand) -> dg.AssetsDefinition:
    deps = [levering_key(spec.bron)] + [dg.AssetKey(f"{spec.bron}_{v.bestand.removesuffix('.csv')}")
                                         for v in spec.verwijzingen] \
        + [dg.AssetKey(t) for t in KRUISBRON_DEPS.get(spec.tabel, ())]

    @dg.asset(name=spec.tabel, group_name="bronnen", partitions_def=PEILDATUM, pool=POOL, deps=deps,
              kinds={"duckdb", "polars"},
              check_specs=check_specs(spec),
              description=f"{spec.omschrijving} ({spec.bron}/{spec.naam}), getypeerd; afgekeurde rijen in quarantaine.")
    def _bestand(context: dg.AssetExecutionContext, werkomgeving: Werkomgeving) -> dg.MaterializeResult:
        p = peildatum(context)
        key = dg.AssetKey(spec.tabel)
        with werkomgeving.verbind() as con:
            levering = lv.laad(con, p, spec.bron)
            if not levering.geaccepteerd:
                uitslag = controles.afgewezen(levering.reden)
                bewaar(con, p, spec, uitslag)
                # no validation of this table for this peildatum: an earlier run's results (examples with lines
                # and dossier ids) do not belong to it any more
                opslag.verwijder(con, GX_TABEL, {"peildatum": p, "tabel": spec.tabel})
                return dg.MaterializeResult(
                    metadata={"status": "afgewezen", "reden": levering.reden},
                    check_results=[c.als_check_result(key) for c in uitslag])
            voortgang = Voortgang(context.log.info, f"{spec.bron}/{spec.naam}")
            inlezing = lees_in(con, levering, spec, voortgang)
            with voortgang.duur("controles"):  # pandera, Great Expectations, volume, freshness
                uitslag = controles.evalueer(Context(con, p, spec, levering, inlezing, controles.drempels()))
            bewaar(con, p, spec, uitslag)
        context.log.info(f"{spec.bron}/{spec.naam}: geleverd {inlezing.geleverd}, geaccepteerd "
                         f"{inlezing.geaccepteerd}, quarantaine {inlezing.quarantaine}"
                         + (" (ongewijzigd, hergebruikt)" if inlezing.hergebruikt else "")
                         + (f" (hetzelfde bestand als de levering van {inlezing.gekopieerd_van}: uitkomst overgenomen)"
                            if inlezing.gekopieerd_van is not None else "")
                         + (f", rij voor rij gevalideerd {inlezing.rij_voor_rij}, {ongewijzigd} ongewijzigd sinds de "
                            "vorige levering" if (ongewijzigd := _ongewijzigd(inlezing)) else ""))
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": inlezing.geaccepteerd,
                "dagster/column_schema": _column_schema(spec),
                "leverdatum": str(levering.leverdatum),
                "geleverd": inlezing.geleverd, "geaccepteerd": inlezing.geaccepteerd,
                "quarantaine": inlezing.quarantaine,
                "rij_voor_rij_gevalideerd": inlezing.rij_voor_rij if inlezing.rij_voor_rij is not None else -1,
                "gekopieerd_van": str(inlezing.gekopieerd_van or ""),
                "quarantaine_redenen": dg.MetadataValue.json(inlezing.redenen),
                "genegeerde_kolommen": ", ".join(inlezing.extra_kolommen)},
            check_results=[c.als_check_result(key) for c in uitslag])

    return _bestand


LEVERINGEN = [levering_asset(b) for b in PER_BRON]
BESTANDEN = [bestand_asset(s) for bestanden in PER_BRON.values() for s in bestanden]
