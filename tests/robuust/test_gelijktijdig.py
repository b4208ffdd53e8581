"""One run per werkmap at a time (issue 13.1): real CLI processes on one fresh werkmap."""
import json
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

from kern.slot import werkmap_slot
from pipelines.cli import main
from tests.robuust import cli
from tests.test_cli import P, kleine_landing

pytestmark = pytest.mark.traag  # runs end to end through the CLI and Dagster


def _argv(landing: Path, werk: Path, *extra: str) -> list[str]:
    return ["run", "--landing", str(landing), "--werkmap", str(werk), "--peildatum", P, *extra]


def _uitkomst(werk: Path) -> dict:
    """What a run leaves behind, without what differs per run by design (run ids, versions, timings)."""
    run = json.loads((werk / "output" / P / "run.json").read_text())
    con = duckdb.connect(str(werk / "systeemanalyse.duckdb"), read_only=True)
    try:
        tabellen = {t: con.sql(f"SELECT count(*) FROM {t}").fetchall()[0][0]
                    for t in ("brp_personen", "quarantaine", "signalen", "funnel_leden", "populatie", "run_bronnen",
                              "vrijgaven")}
        signalen = con.sql("SELECT signaal_id, thema, dossier_id, soort FROM signalen ORDER BY ALL").fetchall()
    finally:
        con.close()
    return {"status": run["status"], "themas": {t: (d["status"], d["signalen"], d["steekproef"])
                                                for t, d in run["themas"].items()},
            "bronnen": {b: d["bestanden"] for b, d in run["bronnen"].items()}, "tabellen": tabellen,
            "signalen": signalen,
            "bestanden": sorted(b for b in run["publicatie"]["bestanden"] if not b.startswith("kwaliteit/"))}


@pytest.fixture(scope="module")
def gewacht(tmp_path_factory) -> dict:
    """A run that waited for another program's hold on the werkmap and went on when it was freed: a real CLI
    process. Its werkmap is also the reference 'one run alone' for the runs started together below."""
    tmp = tmp_path_factory.mktemp("gewacht")
    kleine_landing(tmp / "landing")
    werk, log = tmp / "werk", tmp / "stderr.txt"
    with werkmap_slot(werk, "systeemanalyse inzage"):
        proces = cli.start(*_argv(tmp / "landing", werk, "--wachttijd", "600"), stderr_pad=log)
        while "wacht tot 600 s" not in log.read_text():  # the child says it waits; no timing involved
            assert proces.poll() is None, log.read_text()
            time.sleep(0.05)
        leeg = not (werk / "systeemanalyse.duckdb").exists()
    proces.communicate(timeout=900)
    return {"werk": werk, "code": proces.returncode, "stderr": log.read_text(), "leeg_tijdens_wachten": leeg}


def test_a_waiting_run_continues_when_the_werkmap_is_freed(gewacht):
    assert gewacht["leeg_tijdens_wachten"]  # while it waited, it opened nothing
    assert gewacht["code"] in (0, 3), gewacht["stderr"]
    assert "Traceback" not in gewacht["stderr"]
    assert (gewacht["werk"] / "output" / P / "run.json").is_file()


def test_two_runs_started_together_on_a_fresh_werkmap_give_the_result_of_one(tmp_path, gewacht):
    kleine_landing(tmp_path / "landing")
    werk = tmp_path / "werk"
    processen = [cli.start(*_argv(tmp_path / "landing", werk)) for _ in range(2)]
    uitkomsten = [p.communicate(timeout=900) for p in processen]
    codes = [p.returncode for p in processen]
    for (_, err), code in zip(uitkomsten, codes):
        assert "Traceback" not in err and "OperationalError" not in err, err
        assert code in (0, 3), err
    assert codes[0] == codes[1]
    # exactly one waited for the other: its stderr names the run it waited for
    wachtten = [err for _, err in uitkomsten if "is in gebruik door systeemanalyse run (peildatum 2026-10-31" in err]
    assert len(wachtten) == 1
    # the reference: one run alone on the same landing (the same command, in the fixture above)
    assert gewacht["code"] == codes[0]
    assert _uitkomst(werk) == _uitkomst(gewacht["werk"])


