"""Dagster's embedded SQLite storage, with one database engine per SQLite file instead of one per event.

Dagster's `SqliteEventLogStorage` creates a SQLAlchemy engine (and so opens the SQLite file, reads its schema
and closes it again) for every connection it makes: for every event it stores and every input whose data
version it looks up — hundreds of times in a run of our job (a run of the CLI on a small landing took ~15 s with
an engine per connection, ~10 s with one per file).
`SqliteGebeurtenislog` is that storage with one engine per file, kept for the life of the storage object; the
files, their tables and every query are Dagster's own, so a werkmap written by either opens with the other,
and `dagster dev` reads it as it always did.

Chosen in dagster.yaml with `instance_class` (a DagsterInstance whose default storage is this one); a
`storage:` block there (PostgreSQL in production) still takes precedence. Only SQLite's own concurrency applies,
as before: a pooled connection holds no lock between transactions, and one storage object makes one connection
at a time (Dagster's `_db_lock`). tests/test_dagster_opslag.py fails when a Dagster upgrade changes what this
relies on.
"""
from __future__ import annotations

from collections import OrderedDict
from contextlib import contextmanager

import yaml
from dagster import DagsterInstance
from dagster._core.instance.ref import InstanceRef
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._core.storage.sqlite_storage import DagsterSqliteStorage, _event_logs_directory
from dagster._serdes import ConfigurableClassData

MAX_ENGINES = 8  # the index and the runs read or written last; older engines are closed


class SqliteGebeurtenislog(SqliteEventLogStorage):
    """`SqliteEventLogStorage` with one engine (a pool of one reused SQLite connection) per shard file."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        self._engines: OrderedDict[str, object] = OrderedDict()
        self._tabellen: set[str] = set()
        super().__init__(base_dir, inst_data)

    def has_table(self, table_name: str) -> bool:
        """Dagster asks this (with an engine of its own) for every asset check event it stores; a table, once
        there, stays (a wipe empties tables, it does not drop them)."""
        if table_name not in self._tabellen and super().has_table(table_name):
            self._tabellen.add(table_name)
        return table_name in self._tabellen

    def _engine(self, shard: str):
        engine = self._engines.pop(shard, None)
        if engine is None:
            # SQLAlchemy's pool for a SQLite file: connections are reused, not reopened; the storage's lock
            # makes sure one thread at a time uses them (so sqlite3's same-thread check does not apply)
            engine = create_engine(self.conn_string_for_shard(shard), pool_size=1, max_overflow=4,
                                   connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS,
                                                 "check_same_thread": False})
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
        self._engines[shard] = engine
        while len(self._engines) > MAX_ENGINES:
            self._engines.popitem(last=False)[1].dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str):
        with self._db_lock:
            with self._engine(shard).connect() as conn:
                with conn.begin():
                    yield conn

    def _sluit_engines(self) -> None:
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()

    def wipe(self) -> None:
        self._sluit_engines()  # the files are deleted: no pooled connection may keep writing to them
        super().wipe()

    def dispose(self) -> None:
        self._sluit_engines()
        super().dispose()


class SqliteOpslag(DagsterSqliteStorage):
    """Dagster's SQLite storage (runs, events, schedules under the instance's folder) with `SqliteGebeurtenislog`
    as its event log."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        super().__init__(base_dir, inst_data)
        self._event_log_storage = SqliteGebeurtenislog(_event_logs_directory(base_dir))

    @classmethod
    def from_config_value(cls, inst_data: ConfigurableClassData, config_value) -> SqliteOpslag:
        return cls.from_local(inst_data=inst_data, **config_value)


class Instantie(DagsterInstance):
    """A Dagster instance whose default storage (no `storage:` block in dagster.yaml) is `SqliteOpslag` in the
    instance's own folder, where Dagster's default SQLite storage would be."""

    @classmethod
    def config_schema(cls):
        return {}  # no settings of its own

    @classmethod
    def config_defaults(cls, base_dir: str):
        return {**InstanceRef.config_defaults(base_dir),
                "storage": ConfigurableClassData(__name__, SqliteOpslag.__name__, yaml.dump({"base_dir": base_dir}))}
