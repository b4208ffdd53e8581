"""A failed run in run.json, however it was started: the CLI writes it when `execute_in_process` returns, the
sensor `run_mislukt` for a run started by the UI, the schedule, the delivery sensor or a backfill that fails
(`run_geannuleerd` for one cancelled in the UI, as the CLI publishes a run stopped by Ctrl-C).

Either way the previous publication stays as it was; only its run.json says that this run failed, with the
reason per failed step, and names the earlier run whose lists are still published (outputs.md).
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import dagster as dg

from assets import verslag
from kern import publicatie
from kern.slot import WerkmapBezet, beschrijf, houder, werkmap_slot

CLI_TAG = "systeemanalyse/cli"  # a run the CLI started (and whose failure the CLI publishes itself)
JOBS = ("volledige_run", "vrijgeven")
WACHTTIJD_S = 5.0  # the sensor waits this long for the werkmap (a daemon's tick should not stall on it)
ONDERBROKEN = "afgebroken (Ctrl-C of SIGTERM)"
AFGEBROKEN = "afgebroken (geannuleerd in Dagster)"
BEEINDIGD = ("STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED", "STEP_UP_FOR_RETRY")


def _binnenste(fout):
    """The innermost cause of a SerializableErrorInfo (None stays None)."""
    while fout is not None and fout.cause is not None:
        fout = fout.cause
    return fout


def oorzaak(fout) -> str:
    """The innermost message of a SerializableErrorInfo: what went wrong, without Dagster's wrapping."""
    fout = _binnenste(fout)
    if fout is not None and fout.cls_name == "DagsterExecutionInterruptedError":
        return ONDERBROKEN
    return fout.message.strip().splitlines()[0] if fout and fout.message.strip() else "onbekende fout"


def binnenste_klasse(fout) -> str | None:
    fout = _binnenste(fout)
    return fout.cls_name if fout is not None else None


def _fout(event):
    return getattr(event.event_specific_data, "error", None) if event.event_specific_data else None


def meldingen(events) -> list[str]:
    """One line per failed step ('step: reason'); a run that failed outside any step (a resource that could not
    start, say) by its own failure events."""
    fouten = [e for e in events if e.event_type_value == "STEP_FAILURE"] or [
        e for e in events if e.is_failure and _fout(e) is not None]
    return [f"{e.step_key or 'run'}: {oorzaak(_fout(e))}" for e in fouten]


def publiceer(instance: dg.DagsterInstance, werkmap: str | Path, peildatum: date | str, run_id: str,
              fouten: list[str]) -> dict:
    """run.json of a failed run (everything else of the publication as the previous run left it), and the run's
    status tag."""
    p = peildatum if isinstance(peildatum, str) else peildatum.isoformat()
    run = publicatie.publiceer_run_json(werkmap, p, f"{run_id}-mislukt", lambda oud: {
        "bronnen": {}, "themas": {}, **oud, "peildatum": p, "status": verslag.MISLUKT,
        "fouten": fouten, "dagster_run_id": run_id,
        "bronnen_en_themas_van_run": oud.get("bronnen_en_themas_van_run", oud.get("dagster_run_id"))})
    instance.add_run_tags(run_id, {verslag.STATUS_TAG: verslag.MISLUKT})
    return run


def _later_gepubliceerd(instance: dg.DagsterInstance, werkmap: str, peildatum: str, run: dg.DagsterRun) -> str | None:
    """The run whose run.json is published for the peildatum, when it started after `run` (or is `run`)."""
    huidig = publicatie.huidige(werkmap, peildatum)
    gepubliceerd = publicatie.lees_run_json(huidig).get("dagster_run_id") if huidig else None
    if not gepubliceerd:
        return None
    if gepubliceerd == run.run_id:
        return gepubliceerd
    eigen, ander = instance.get_run_record_by_id(run.run_id), instance.get_run_record_by_id(gepubliceerd)
    if eigen is None or ander is None:
        return None
    return gepubliceerd if ander.create_timestamp > eigen.create_timestamp else None



def _uit_het_logboek(instance: dg.DagsterInstance, run_id: str, geannuleerd: bool
                     ) -> tuple[list, list[str], bool]:
    """The run's failure events, and for a run without one that carries an error (its process killed, say by the
    out-of-memory killer, or the run cancelled) one line per step that was running: 'step: the engine's last
    word on the run' (or 'afgebroken' for a cancelled run); and whether the run started at all."""
    events, begonnen, klaar, laatste, gestart = [], [], set(), None, False
    for r in instance.all_logs(run_id):
        e = r.dagster_event
        if e is None:
            continue
        t = e.event_type_value
        gestart = gestart or t == "PIPELINE_START"
        if t == "STEP_START":
            begonnen.append(e.step_key)
        elif t in BEEINDIGD:
            klaar.add(e.step_key)
        if t == "STEP_FAILURE" or (e.is_failure and _fout(e) is not None):
            events.append(e)
        elif t == "ENGINE_EVENT" and any(w in (r.message or "") for w in ("signal", "terminated")):
            laatste = r.message
        elif t == "PIPELINE_FAILURE" and laatste is None:
            laatste = r.message
    if uit := meldingen(events):  # a step interrupted because the run was cancelled in Dagster says so
        return events, [m.replace(ONDERBROKEN, AFGEBROKEN) if geannuleerd else m for m in uit], gestart
    reden = AFGEBROKEN if geannuleerd else " ".join((laatste or "onbekende fout").split())[:500]
    lopend = [s for s in dict.fromkeys(begonnen) if s not in klaar] or ["run"]
    return events, [f"{s}: {reden}" for s in lopend], gestart


