"""Start a run when a new delivery folder (with its manifest) lands in the landing folder."""

import hashlib
import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg

from pipelines.jobs import volledige_run
from kern.omgeving import instellingen
from sources.contract import BRONNEN
from sources.levering import leverdata


def aanwezige_leveringen(landing: Path) -> dict[str, str]:
    """Delivery folders that carry a manifest, as 'bron/leverdatum' -> the manifest's sha256 (16 hex digits): a
    delivery sent again into the same folder (a corrected one, say) has another manifest."""
    uit = {}
    for b in BRONNEN:
        for d in leverdata(landing, b):
            manifest = landing / b / d.isoformat() / "manifest.json"
            try:
                uit[f"{b}/{d.isoformat()}"] = hashlib.sha256(manifest.read_bytes()).hexdigest()[:16]
            except OSError:  # no manifest (yet): not a delivery
                continue
    return dict(sorted(uit.items()))


def _gezien(cursor: str | None) -> dict[str, str | None]:
    """The cursor's deliveries; a cursor from before the manifests' hashes (a list) knows none of them."""
    if not cursor:
        return {}
    oud = json.loads(cursor)
    return dict.fromkeys(oud) if isinstance(oud, list) else oud


@dg.sensor(job=volledige_run, minimum_interval_seconds=300, default_status=dg.DefaultSensorStatus.STOPPED,
           description="Start een run met de peildatum van vandaag zodra een nieuwe levering (map met manifest) "
                       "binnenkomt, of een levering opnieuw wordt gestuurd (een ander manifest in dezelfde map).")
def nieuwe_levering(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
    landing = Path(instellingen()["landing"])
    if not landing.is_dir():  # a wrong setting must not look like a quiet night
        context.log.warning(f"landingsmap {landing} bestaat niet")
        return dg.SkipReason(f"landingsmap {landing} bestaat niet: controleer SYSTEEMANALYSE_LANDING")
    gezien = _gezien(context.cursor)
    nu = aanwezige_leveringen(landing)
    # new, or sent again; a delivery of a cursor from before the hashes counts as seen (no run for all at once)
    nieuw = [l for l, h in nu.items() if l not in gezien or gezien[l] not in (None, h)]
    cursor = json.dumps(nu)
    if not nieuw:
        geen = dg.SkipReason(f"geen nieuwe leveringen in {landing}")
        return geen if gezien == nu else dg.SensorResult(skip_reason=geen, cursor=cursor)
    vandaag = datetime.now(ZoneInfo("Europe/Amsterdam")).date().isoformat()
    sleutel = "+".join(f"{l}@{nu[l]}" for l in nieuw)
    if len(sleutel) > 200:  # a first look at a landing with years of deliveries: one key of fixed length
        sleutel = f"{len(nieuw)}-{hashlib.sha256(sleutel.encode()).hexdigest()[:32]}"
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=f"levering-{sleutel}", partition_key=vandaag,
                                    tags={"aanleiding": "levering", "leveringen": ",".join(nieuw)[:1000]})],
        cursor=cursor)
