"""No BSN of a non-client at rest (issue 13.5): after a whole run through Dagster, and an `inzage` of a non-client,
the raw bytes of the DuckDB file and of every other file in the werkmap hold none of the BSNs of the persons the
landing delivers who are no applicant or partner of a dossier; the clients' BSNs are still in the released lists.
"""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from kern import logboek
from pipelines.cli import main
from sources import pseudoniem
from tests.bouwer import adres, bsn, dossier, persoon, woont
from tests.helpers import lever_alles
from tests.lineage.conftest import schone_omgeving
from tests.themas.test_vermogen_voertuigen import auto

pytestmark = pytest.mark.traag  # a command-line run through Dagster and a scan of the werkmap

P = "2026-10-31"
KLANTEN = [1, 2, 3, 4, *range(20, 45)]  # applicants (1 with partner 2) and partners of the dossiers
NIET_KLANTEN = [*range(100, 130)]        # in the BRP only: co-residents, neighbours, relatives, a student


def _landing(root: Path) -> None:
    personen = [persoon(i) for i in KLANTEN] + [
        persoon(i, geboortedatum="19700101", datum_overlijden="20240101" if i == 129 else None) for i in NIET_KLANTEN]
    adressen = [adres(i) for i in range(1, 8)]
    # D00003 lives with four adults (non-clients): the housing themes read them as co-residents
    woon = [woont(1, 1), woont(2, 1), woont(3, 2), woont(4, 3)] + [woont(i, 2) for i in range(100, 104)] + [
        woont(i, 4 + i % 3) for i in range(104, 129)]
    relaties = [{"bsn": bsn(1), "relatie_bsn": bsn(2), "soort": "H", "datum_aanvang": "20100101"},
                {"bsn": bsn(3), "relatie_bsn": bsn(104), "soort": "K", "datum_aanvang": "20100101"},
                {"bsn": bsn(110), "relatie_bsn": bsn(111), "soort": "H", "datum_aanvang": "20000101"}]
    studie = [{"bsn": bsn(100), "soort": "WSF", "datum_aanvang": "2024-09-01"}]
    dossiers = [dossier(1, 1, partner=2, normcategorie="gehuwden"), dossier(3, 3), dossier(4, 4),
                *[dossier(i, i) for i in range(20, 45)]]
    tn = [auto(1, "AA-111-A", "20260101"), auto(2, "AA-222-B", "20260201"), auto(1, "AA-333-C", "20260301")]
    lever_alles(root, leverdatum=P, personen=personen, adressen=adressen, verblijfplaatsen=woon, relaties=relaties,
                studiefinanciering=studie, uitkeringen=dossiers, tenaamstellingen=tn)


def _bestanden(werkmap: Path) -> list[Path]:
    return sorted(p for p in werkmap.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def werkmap(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("geen_bsn")
    _landing(root / "landing")
    with schone_omgeving():
        code = main(["run", "--landing", str(root / "landing"), "--werkmap", str(root / "werk"), "--peildatum", P])
        assert code in (0, 3)
        # a resident who is no client asks what was done with their data: the access log keeps a pseudonym
        assert main(["inzage", "--werkmap", str(root / "werk"), "--bsn", bsn(100)]) == 0
    return root / "werk"


def test_no_bsn_of_a_non_client_in_any_byte_of_the_werkmap(werkmap):
    bestanden = _bestanden(werkmap)
    assert any(p.name == "systeemanalyse.duckdb" for p in bestanden)
    assert any(p.suffix == ".xlsx" for p in bestanden) and any("dagster_home" in p.parts for p in bestanden)
    gevonden = []
    for pad in bestanden:
        data = pad.read_bytes()
        gevonden += [(str(pad.relative_to(werkmap)), bsn(i)) for i in NIET_KLANTEN if bsn(i).encode() in data]
    assert gevonden == []
    # the scan can see a BSN in the database file: the clients' table holds them, uncompressed in these bytes
    data = (werkmap / "systeemanalyse.duckdb").read_bytes()
    assert all(bsn(i).encode() in data for i in KLANTEN)


def test_the_non_clients_were_ingested_and_read_by_pseudonym(werkmap):
    con = duckdb.connect(str(werkmap / "systeemanalyse.duckdb"), read_only=True)
    sleutel = (werkmap / pseudoniem.BESTAND).read_text().strip().encode()
    try:
        assert con.sql("SELECT count(*) FROM brp_personen").fetchall() == [(len(KLANTEN) + len(NIET_KLANTEN),)]
        aanwezig = {r[0] for r in con.sql("SELECT bsn FROM brp_personen").fetchall()}
        assert {pseudoniem.pseudoniem(bsn(i), sleutel) for i in NIET_KLANTEN} <= aanwezig
        assert con.sql("SELECT relatie_bsn FROM brp_relaties WHERE bsn = ?",
                       params=[pseudoniem.pseudoniem(bsn(110), sleutel)]).fetchall() == [
            (pseudoniem.pseudoniem(bsn(111), sleutel),)]
        # the quarantine is empty: no non-client BSN is kept as a raw value either
        assert con.sql("SELECT count(*) FROM quarantaine").fetchall() == [(0,)]
        # the clients' table holds exactly the applicants and partners
        assert sorted(r[0] for r in con.sql(f"SELECT bsn FROM {pseudoniem.KLANTEN}").fetchall()) == sorted(
            bsn(i) for i in KLANTEN)
    finally:
        con.close()


def test_released_lists_still_carry_the_clients_bsn(werkmap):
    import polars as pl

    uit = werkmap / "output" / P
    signalen = pl.read_parquet(uit / "signalen" / "vermogen_voertuigen.parquet")
    assert signalen["bsn"].to_list() == [bsn(1)]   # D00001: three new cars, the applicant's BSN
    steekproef = pl.concat([pl.read_parquet(p) for p in (uit / "steekproef").glob("*.parquet")])
    assert set(steekproef["bsn"]) <= {bsn(i) for i in KLANTEN} and steekproef.height > 0
    assert (uit / "signalen" / "vermogen_voertuigen.xlsx").is_file()
    inzage = [json.loads(r) for r in (werkmap / logboek.BESTAND).read_text().splitlines()
              if json.loads(r)["actie"] == "inzage"]
    sleutel = (werkmap / pseudoniem.BESTAND).read_text().strip().encode()
    assert [r["pseudoniem"] for r in inzage] == [pseudoniem.pseudoniem(bsn(100), sleutel)]
