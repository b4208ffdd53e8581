"""The one job: a complete run for one peildatum (ingest, checks, themes, audit, release, report)."""
import dagster as dg

from kern.partities import PEILDATUM

# In-process: DuckDB has one writer per database file, and a municipal run takes seconds.
volledige_run = dg.define_asset_job(
    "volledige_run", selection=dg.AssetSelection.all(), partitions_def=PEILDATUM,
    executor_def=dg.in_process_executor,
    description="Eén complete run voor een peildatum: inlezen, controles, thema's, bias-audit, vrijgave, verslag.")
