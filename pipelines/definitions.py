"""The one Dagster code location: every asset, check, job, schedule and sensor of systeemanalyse."""
from __future__ import annotations

import dagster as dg

from assets import analyse, vrijgave
from assets.bronnen import BESTANDEN, LEVERINGEN
from assets.themas.register import THEMAS
from pipelines.omgeving import instellingen
from pipelines.resources import Werkomgeving
from pipelines.schedules import nachtelijk
from pipelines.sensors import nieuwe_levering
from pipelines.jobs import volledige_run
from pipelines.voortgang import voortgang


def bouw(instellingen_: dict[str, str] | None = None) -> dg.Definitions:
    poorten = list(vrijgave.POORTEN)
    vrijgaven = [analyse.vrijgave_asset(t, [], poorten) for t in THEMAS.values()]
    assets = [*LEVERINGEN, *BESTANDEN, analyse.populatie, *analyse.TRECHTERS, *vrijgaven,
              analyse.verrekening_inkomsten, analyse.run_verslag_asset(vrijgaven, [])]
    return dg.Definitions(
        assets=assets, jobs=[volledige_run], schedules=[nachtelijk], sensors=[nieuwe_levering],
        resources={"werkomgeving": Werkomgeving(**(instellingen_ or instellingen()))},
        loggers={"voortgang": voortgang}, executor=dg.in_process_executor)


defs = bouw()
