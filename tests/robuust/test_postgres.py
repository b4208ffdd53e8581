"""Dagster on a real PostgreSQL server (issue 13.4): a complete CLI run against dagster-postgres run, event-log
and schedule storage; the run, its asset materialisations and check results are recorded in PostgreSQL.

Needs SYSTEEMANALYSE_TEST_PG_URL (set by .ci/run, which installs and starts PostgreSQL). Skipped locally
without it; in CI (`CI` set) its absence is a failure, never a silent skip."""
import json
import os
from urllib.parse import urlparse

import pytest

from kern.omgeving import PROJECT
from tests.robuust import cli
from tests.test_cli import P, kleine_landing

pytestmark = pytest.mark.traag  # runs end to end through the CLI and Dagster

URL = os.environ.get("SYSTEEMANALYSE_TEST_PG_URL")


def opslagblok() -> str:
    """The commented PostgreSQL block of the shipped dagster.yaml, uncommented: what a municipality switches on."""
    regels = (PROJECT / "dagster.yaml").read_text().splitlines()
    begin = regels.index("# storage:")
    blok = []
    for regel in regels[begin:]:
        if not regel.startswith("# ") or regel == "#":
            break
        blok.append(regel[2:])
    return "\n".join(blok) + "\n"


def pg_omgeving(url: str) -> dict[str, str]:
    u = urlparse(url)
    return {"DAGSTER_PG_HOST": u.hostname, "DAGSTER_PG_PORT": str(u.port or 5432), "DAGSTER_PG_USER": u.username,
            "DAGSTER_PG_PASSWORD": u.password or "", "DAGSTER_PG_DB": u.path.lstrip("/")}


def _pad(sleutel: str) -> list[str]:
    """An asset key as stored by Dagster: a JSON list (or an object with its path)."""
    waarde = json.loads(sleutel)
    return waarde["path"] if isinstance(waarde, dict) else waarde


@pytest.fixture
def pg_url():
    if not URL:
        if os.environ.get("CI"):
            pytest.fail("CI: SYSTEEMANALYSE_TEST_PG_URL ontbreekt; .ci/run start PostgreSQL en zet deze variabele")
        pytest.skip("geen PostgreSQL (SYSTEEMANALYSE_TEST_PG_URL niet gezet)")
    return URL


def test_run_recorded_in_postgresql(pg_url, tmp_path):
    import psycopg2

    home = tmp_path / "dagster_home"
    home.mkdir()
    # the shipped instance settings plus the storage block the README shows
    blok = opslagblok()
    assert "postgres_db:" in blok and "scheme: postgresql+psycopg2" in blok
    (home / "dagster.yaml").write_text((PROJECT / "dagster.yaml").read_text() + "\n" + blok)
    kleine_landing(tmp_path / "landing")
    r = cli.draai("run", "--landing", str(tmp_path / "landing"), "--werkmap", str(tmp_path / "werk"),
                  "--peildatum", P, DAGSTER_HOME=str(home), **pg_omgeving(pg_url))
    assert r.returncode in (0, 3), r.stderr
    assert f"Dagster-instantie: {home}" in r.stdout and not (tmp_path / "werk" / "dagster_home").exists()
    assert not list(home.rglob("*.db"))  # no SQLite storage anywhere (storage/ holds only compute logs)
    run_id = json.loads((tmp_path / "werk" / "output" / P / "run.json").read_text())["dagster_run_id"]
    con = psycopg2.connect(pg_url)
    try:
        cur = con.cursor()
        cur.execute("SELECT status, pipeline_name FROM runs WHERE run_id = %s", (run_id,))
        assert cur.fetchall() == [("SUCCESS", "volledige_run")]
        cur.execute("SELECT dagster_event_type, count(*) FROM event_logs WHERE run_id = %s "
                    "AND dagster_event_type IS NOT NULL GROUP BY 1", (run_id,))
        soorten = dict(cur.fetchall())
        cur.execute("SELECT DISTINCT asset_key FROM event_logs WHERE run_id = %s "
                    "AND dagster_event_type = 'ASSET_MATERIALIZATION'", (run_id,))
        gematerialiseerd = {_pad(k)[0] for (k,) in cur.fetchall()}
        cur.execute("SELECT asset_key, check_name, execution_status FROM asset_check_executions WHERE run_id = %s "
                    "AND execution_status <> 'PLANNED'",
                    (run_id,))
        checks = cur.fetchall()
        cur.execute("SELECT count(*) FROM information_schema.tables WHERE table_name IN ('jobs', 'job_ticks', "
                    "'instigators')")
        schema_tabellen = cur.fetchall()[0][0]
    finally:
        con.close()
    assert soorten["PIPELINE_SUCCESS"] == 1  # RUN_SUCCESS, under its stored name
    assert {"run_verslag", "populatie", "brp_personen", "trechter_vermogen_voertuigen",
            "vrijgave_vermogen_voertuigen", "bias_vermogen_bank"} <= gematerialiseerd
    assert soorten["ASSET_MATERIALIZATION"] == len(gematerialiseerd) >= 30
    assert len(checks) == soorten["ASSET_CHECK_EVALUATION"] > 0
    assert all(s in ("SUCCEEDED", "FAILED") for _, _, s in checks)
    assert any(_pad(k) == ["vrijgave_vermogen_voertuigen"] and n == "vrijgavepoort"
               for k, n, _ in checks)
    assert schema_tabellen == 3  # schedule storage lives in PostgreSQL too

    from dagster import DagsterInstance

    oud = dict(os.environ)
    os.environ.update({"DAGSTER_HOME": str(home), **pg_omgeving(pg_url)})
    try:
        instance = DagsterInstance.get()
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        assert type(instance.event_log_storage).__name__ == "PostgresEventLogStorage"
        assert type(instance.schedule_storage).__name__ == "PostgresScheduleStorage"
        assert instance.get_run_by_id(run_id).is_success
        instance.dispose()
    finally:
        os.environ.clear()
        os.environ.update(oud)
