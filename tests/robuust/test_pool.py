"""Runs launched from the UI or the daemon queue behind each other: every asset that uses the werkmap (its
DuckDB file) is in one concurrency pool, and the shipped instance settings allow one run and one slot."""
import yaml

from kern.omgeving import PROJECT
from kern.slot import POOL
from pipelines.definitions import bouw


def test_every_werkmap_asset_is_in_the_pool(tmp_path):
    defs = bouw({"landing": str(tmp_path), "werkmap": str(tmp_path), "verklaringen": "x", "filters": "y"})
    graaf = defs.resolve_asset_graph()
    assets = {a for k in graaf.get_all_asset_keys() for a in [graaf.assets_def_for_key(k)]}
    gebruikers = [a for a in assets if "werkomgeving" in a.required_resource_keys]
    assert len(gebruikers) >= 30
    assert {a.node_def.name: a.op.pool for a in gebruikers} == {a.node_def.name: POOL for a in gebruikers}


def test_instance_settings_serialise_runs():
    instellingen = yaml.safe_load((PROJECT / "dagster.yaml").read_text())
    assert instellingen["concurrency"] == {"runs": {"max_concurrent_runs": 1},
                                           "pools": {"default_limit": 1, "granularity": "run"}}