def run_mislukt_sensor(werkmap: str) -> dg.SensorDefinition:
    """The sensor for the werkmap of the definitions (the resource's; not the resource itself, whose use would
    hold the werkmap for as long as the sensor runs)."""

    @dg.run_failure_sensor(
        name="run_mislukt", minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.RUNNING,
        description="Schrijft run.json van een mislukte run (status 'mislukt', de reden per stap) voor runs die niet "
                    "via de CLI zijn gestart: vanuit de UI, het schema, de leveringssensor of een backfill. De vorige "
                    "publicatie blijft staan.")
    def run_mislukt(context: dg.RunFailureSensorContext):
        return verwerk(context, werkmap)

    return run_mislukt


def run_geannuleerd_sensor(werkmap: str) -> dg.SensorDefinition:
    """A run cancelled in the UI is published as failed ('afgebroken'), as the CLI publishes a run stopped by
    Ctrl-C or SIGTERM."""

    @dg.run_status_sensor(
        name="run_geannuleerd", run_status=dg.DagsterRunStatus.CANCELED, minimum_interval_seconds=30,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Schrijft run.json van een in Dagster geannuleerde run (status 'mislukt', 'afgebroken'), zoals "
                    "de CLI dat doet voor een run die met Ctrl-C of SIGTERM is gestopt. De vorige publicatie blijft.")
    def run_geannuleerd(context: dg.RunStatusSensorContext):
        return verwerk(context, werkmap, geannuleerd=True)

    return run_geannuleerd


def verwerk(context, werkmap: str, geannuleerd: bool = False) -> dg.SkipReason:
    """Publish the failed (or cancelled) run of `context` in `werkmap`, unless the CLI does so itself, it never
    started, or a later run has published (or is publishing) the peildatum's run.json."""
    run = context.dagster_run
    peildatum = run.tags.get("dagster/partition")
    if run.job_name not in JOBS or not peildatum:
        return dg.SkipReason(f"run {run.run_id} van job {run.job_name}: geen run met een peildatum")
    if run.job_name == "vrijgeven" and publicatie.huidige(werkmap, peildatum) is None:
        return dg.SkipReason(f"run {run.run_id} (vrijgeven) mislukt voor peildatum {peildatum}, waarvan niets is "
                             "gepubliceerd")
    if run.tags.get(CLI_TAG):
        return dg.SkipReason(f"run {run.run_id}: gestart door de CLI, die run.json zelf schrijft")
    events, fouten, gestart = _uit_het_logboek(context.instance, run.run_id, geannuleerd)
    if geannuleerd and not gestart:  # taken out of the queue: nothing ran, nothing to say in run.json
        return dg.SkipReason(f"run {run.run_id} is geannuleerd voordat hij begon")
    if any(binnenste_klasse(_fout(e)) == WerkmapBezet.__name__ for e in events):
        # it never started: the run that held the werkmap publishes its own outcome
        return dg.SkipReason(f"run {run.run_id} is niet begonnen: de werkmap was bezet")
    try:
        with werkmap_slot(werkmap, f"sensor run_mislukt (run {run.run_id})", WACHTTIJD_S, peildatum=peildatum):
            return _schrijf(context, werkmap, peildatum, run, fouten)
    except WerkmapBezet:
        bezig = houder(Path(werkmap))
        if bezig.get("peildatum") == peildatum:
            # a later run (or vrijgeven) of the same peildatum is writing a version; it publishes its own run.json,
            # and publishing now could remove its unfinished version
            return dg.SkipReason(f"run {run.run_id} mislukt, maar de werkmap is bezet door {beschrijf(bezig)}, "
                                 "die run.json van deze peildatum schrijft")
        # held for another peildatum or by a command that publishes nothing (inzage, verklaar): this peildatum's
        # publication is not touched by it
        return _schrijf(context, werkmap, peildatum, run, fouten)


def _schrijf(context, werkmap: str, peildatum: str, run: dg.DagsterRun, fouten: list[str]):
    if (later := _later_gepubliceerd(context.instance, werkmap, peildatum, run)) is not None:
        return dg.SkipReason(f"run {run.run_id} mislukt; run.json van peildatum {peildatum} is al van run {later}")
    publiceer(context.instance, werkmap, peildatum, run.run_id, fouten)
    context.log.warning(f"run {run.run_id} (peildatum {peildatum}) mislukt: {'; '.join(fouten)}")
    return dg.SkipReason(f"run.json van peildatum {peildatum}: run {run.run_id} mislukt ({len(fouten)} stap(pen))")
