"""Start a run when a new delivery folder (with its manifest) lands in the landing folder."""

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg

from pipelines.jobs import volledige_run
from kern.omgeving import instellingen
from sources.contract import BRONNEN
from sources.levering import leverdata


def aanwezige_leveringen(landing: Path) -> list[str]:
    """Delivery folders that carry a manifest, as 'bron/leverdatum'."""
    return sorted(f"{b}/{d.isoformat()}" for b in BRONNEN for d in leverdata(landing, b)
                  if (landing / b / d.isoformat() / "manifest.json").is_file())


@dg.sensor(job=volledige_run, minimum_interval_seconds=300, default_status=dg.DefaultSensorStatus.STOPPED,
           description="Start een run met de peildatum van vandaag zodra een nieuwe levering (map met manifest) binnenkomt.")
def nieuwe_levering(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
    landing = Path(instellingen()["landing"])
    if not landing.is_dir():  # a wrong setting must not look like a quiet night
        context.log.warning(f"landingsmap {landing} bestaat niet")
        return dg.SkipReason(f"landingsmap {landing} bestaat niet: controleer SYSTEEMANALYSE_LANDING")
    gezien = set(json.loads(context.cursor)) if context.cursor else set()
    nu = aanwezige_leveringen(landing)
    nieuw = [l for l in nu if l not in gezien]
    if not nieuw:
        return dg.SkipReason(f"geen nieuwe leveringen in {landing}")
    vandaag = datetime.now(ZoneInfo("Europe/Amsterdam")).date().isoformat()
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=f"levering-{'+'.join(nieuw)}", partition_key=vandaag,
                                    tags={"aanleiding": "levering", "leveringen": ",".join(nieuw)[:1000]})],
        cursor=json.dumps(nu))
