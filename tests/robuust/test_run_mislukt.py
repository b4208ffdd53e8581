"""A run started outside the CLI (UI, schedule, delivery sensor, backfill) that fails, or is cancelled once it has
started, is published as failed by the sensors `run_mislukt` and `run_geannuleerd`, as the CLI publishes its own; a
run's outcome is a tag on the Dagster run."""
import json
from pathlib import Path

import dagster as dg
import pytest

from assets import verslag
from kern.omgeving import STANDAARD_FILTERS
from pipelines.cli import dagster_instance, main
from pipelines.definitions import bouw
from pipelines.mislukt import CLI_TAG
from tests.robuust.test_gelijktijdig import _argv, _vastgehouden, houd_vast
from tests.test_cli import P, kleine_landing

pytestmark = pytest.mark.traag  # runs end to end through Dagster


def _instellingen(tmp_path: Path) -> dict[str, str]:
    werk = tmp_path / "werk"
    return {"landing": str(tmp_path / "landing"), "werkmap": str(werk), "filters": str(STANDAARD_FILTERS),
            "verklaringen": str(werk / "verklaringen.yaml")}


def _zoals_de_ui(tmp_path: Path, job: str = "volledige_run", peildatum: str = P, tags: dict | None = None):
    """The job run the way the UI, the schedule or a sensor starts it: through the definitions, not the CLI."""
    instellingen = _instellingen(tmp_path)
    instance, _ = dagster_instance(Path(instellingen["werkmap"]))
    resultaat = bouw(instellingen).resolve_job_def(job).execute_in_process(
        partition_key=peildatum, instance=instance, raise_on_error=False, tags={"aanleiding": "schema", **(tags or {})})
    return instance, resultaat


def _sensor(tmp_path: Path, instance, resultaat):
    """Evaluate run_mislukt on the run's failure, as the daemon does."""
    [fout] = [e for e in resultaat.all_events if e.event_type_value == "PIPELINE_FAILURE"]
    context = dg.build_run_status_sensor_context(
        sensor_name="run_mislukt", dagster_event=fout, dagster_instance=instance,
        dagster_run=instance.get_run_by_id(resultaat.run_id)).for_run_failure()
    sensor = bouw(_instellingen(tmp_path)).resolve_sensor_def("run_mislukt")
    return sensor(context)


def _werkmap_vast(werk: Path, omschrijving: str, peildatum: str | None = None):
    """Another process holds the werkmap's lock (as `omschrijving`, for `peildatum`) while the block runs."""
    return houd_vast("import sys\nfrom kern.slot import werkmap_slot\n"
                     "with werkmap_slot(sys.argv[1], sys.argv[2], peildatum=sys.argv[3] or None):\n"
                     "    print('vast', flush=True); sys.stdin.read()", str(werk), omschrijving, peildatum or "")


def _run_json(tmp_path: Path) -> dict:
    return json.loads((tmp_path / "werk" / "output" / P / "run.json").read_text(encoding="utf-8"))


@pytest.fixture
def gedraaid(tmp_path):
    kleine_landing(tmp_path / "landing")
    (tmp_path / "werk").mkdir(mode=0o700)
    assert main(_argv(tmp_path / "landing", tmp_path / "werk")) in (0, 3)
    return _run_json(tmp_path)


def test_a_failed_run_started_outside_the_cli_is_published_as_failed(tmp_path, gedraaid):
    database = tmp_path / "werk" / "systeemanalyse.duckdb"
    with _vastgehouden(database):  # another program holds the database: every step that needs it fails
        instance, resultaat = _zoals_de_ui(tmp_path)
    assert not resultaat.success
    assert _run_json(tmp_path) == gedraaid  # Dagster alone leaves run.json as the last good run wrote it
    uit = _sensor(tmp_path, instance, resultaat)
    assert uit.skip_message == f"run.json van peildatum {P}: run {resultaat.run_id} mislukt (5 stap(pen))"
    run = _run_json(tmp_path)
    assert run["status"] == "mislukt" and run["dagster_run_id"] == resultaat.run_id
    assert run["bronnen_en_themas_van_run"] == gedraaid["dagster_run_id"]
    assert run["themas"] == gedraaid["themas"] and run["bronnen"] == gedraaid["bronnen"]
    assert sorted(f.split(":")[0] for f in run["fouten"]) == [
        f"levering_{b}" for b in ("brp", "gemeente", "ib", "rdw", "suwi")]
    assert all("Could not set lock" in f for f in run["fouten"]), run["fouten"]
    # the previous run's lists stay published beside it
    assert set(gedraaid["publicatie"]["bestanden"]) == set(run["publicatie"]["bestanden"])
    assert instance.get_run_by_id(resultaat.run_id).tags[verslag.STATUS_TAG] == "mislukt"
    # evaluated again (a daemon restarted on an old cursor): nothing changes
    assert _sensor(tmp_path, instance, resultaat).skip_message.endswith(f"is al van run {resultaat.run_id}")
    assert _run_json(tmp_path) == run


