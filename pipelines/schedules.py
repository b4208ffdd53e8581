"""Nightly run at 02:00 Amsterdam time, for the peildatum of that day."""
import dagster as dg

from pipelines.jobs import volledige_run


@dg.schedule(job=volledige_run, cron_schedule="0 2 * * *", execution_timezone="Europe/Amsterdam",
             default_status=dg.DefaultScheduleStatus.STOPPED,
             description="Elke nacht om 02:00: een volledige run met de peildatum van die dag.")
def nachtelijk(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    dag = context.scheduled_execution_time.strftime("%Y-%m-%d")
    return dg.RunRequest(run_key=f"nachtelijk-{dag}", partition_key=dag, tags={"aanleiding": "schema"})
