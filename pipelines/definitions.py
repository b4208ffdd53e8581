"""The one Dagster code location: every asset, check, job, schedule and sensor of systeemanalyse."""
from __future__ import annotations

from pathlib import Path

import dagster as dg

from assets import analyse, vrijgave
from assets.algoritmeregister import register_onderdeel
from assets.lineage import lineage_onderdeel
from bias_audit.assets import bias_asset, oordeel_asset
from bias_audit.poort import biaspoort
from bias_audit.rapport import rapport_onderdeel
from assets.kwaliteitsverslag import kwaliteit_onderdeel
from assets.monitoring_asset import monitoring_asset, monitoring_onderdeel
from assets.bronnen import BESTANDEN, LEVERINGEN
from assets.themas.kader import laad_parameters
from assets.themas.register import THEMAS
from kern.omgeving import STANDAARD_FILTERS, instellingen
from kern.resources import Werkomgeving
from pipelines.mislukt import run_geannuleerd_sensor, run_mislukt_sensor
from pipelines.schedules import nachtelijk
from pipelines.sensors import nieuwe_levering
from pipelines.jobs import vrijgeven_job, volledige_run
from pipelines.opschonen import maandelijks_opschonen, opschonen
from pipelines.voortgang import voortgang


def bouw(instellingen_: dict[str, str] | None = None) -> dg.Definitions:
    instellingen_ = instellingen_ or instellingen()
    # the rule texts in the asset descriptions follow the parameter file of these settings (the project's
    # own when that file does not exist: the CLI validates a given file before it builds the definitions)
    filters = Path(instellingen_["filters"])
    parameters = laad_parameters(filters if filters.is_file() else STANDAARD_FILTERS)
    poorten = [*vrijgave.POORTEN, biaspoort]
    audits = {t: bias_asset(thema) for t, thema in THEMAS.items()}
    oordelen = {t: oordeel_asset(thema) for t, thema in THEMAS.items()}
    vrijgaven = [analyse.vrijgave_asset(thema, [audits[t].key, oordelen[t].key], poorten)
                 for t, thema in THEMAS.items()]
    monitoring = monitoring_asset(vrijgaven)
    verslag = analyse.run_verslag_asset([*vrijgaven, *audits.values(), *oordelen.values(), monitoring],
                                        [kwaliteit_onderdeel, monitoring_onderdeel, rapport_onderdeel,
                                         register_onderdeel, lineage_onderdeel, analyse.verrekening_onderdeel])
    assets = [*LEVERINGEN, *BESTANDEN, analyse.populatie, *analyse.trechters(parameters), *audits.values(),
              *oordelen.values(), *vrijgaven, analyse.verrekening_asset(parameters), monitoring, verslag]
    return dg.Definitions(
        assets=assets, jobs=[volledige_run, vrijgeven_job([o.key for o in oordelen.values()]), opschonen],
        schedules=[nachtelijk, maandelijks_opschonen],
        sensors=[nieuwe_levering, run_mislukt_sensor(instellingen_["werkmap"]),
                 run_geannuleerd_sensor(instellingen_["werkmap"])],
        resources={"werkomgeving": Werkomgeving(**instellingen_)},
        loggers={"voortgang": voortgang}, executor=dg.in_process_executor)


defs = bouw()
