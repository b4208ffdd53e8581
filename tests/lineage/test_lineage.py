"""Column-level lineage: the Dagster metadata is the themes' own mapping, names real columns of real staged
tables, and the offline diagram draws exactly those edges."""
import xml.etree.ElementTree as ET

import dagster as dg
import pytest

from assets import lineage
from assets.themas.kader import BIJZONDERE_VELDEN
from assets.themas.register import THEMAS
from pipelines.definitions import bouw
from sources.register import PER_BRON

SVG = "{http://www.w3.org/2000/svg}"
STAGED = {s.tabel: set(s.kolomnamen) for specs in PER_BRON.values() for s in specs}


@pytest.fixture(scope="module")
def graaf(tmp_path_factory):
    p = tmp_path_factory.mktemp("graaf")
    return bouw({"landing": str(p), "werkmap": str(p), "verklaringen": "x", "filters": "y"}).resolve_asset_graph()


@pytest.mark.parametrize("thema_id", sorted(THEMAS))
def test_dagster_column_lineage_is_the_themes_mapping(graaf, thema_id):
    thema = THEMAS[thema_id]
    meta = graaf.get(dg.AssetKey(f"trechter_{thema_id}")).metadata
    cl = meta["dagster/column_lineage"]
    in_dagster = {kolom: {(d.asset_key.to_user_string(), d.column_name) for d in deps}
                  for kolom, deps in cl.deps_by_column.items()}
    verwacht = {kolom: {(f"{v.split('.')[0]}_{v.split('.')[1]}", v.split(".")[2]) for v in velden}
                for kolom, velden in lineage.kolom_afhankelijkheden(thema).items()}
    assert in_dagster == verwacht
    assert {"reden", "bewijs", "prioriteit"} <= set(in_dagster)
    alle_sleutels = {k.to_user_string() for k in graaf.get_all_asset_keys()}
    for deps in in_dagster.values():
        for tabel, kolom in deps:
            assert tabel in alle_sleutels and kolom in STAGED[tabel]   # a real column of a real staged asset
    for velden in thema.lineage.values():
        assert set(velden) <= set(thema.alle_velden)              # lineage only names fields the theme may read
        assert not set(velden) & BIJZONDERE_VELDEN


def test_every_field_a_theme_reads_has_words():
    for thema in THEMAS.values():
        for veld in thema.alle_velden:
            assert lineage.omschrijving(veld)
            bron, bestand, kolom = veld.split(".")
            assert kolom in STAGED[f"{bron}_{bestand}"]


@pytest.mark.parametrize("thema_id", sorted(THEMAS))
def test_svg_draws_exactly_the_lineage_offline(thema_id):
    thema = THEMAS[thema_id]
    svg = lineage.lineage_svg(thema)
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg" and root.get("data-thema") == thema_id
    randen = {(p.get("data-van"), p.get("data-naar")) for p in root.iter(f"{SVG}path")}
    assert randen == {(v, k) for k, vs in lineage.kolom_afhankelijkheden(thema).items() for v in vs}
    assert {t.get("data-veld") for t in root.iter(f"{SVG}text") if t.get("data-veld")} == set(thema.alle_velden)
    assert {t.get("data-kolom") for t in root.iter(f"{SVG}text") if t.get("data-kolom")} == \
        set(lineage.kolom_afhankelijkheden(thema))
    assert "http://" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in svg
    assert "<script" not in svg and "href" not in svg
    assert thema.titel in svg
    # the special data appears only in the line that says it is not used
    regels = [r for r in svg.splitlines() if "geboorteland" in r]
    assert len(regels) == 1 and "Niet gebruikt door dit thema" in regels[0]
    assert lineage.lineage_svg(thema) == svg                       # deterministic


def test_svg_refuses_lineage_to_an_undeclared_field():
    thema = THEMAS["vermogen_voertuigen"]
    from dataclasses import replace
    kapot = replace(thema, lineage={**thema.lineage, "reden": ("ib.vermogen.saldo_cent",)})
    with pytest.raises(ValueError, match="declareert dat veld niet"):
        lineage.lineage_svg(kapot)
