"""A second, independent rendering of the four rules in plain SQL gives the same signals on demo data;
shuffling rows and column order of every delivered file changes no output."""
import csv
import hashlib
import io
import json
import random
from datetime import date

import polars as pl
import pytest

from assets.themas import kader
from benchmarks.sql_regels import THEMAS, signalen
from sources.demo_data import genereer
from tests.helpers import PARAMETERS, draai, staged

pytestmark = pytest.mark.traag  # ingests through Dagster or runs end to end

P = date(2026, 10, 31)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo")
    genereer(root / "landing", schaal=12000, seed=7, peildatum=P)
    return root


def uitkomsten(landing, werkmap):
    con = staged(landing, werkmap, P)
    polars = {}
    for t in THEMAS:
        _, s = draai(con, t, P)
        polars[t] = s
    return con, polars


def test_plain_sql_gives_the_same_signals(demo):
    con, polars = uitkomsten(demo / "landing", demo / "werk")
    sql = signalen(con, P, kader.laad_parameters(PARAMETERS))
    for t in THEMAS:
        assert set(polars[t]["dossier_id"]) == sql[t], t
        assert polars[t].height > 0, f"demo data should give {t} signals"


def _schud(map_, rnd):
    """Rewrite every CSV with its data rows and columns in random order, with a matching manifest."""
    for manifest_pad in map_.rglob("manifest.json"):
        manifest = json.loads(manifest_pad.read_text())
        for item in manifest["bestanden"]:
            pad = manifest_pad.parent / item["naam"]
            rijen = list(csv.reader(io.StringIO(pad.read_text(encoding="utf-8-sig"), newline=""), delimiter=";"))
            kop, data = rijen[0], rijen[1:]
            volgorde = list(range(len(kop)))
            rnd.shuffle(volgorde)
            rnd.shuffle(data)
            uit = io.StringIO(newline="")
            w = csv.writer(uit, delimiter=";", lineterminator="\n")
            w.writerows([[r[i] if i < len(r) else "" for i in volgorde] for r in [kop] + data])
            pad.write_bytes(uit.getvalue().encode("utf-8"))
            item["sha256"] = hashlib.sha256(pad.read_bytes()).hexdigest()
        manifest_pad.write_text(json.dumps(manifest))


def test_shuffled_rows_and_columns_change_no_output(demo, tmp_path):
    import shutil

    _, gewoon = uitkomsten(demo / "landing", tmp_path / "a")
    shutil.copytree(demo / "landing", tmp_path / "geschud")
    _schud(tmp_path / "geschud", random.Random(3))
    _, geschud = uitkomsten(tmp_path / "geschud", tmp_path / "b")
    kolommen = ["signaal_id", "dossier_id", "reden", "bewijs", "prioriteit", "kwetsbaar", "filter_versie"]
    for t in THEMAS:
        assert gewoon[t].select(kolommen).sort("signaal_id").equals(geschud[t].select(kolommen).sort("signaal_id")), t
