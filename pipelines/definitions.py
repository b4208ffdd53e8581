"""The one Dagster code location: every asset, check, job, schedule and sensor of systeemanalyse."""
from __future__ import annotations

import dagster as dg

from assets import analyse, vrijgave
from assets.algoritmeregister import register_onderdeel
from bias_audit.assets import bias_asset
from bias_audit.poort import biaspoort
from bias_audit.rapport import rapport_onderdeel
from assets.kwaliteitsverslag import kwaliteit_onderdeel
from assets.bronnen import BESTANDEN, LEVERINGEN
from assets.themas.register import THEMAS
from kern.omgeving import instellingen
from kern.resources import Werkomgeving
from pipelines.schedules import nachtelijk
from pipelines.sensors import nieuwe_levering
from pipelines.jobs import volledige_run
from pipelines.opschonen import maandelijks_opschonen, opschonen
from pipelines.voortgang import voortgang


def bouw(instellingen_: dict[str, str] | None = None) -> dg.Definitions:
    poorten = [*vrijgave.POORTEN, biaspoort]
    audits = {t: bias_asset(thema) for t, thema in THEMAS.items()}
    vrijgaven = [analyse.vrijgave_asset(thema, [audits[t].key], poorten) for t, thema in THEMAS.items()]
    verslag = analyse.run_verslag_asset([*vrijgaven, *audits.values()],
                                        [kwaliteit_onderdeel, rapport_onderdeel, register_onderdeel])
    assets = [*LEVERINGEN, *BESTANDEN, analyse.populatie, *analyse.TRECHTERS, *audits.values(), *vrijgaven,
              analyse.verrekening_inkomsten, verslag]
    return dg.Definitions(
        assets=assets, jobs=[volledige_run, opschonen], schedules=[nachtelijk, maandelijks_opschonen],
        sensors=[nieuwe_levering],
        resources={"werkomgeving": Werkomgeving(**(instellingen_ or instellingen()))},
        loggers={"voortgang": voortgang}, executor=dg.in_process_executor)


defs = bouw()
