"""A run is one peildatum: every asset is partitioned by it (a day, Amsterdam time)."""
from datetime import date

import dagster as dg

PEILDATUM = dg.DailyPartitionsDefinition(start_date="2015-01-01", end_offset=1, timezone="Europe/Amsterdam",
                                         fmt="%Y-%m-%d")


def peildatum(context) -> date:
    return date.fromisoformat(context.partition_key)