def test_the_sensor_leaves_run_json_to_a_later_run_and_to_the_cli(tmp_path, gedraaid):
    database = tmp_path / "werk" / "systeemanalyse.duckdb"
    with _vastgehouden(database):
        instance, oud = _zoals_de_ui(tmp_path)
        _, cli = _zoals_de_ui(tmp_path, tags={CLI_TAG: "ja"})
    assert main(_argv(tmp_path / "landing", tmp_path / "werk")) in (0, 3)  # a later run completed meanwhile
    later = _run_json(tmp_path)
    assert _sensor(tmp_path, instance, oud).skip_message == (
        f"run {oud.run_id} mislukt; run.json van peildatum {P} is al van run {later['dagster_run_id']}")
    assert _sensor(tmp_path, instance, cli).skip_message.endswith("gestart door de CLI, die run.json zelf schrijft")
    assert _run_json(tmp_path) == later
    # a completed run carries run.json's status as a tag
    assert instance.get_run_by_id(later["dagster_run_id"]).tags[verslag.STATUS_TAG] == later["status"]


def test_a_run_that_never_started_because_the_werkmap_was_busy_writes_nothing(tmp_path, gedraaid, monkeypatch):
    monkeypatch.setenv("SYSTEEMANALYSE_WACHTTIJD", "0.2")
    with _werkmap_vast(tmp_path / "werk", "een andere run", P):
        instance, resultaat = _zoals_de_ui(tmp_path)
    assert not resultaat.success
    assert _sensor(tmp_path, instance, resultaat).skip_message == (
        f"run {resultaat.run_id} is niet begonnen: de werkmap was bezet")
    assert _run_json(tmp_path) == gedraaid


def test_job_vrijgeven_for_a_peildatum_never_run_fails_with_its_reason(tmp_path, gedraaid):
    instance, resultaat = _zoals_de_ui(tmp_path, job="vrijgeven", peildatum="2026-09-30")
    assert not resultaat.success
    redenen = {e.step_key: e.event_specific_data.error.message for e in resultaat.all_events
               if e.event_type_value == "STEP_FAILURE"}
    assert len(redenen) == 4 and all(
        r.startswith("dagster._core.definitions.events.Failure: geen opgeslagen bias-audit van ")
        and "draai eerst de job volledige_run voor peildatum 2026-09-30" in r for r in redenen.values()), redenen
    assert "KeyError" not in "".join(redenen.values())
    assert _sensor(tmp_path, instance, resultaat).skip_message.endswith("waarvan niets is gepubliceerd")
    assert not (tmp_path / "werk" / "output" / "2026-09-30").exists()