def test_second_run_gives_up_after_its_wait_with_one_line_naming_the_running_run(tmp_path):
    kleine_landing(tmp_path / "landing")
    werk = tmp_path / "werk"
    with werkmap_slot(werk, "systeemanalyse run", peildatum="2026-10-30"):
        r = cli.draai(*_argv(tmp_path / "landing", werk, "--wachttijd", "0.3"))
    assert r.returncode == 1
    regels = r.stderr.strip().splitlines()
    assert regels[-1].startswith(f"systeemanalyse run: fout: werkmap {werk.resolve()} is in gebruik door "
                                 f"systeemanalyse run (peildatum 2026-10-30, gestart ")
    assert f"proces {os.getpid()} van " in regels[-1] and regels[-1].endswith("na 0.3 s wachten gestopt")
    assert len(regels) == 2 and "wacht tot 0.3 s" in regels[0]  # the notice, then the verdict
    assert "Traceback" not in r.stderr
    assert not (werk / "systeemanalyse.duckdb").exists() and not (werk / "dagster_home").exists()


@contextmanager
def houd_vast(programma: str, *argumenten: str):
    """Another process runs `programma` (Python; it prints 'vast' once it holds what it holds, then waits) for as
    long as the block runs."""
    houder = subprocess.Popen([sys.executable, "-c", programma, *argumenten],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert houder.stdout.readline().strip() == "vast"
        yield
    finally:
        houder.communicate("")


def _vastgehouden(database: Path):
    """Another program (a DuckDB shell, say) holds the database open for as long as the block runs."""
    return houd_vast("import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('vast', flush=True); "
                     "sys.stdin.read()", str(database))


def test_a_database_held_by_another_program_fails_with_its_reason(tmp_path, capsys):
    """Another program (say a DuckDB shell) holds the werkmap's database: the run fails with exit 1 and says
    why, per step that needed the database, without a traceback — also now that a run opens the database once,
    in its first step that needs it."""
    kleine_landing(tmp_path / "landing")
    werk = tmp_path / "werk"
    werk.mkdir(mode=0o700)
    with _vastgehouden(werk / "systeemanalyse.duckdb"):
        assert main(_argv(tmp_path / "landing", werk)) == 1
    err = capsys.readouterr().err
    assert "Run MISLUKT" in err and "Traceback" not in err
    # run.json in the shape of outputs.md: no earlier run, so no sources, no themes, nothing published from one
    run = json.loads((werk / "output" / P / "run.json").read_text(encoding="utf-8"))
    assert {k: run[k] for k in ("status", "bronnen", "themas", "bronnen_en_themas_van_run")} == {
        "status": "mislukt", "bronnen": {}, "themas": {}, "bronnen_en_themas_van_run": None}
    redenen = [r for r in err.splitlines() if r.startswith("  levering_")]
    assert len(redenen) == 5 and all("Could not set lock on file" in r for r in redenen), err
    # after a run that completed, a failed one leaves that run's lists published and its run.json names that run
    assert main(_argv(tmp_path / "landing", werk)) in (0, 3)
    goed = json.loads((werk / "output" / P / "run.json").read_text(encoding="utf-8"))
    with _vastgehouden(werk / "systeemanalyse.duckdb"):
        assert main(_argv(tmp_path / "landing", werk)) == 1
    run = json.loads((werk / "output" / P / "run.json").read_text(encoding="utf-8"))
    assert run["status"] == "mislukt" and run["dagster_run_id"] != goed["dagster_run_id"]
    assert run["bronnen_en_themas_van_run"] == goed["dagster_run_id"]
    assert run["themas"] == goed["themas"] and run["bronnen"] == goed["bronnen"]


def test_sigterm_stops_a_waiting_run_with_one_line_and_nothing_written(tmp_path):
    """A scheduler's stop (SIGTERM) while the run waits for the werkmap: exit 1 and 'afgebroken', as Ctrl-C —
    before, the process died without a word. The child is started the way a script starts a background job
    (SIGINT ignored), which is where SIGTERM had no Ctrl-C to fall back on."""
    import signal
    kleine_landing(tmp_path / "landing")
    werk, log = tmp_path / "werk", tmp_path / "stderr.txt"
    with werkmap_slot(werk, "systeemanalyse inzage"):
        with open(log, "w") as err:
            proces = subprocess.Popen([sys.executable, "-m", "pipelines.cli", *_argv(tmp_path / "landing", werk)],
                                      cwd=cli.PROJECT, env=cli.omgeving(), stdout=subprocess.PIPE, stderr=err,
                                      text=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
        while "wacht tot" not in log.read_text():  # the child says it waits; no timing involved
            assert proces.poll() is None, log.read_text()
            time.sleep(0.05)
        proces.send_signal(signal.SIGTERM)
        proces.communicate(timeout=120)
    assert proces.returncode == 1
    assert log.read_text().strip().splitlines()[-1] == "systeemanalyse run: afgebroken"
    assert "Traceback" not in log.read_text() and not (werk / "systeemanalyse.duckdb").exists()
