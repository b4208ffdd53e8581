"""The code location loads, the asset graph has the expected shape, and the schedule and sensor fire."""
import json
from datetime import datetime

import dagster as dg

from pipelines.definitions import bouw
from pipelines.schedules import nachtelijk
from pipelines.sensors import nieuwe_levering
from tests.bouwer import persoon
from tests.helpers import lever_alles

BESTANDEN = {"brp_personen", "brp_adressen", "brp_verblijfplaatsen", "brp_relaties", "ib_vermogen", "suwi_polis",
             "suwi_studiefinanciering", "rdw_tenaamstellingen", "gemeente_uitkeringen", "gemeente_onderzoeken",
             "gemeente_opgegeven_inkomsten"}
THEMAS = {"vermogen_voertuigen", "vermogen_bank", "huisvesting_bezetting", "huisvesting_kostendelers"}


def test_asset_graph_snapshot(tmp_path):
    defs = bouw({"landing": str(tmp_path), "werkmap": str(tmp_path), "verklaringen": "x", "filters": "y"})
    graaf = defs.resolve_asset_graph()
    sleutels = {k.to_user_string() for k in graaf.get_all_asset_keys()}
    verwacht = ({f"levering_{b}" for b in ("brp", "ib", "suwi", "rdw", "gemeente")} | BESTANDEN | {"populatie"}
                | {f"{s}_{t}" for s in ("trechter", "bias", "biasoordeel", "vrijgave") for t in THEMAS}
                | {"verrekening_inkomsten", "monitoring", "run_verslag"})
    assert sleutels == verwacht
    # every staged table carries its data-quality checks; every release its gate
    checks = {(k.asset_key.to_user_string(), k.name) for k in graaf.asset_check_keys}
    assert all(any(a == t for a, _ in checks) for t in BESTANDEN)
    assert all((f"vrijgave_{t}", "vrijgavepoort") in checks for t in THEMAS)
    assert all((f"biasoordeel_{t}", "biaspoort") in checks for t in THEMAS)
    # data flows one way: a release depends on its funnel and its bias audit
    for t in THEMAS:
        ouders = {k.to_user_string() for k in graaf.get(dg.AssetKey(f"vrijgave_{t}")).parent_keys}
        assert {f"trechter_{t}", f"bias_{t}", f"biasoordeel_{t}"} <= ouders
    # special data never feeds a theme: column lineage names no geboorteland/nationaliteit
    for t in THEMAS:
        meta = graaf.get(dg.AssetKey(f"trechter_{t}")).metadata
        lineage = meta["dagster/column_lineage"]
        velden = {d.column_name for deps in lineage.deps_by_column.values() for d in deps}
        assert velden and not velden & {"geboorteland", "nationaliteit"}
    # the feedback loop follows every release and precedes the run report; it warns, it never blocks
    assert {f"vrijgave_{t}" for t in THEMAS} <= {k.to_user_string()
                                                 for k in graaf.get(dg.AssetKey("monitoring")).parent_keys}
    assert dg.AssetKey("monitoring") in graaf.get(dg.AssetKey("run_verslag")).parent_keys
    assert {("monitoring", f"trefkans_{t}") for t in THEMAS} <= checks
    assert defs.resolve_job_def("volledige_run") is not None
    # the re-release after a committee decision judges and releases again, never ingests or computes
    vrijgeven = {k.to_user_string() for k in defs.resolve_job_def("vrijgeven").asset_layer.selected_asset_keys}
    assert vrijgeven == ({f"{s}_{t}" for s in ("biasoordeel", "vrijgave") for t in THEMAS}
                         | {"monitoring", "run_verslag"})


def test_nightly_schedule_targets_that_days_peildatum():
    ctx = dg.build_schedule_context(scheduled_execution_time=datetime(2026, 11, 3, 2, 0))
    verzoek = nachtelijk(ctx)
    assert verzoek.partition_key == "2026-11-03"
    assert nachtelijk.cron_schedule == "0 2 * * *" and nachtelijk.execution_timezone == "Europe/Amsterdam"


def test_sensor_starts_a_run_for_a_new_delivery_only_once(tmp_path, monkeypatch):
    monkeypatch.setenv("SYSTEEMANALYSE_LANDING", str(tmp_path))
    lever_alles(tmp_path, personen=[persoon(1)])
    ctx = dg.build_sensor_context(cursor=None)
    eerste = nieuwe_levering(ctx)
    assert len(eerste.run_requests) == 1
    assert len(json.loads(eerste.cursor)) == 5
    tweede = nieuwe_levering(dg.build_sensor_context(cursor=eerste.cursor))
    assert isinstance(tweede, dg.SkipReason)
    (tmp_path / "gemeente" / "2026-10-02").mkdir()           # a folder without manifest is not (yet) a delivery
    assert isinstance(nieuwe_levering(dg.build_sensor_context(cursor=eerste.cursor)), dg.SkipReason)
    lever_alles(tmp_path, leverdatum="2026-10-03", personen=[persoon(2)])
    derde = nieuwe_levering(dg.build_sensor_context(cursor=eerste.cursor))
    assert len(derde.run_requests) == 1 and "brp/2026-10-03" in derde.run_requests[0].tags["leveringen"]


def test_sensor_says_when_the_landing_folder_does_not_exist(tmp_path, monkeypatch):
    monkeypatch.setenv("SYSTEEMANALYSE_LANDING", str(tmp_path / "nergens"))
    uit = nieuwe_levering(dg.build_sensor_context(cursor=None))
    assert isinstance(uit, dg.SkipReason)
    assert uit.skip_message == f"landingsmap {tmp_path / 'nergens'} bestaat niet: controleer SYSTEEMANALYSE_LANDING"


def test_sensor_starts_a_run_for_a_delivery_sent_again_into_the_same_folder(tmp_path, monkeypatch):
    """A corrected delivery replaces a rejected one under the same leverdatum: another manifest, another run."""
    monkeypatch.setenv("SYSTEEMANALYSE_LANDING", str(tmp_path))
    lever_alles(tmp_path, personen=[persoon(1)])
    eerste = nieuwe_levering(dg.build_sensor_context(cursor=None))
    lever_alles(tmp_path, personen=[persoon(1), persoon(2)])  # the same folders, written again
    tweede = nieuwe_levering(dg.build_sensor_context(cursor=eerste.cursor))
    [verzoek] = tweede.run_requests
    assert verzoek.tags["leveringen"] == "brp/2026-10-01"
    assert verzoek.run_key != eerste.run_requests[0].run_key
    assert isinstance(nieuwe_levering(dg.build_sensor_context(cursor=tweede.cursor)), dg.SkipReason)
    # a cursor written before the manifests' hashes (a list): its deliveries count as seen, the cursor gains them
    oud = nieuwe_levering(dg.build_sensor_context(cursor=json.dumps(sorted(json.loads(eerste.cursor)))))
    assert not oud.run_requests and json.loads(oud.cursor) == json.loads(tweede.cursor)