def _synthetisch(tmp_path: Path, *engine: str, geannuleerd: bool = False, gestart: bool = True,
                 onderbroken: str | None = None):
    """A run of volledige_run as the daemon records one whose process died (engine events, then failed or
    cancelled from outside), without running it; `gestart=False`: cancelled while still queued."""
    instellingen = _instellingen(tmp_path)
    instance, _ = dagster_instance(Path(instellingen["werkmap"]))
    job = bouw(instellingen).resolve_job_def("volledige_run")
    run = instance.create_run_for_job(job, tags={"dagster/partition": P, "aanleiding": "schema"})
    if gestart:
        instance.report_dagster_event(  # what the run worker records first
            dg.DagsterEvent(dg.DagsterEventType.RUN_START.value, run.job_name), run.run_id)
    instance.report_engine_event("Started process for run (pid: 1).", run)
    if onderbroken:  # a step interrupted by the termination, as Dagster records it
        from dagster._core.execution.plan.objects import StepFailureData
        from dagster._utils.error import SerializableErrorInfo

        fout = SerializableErrorInfo("dagster._core.errors.DagsterExecutionInterruptedError\n", [],
                                     "DagsterExecutionInterruptedError")
        instance.report_dagster_event(dg.DagsterEvent(
            dg.DagsterEventType.STEP_FAILURE.value, run.job_name, step_key=onderbroken,
            event_specific_data=StepFailureData(error=fout, user_failure_data=None)), run.run_id)
    for bericht in engine:
        instance.report_engine_event(bericht, run)
    if geannuleerd:
        instance.report_run_canceled(run)
        soort, naam = dg.DagsterEventType.RUN_CANCELED, "run_geannuleerd"
    else:
        instance.report_run_failed(run, "This run has been marked as failed from outside the execution context.")
        soort, naam = dg.DagsterEventType.RUN_FAILURE, "run_mislukt"
    [gebeurtenis] = [r.dagster_event for r in instance.all_logs(run.run_id, of_type=soort)]
    context = dg.build_run_status_sensor_context(
        sensor_name=naam, dagster_event=gebeurtenis, dagster_instance=instance,
        dagster_run=instance.get_run_by_id(run.run_id))
    sensor = bouw(instellingen).resolve_sensor_def(naam)
    return run, sensor(context if geannuleerd else context.for_run_failure())


def test_a_run_whose_process_was_killed_is_published_with_the_engines_reason(tmp_path, gedraaid):
    run, uit = _synthetisch(tmp_path, "[DagsterApiServer] Run execution process for x was terminated by signal 9 "
                                      "(SIGKILL).\nThis usually indicates that the process ran out of memory.")
    assert uit.skip_message.endswith("mislukt (1 stap(pen))")
    assert _run_json(tmp_path)["fouten"] == [
        "run: [DagsterApiServer] Run execution process for x was terminated by signal 9 (SIGKILL). This usually "
        "indicates that the process ran out of memory."]


def test_a_run_cancelled_in_dagster_is_published_as_stopped(tmp_path, gedraaid):
    run, uit = _synthetisch(tmp_path, geannuleerd=True)
    geschreven = _run_json(tmp_path)
    assert {k: geschreven[k] for k in ("status", "fouten", "dagster_run_id", "bronnen_en_themas_van_run")} == {
        "status": "mislukt", "fouten": ["run: afgebroken (geannuleerd in Dagster)"], "dagster_run_id": run.run_id,
        "bronnen_en_themas_van_run": gedraaid["dagster_run_id"]}
    # a step interrupted by the cancellation says that it was cancelled in Dagster (not Ctrl-C, as the CLI says)
    bezig, _ = _synthetisch(tmp_path, geannuleerd=True, onderbroken="bias_vermogen_bank")
    assert _run_json(tmp_path)["fouten"] == ["bias_vermogen_bank: afgebroken (geannuleerd in Dagster)"]
    # cancelled while still in the queue: it never ran, run.json stays as it is
    wachtend, uit = _synthetisch(tmp_path, geannuleerd=True, gestart=False)
    assert uit.skip_message == f"run {wachtend.run_id} is geannuleerd voordat hij begon"
    assert _run_json(tmp_path)["dagster_run_id"] == bezig.run_id


def test_a_command_holding_the_werkmap_for_no_peildatum_does_not_stop_the_publication(tmp_path, gedraaid):
    """inzage, verklaar and opschonen hold the werkmap without a peildatum and publish no run.json: a failed run is
    published all the same (it was skipped as if a later run of its peildatum would write run.json)."""
    with _werkmap_vast(tmp_path / "werk", "systeemanalyse inzage"):
        run, uit = _synthetisch(tmp_path, "Run execution process was terminated by signal 9 (SIGKILL).")
    assert uit.skip_message.endswith("mislukt (1 stap(pen))")
    assert _run_json(tmp_path)["dagster_run_id"] == run.run_id
