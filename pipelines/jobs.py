"""The jobs: a complete run for one peildatum, and the re-release after a decision of the ethics committee."""
import dagster as dg

from kern.partities import PEILDATUM

# In-process: DuckDB has one writer per database file, and a municipal run takes seconds.
volledige_run = dg.define_asset_job(
    "volledige_run", selection=dg.AssetSelection.all(), partitions_def=PEILDATUM,
    executor_def=dg.in_process_executor,
    description="Eén complete run voor een peildatum: inlezen, controles, thema's, bias-audit, vrijgave, verslag.")


def vrijgeven_job(oordelen: list[dg.AssetKey]):
    """Judge the stored audits again against the registry and release what now passes: the bias verdicts, the
    release assets and what depends on them — never ingestion, funnels or the audit's computation."""
    return dg.define_asset_job(
        "vrijgeven", selection=dg.AssetSelection.assets(*oordelen).downstream(), partitions_def=PEILDATUM,
        executor_def=dg.in_process_executor,
        description="Vrijgave opnieuw beoordelen na een besluit van de ethische commissie, zonder inlezen of "
                    "herberekenen: oordeel van de bias-audit, vrijgave, verslag.")
