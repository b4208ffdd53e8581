"""Shared test infrastructure.

- Every test starts without the settings an earlier CLI run in this process put in the environment.
- Parallel runs (`make test` uses pytest-xdist, `-n auto --dist loadgroup`): every test module is one unit of
  work (its module-scoped fixtures, e.g. an end-to-end run several tests read, are built once, on one worker);
  modules that share a session fixture or a resource are one group (SAMEN below).
  The units are handed out heaviest first (ZWAAR below) so that the long ones do not end up last.
  Each worker is its own process with its own tmp_path tree (pytest-xdist gives every worker its own basetemp),
  its own os.environ and its own Dagster instances (every run uses the werkmap's DAGSTER_HOME or an ephemeral
  instance), so nothing written by one worker is seen by the other.
- Hypothesis profiles: `ci` (default; deterministic, no example database) and `nacht` (the long nightly fuzz),
  chosen with SYSTEEMANALYSE_HYPOTHESIS_PROFIEL; see tests/robuust/test_fuzz.py.
"""
import os

import pytest
from hypothesis import settings

OMGEVING = ("DAGSTER_HOME", "SYSTEEMANALYSE_LANDING", "SYSTEEMANALYSE_WERKMAP", "SYSTEEMANALYSE_VERKLARINGEN",
            "SYSTEEMANALYSE_FILTERS", "SYSTEEMANALYSE_DUCKDB_GEHEUGEN")

# Deterministic in CI: the same examples every run (derandomize), nothing read from or written to a local example
# database, no deadline (a loaded CI machine must not turn a slow example into a failure).
settings.register_profile("ci", max_examples=210, derandomize=True, database=None, deadline=None, print_blob=True)
# The nightly fuzz: 5000 hostile deliveries instead of 210 (about 40 minutes on one core), still reproducible.
settings.register_profile("nacht", max_examples=5000, derandomize=True, database=None, deadline=None, print_blob=True)
HYPOTHESIS_PROFIEL = os.environ.get("SYSTEEMANALYSE_HYPOTHESIS_PROFIEL", "ci")
settings.load_profile(HYPOTHESIS_PROFIEL)

# Test modules in the order to hand them out to the workers: the heaviest first (measured with
# `pytest --durations`; the order only affects the wall time of a parallel run, never what is tested).
# Modules not listed follow in collection order.
ZWAAR = (
    "tests/robuust/test_fuzz.py",
    "tests/robuust/test_gelijktijdig.py",
    "tests/robuust/test_run_mislukt.py",
    "tests/checks/test_controles.py",
    "tests/robuust/test_publicatie.py",
    "tests/test_demo_digest.py",
    "lineage",  # the group of tests/lineage/ (one session-scoped end-to-end run, see tests/lineage/conftest.py)
    "tests/test_cli.py",
    "tests/bias_audit/test_besluiten.py",
    "tests/robuust/test_geen_bsn.py",
    "tests/robuust/test_opschonen.py",
    "tests/monitoring/test_asset.py",
    "tests/test_uitvoer_vast.py",
    "tests/themas/test_onleesbaar_bewijs.py",
    "tests/themas/test_sql_kruiscontrole.py",
    "tests/sources/test_incrementeel.py",
    "tests/robuust/test_postgres.py",
    "tests/bias_audit/test_eind_tot_eind.py",
    "tests/monitoring/test_eind_tot_eind.py",
    "tests/checks/test_poort_en_datadocs.py",
    "tests/bias_audit/test_simulatie.py",
)


@pytest.fixture(autouse=True)
def schone_omgeving(monkeypatch):
    for naam in OMGEVING:
        monkeypatch.delenv(naam, raising=False)


# Folders whose modules share a session-scoped fixture: one unit of work, so the fixture is built once.
SAMEN = {"tests/lineage/": "lineage"}


def groep(nodeid: str) -> str:
    """The unit of work of a test: its module, or the group of its folder (SAMEN)."""
    module = nodeid.split("::", 1)[0]
    return next((naam for map_, naam in SAMEN.items() if module.startswith(map_)), module)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """`--dist loadgroup`: one unit of work per groep() (pytest-xdist's own loadgroup does not group under
    pytest 9.2, whose node ids it can no longer suffix; its loadfile would split the lineage group)."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class PerGroep(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return groep(nodeid)

    return PerGroep(config, log)


def pytest_collection_modifyitems(config, items):
    """Heaviest units of work first (ZWAAR); otherwise collection order (a stable sort keeps every module's
    tests together and in their order)."""
    rang = {naam: i for i, naam in enumerate(ZWAAR)}
    items.sort(key=lambda item: rang.get(groep(item.nodeid), len(ZWAAR)))
