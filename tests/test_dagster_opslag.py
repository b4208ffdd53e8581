"""The Dagster instance of a werkmap (kern/dagster_opslag.py): Dagster's SQLite storage, files and all, with one
database engine per SQLite file. What it writes, Dagster's stock storage reads the same; a Dagster upgrade that
changes what it relies on fails here."""
from pathlib import Path

import dagster as dg
from dagster import DagsterInstance

from kern import dagster_opslag
from kern.omgeving import PROJECT


@dg.asset
def getal() -> int:
    return 7


@dg.asset_check(asset=getal)
def positief(getal: int) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=getal > 0)


def _home(tmp_path: Path, naam: str = "home", yaml: str | None = None) -> Path:
    home = tmp_path / naam
    home.mkdir()
    (home / "dagster.yaml").write_text(yaml if yaml is not None else (PROJECT / "dagster.yaml").read_text())
    return home


def _tel_engines(monkeypatch) -> tuple[list[str], list[str]]:
    """The engines made by our storage and by the Dagster code it inherits."""
    from dagster._core.storage.event_log.sqlite import sqlite_event_log

    eigen, geerfd = [], []
    for module, lijst in ((dagster_opslag, eigen), (sqlite_event_log, geerfd)):
        echte = module.create_engine
        monkeypatch.setattr(module, "create_engine",
                            lambda url, _l=lijst, _e=echte, **kw: _l.append(url) or _e(url, **kw))
    return eigen, geerfd


def _draai(instance, keer: int = 1) -> list[str]:
    ids = []
    for _ in range(keer):
        r = dg.materialize([getal, positief], instance=instance)
        assert r.success
        ids.append(r.run_id)
    return ids


def test_shipped_instance_keeps_dagsters_files_with_one_engine_per_file(tmp_path, monkeypatch):
    home = _home(tmp_path)
    instance = DagsterInstance.from_config(str(home))
    assert type(instance) is dagster_opslag.Instantie
    assert type(instance.event_log_storage) is dagster_opslag.SqliteGebeurtenislog
    eigen, geerfd = _tel_engines(monkeypatch)
    [run_id] = _draai(instance)
    # Dagster's own layout: runs.db, the index and one file per run under history/
    assert (home / "history" / "runs.db").is_file() and (home / "history" / "runs" / "index.db").is_file()
    assert (home / "history" / "runs" / f"{run_id}.db").is_file()
    # dozens of events and index writes; two engines of ours, the run's file and the index, and two of Dagster's
    # (asking once for each of two tables) where Dagster makes one per event
    assert len(instance.all_logs(run_id)) > 10
    assert sorted(Path(u.rsplit("/", 1)[-1]).stem for u in eigen) == sorted(["index", run_id])
    assert [Path(u.rsplit("/", 1)[-1]).stem for u in geerfd] == ["index", "index"]
    instance.dispose()


def test_what_it_writes_dagsters_stock_storage_reads_the_same(tmp_path):
    home = _home(tmp_path)
    instance = DagsterInstance.from_config(str(home))
    run_ids = _draai(instance, 2)
    eigen = [[(e.dagster_event_type, e.step_key) for e in instance.all_logs(r)] for r in run_ids]
    mat = instance.get_latest_materialization_event(dg.AssetKey("getal"))
    instance.dispose()
    # the same folder opened with Dagster's default instance (a dagster.yaml without our instance class)
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    stock = DagsterInstance.from_config(str(home))
    assert type(stock) is DagsterInstance and type(stock.event_log_storage).__name__ == "SqliteEventLogStorage"
    assert [[(e.dagster_event_type, e.step_key) for e in stock.all_logs(r)] for r in run_ids] == eigen
    assert stock.get_latest_materialization_event(dg.AssetKey("getal")).run_id == mat.run_id == run_ids[1]
    check = stock.event_log_storage.get_asset_check_execution_history(
        dg.AssetCheckKey(dg.AssetKey("getal"), "positief"), limit=5)
    assert [c.run_id for c in check] == run_ids[::-1]
    # and the other way round: a run stored by the stock storage is read by ours
    [derde] = _draai(stock)
    stock.dispose()
    (home / "dagster.yaml").write_text((PROJECT / "dagster.yaml").read_text())
    weer = DagsterInstance.from_config(str(home))
    assert weer.get_latest_materialization_event(dg.AssetKey("getal")).run_id == derde
    assert len(weer.get_runs()) == 3
    weer.dispose()


def test_engines_are_bounded_and_closed_when_the_files_go(tmp_path, monkeypatch):
    monkeypatch.setattr(dagster_opslag, "MAX_ENGINES", 3)
    instance = DagsterInstance.from_config(str(_home(tmp_path)))
    opslag = instance.event_log_storage
    run_ids = _draai(instance, 4)
    assert set(opslag._engines) == {"index", *run_ids[-2:]}  # the index and the runs used last
    instance.wipe()  # deletes the run files: no pooled connection may outlive them (the index stays, emptied)
    assert list(opslag._engines) == ["index"]
    assert not [p for p in (Path(opslag._base_dir)).glob("*.db") if p.stem in run_ids]
    _draai(instance)  # and it goes on working
    instance.dispose()
    assert not opslag._engines


def test_a_storage_block_takes_precedence(tmp_path):
    """A municipality that configures its storage (PostgreSQL in production) gets that storage, not ours; here a
    `storage: sqlite:` block in another folder stands in for it."""
    elders = tmp_path / "elders"
    home = _home(tmp_path, yaml=(PROJECT / "dagster.yaml").read_text()
                 + f"\nstorage:\n  sqlite:\n    base_dir: {elders}\n")
    instance = DagsterInstance.from_config(str(home))
    assert type(instance.event_log_storage).__name__ == "SqliteEventLogStorage"
    [run_id] = _draai(instance)
    assert (elders / "history" / "runs" / f"{run_id}.db").is_file()
    instance.dispose()


def test_a_dagster_home_without_configuration_gets_the_projects(tmp_path, monkeypatch, capfd):
    """DAGSTER_HOME set to a folder without dagster.yaml: the run's instance is configured as the werkmap's own (one
    run at a time, no telemetry: Dagster's default would send it and print its banner on stderr). A folder that
    has a dagster.yaml keeps it untouched."""
    from pipelines.cli import dagster_instance

    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    instance, pad = dagster_instance(tmp_path / "werk")
    assert pad == str(home) and (home / "dagster.yaml").read_bytes() == (PROJECT / "dagster.yaml").read_bytes()
    assert instance.get_settings("telemetry") == {"enabled": False} and isinstance(instance, dagster_opslag.Instantie)
    assert "telemetry" not in capfd.readouterr().err.casefold()
    instance.dispose()
    eigen = tmp_path / "eigen"
    eigen.mkdir()
    (eigen / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    monkeypatch.setenv("DAGSTER_HOME", str(eigen))
    dagster_instance(tmp_path / "werk")[0].dispose()
    assert (eigen / "dagster.yaml").read_text() == "telemetry:\n  enabled: false\n"
