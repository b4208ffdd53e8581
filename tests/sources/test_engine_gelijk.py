"""The SQL engine stages and quarantines exactly what the pandera reference path does, on generated demo
data with its planted messy cases (every source, every file)."""
from datetime import date

from kern import opslag
from sources import levering
from sources.demo_data import genereer
from sources.inlezen import lees_in, lees_in_pandera
from sources.register import PER_BRON
import pytest

pytestmark = pytest.mark.traag  # both ingestion engines over a demo landing

P = date(2026, 10, 31)


SLEUTEL = b"een-sleutel"  # both paths pseudonymise with one key


def _ingest(landing, werkmap, functie):
    con = opslag.verbind(werkmap)
    for bron, specs in PER_BRON.items():
        lev = levering.kies(landing, bron, P)
        levering.bewaar(con, P, lev)
        for spec in specs:
            functie(con, lev, spec, sleutel_=SLEUTEL)
    return con


def test_sql_engine_equals_pandera_reference_on_demo_data(tmp_path):
    genereer(tmp_path / "landing", schaal=20_000, seed=7, peildatum=P)
    nieuw = _ingest(tmp_path / "landing", tmp_path / "nieuw", lees_in)
    oud = _ingest(tmp_path / "landing", tmp_path / "oud", lees_in_pandera)
    q = "SELECT bron, bestand, regel, ruwe_waarden, reden FROM quarantaine ORDER BY bron, bestand, regel"
    assert nieuw.sql(q).fetchall() == oud.sql(q).fetchall()
    redenen = {r for (r,) in oud.sql("SELECT DISTINCT reden FROM quarantaine").fetchall()}
    assert any("duplicaat" in r for r in redenen) and any("komt niet voor in" in r for r in redenen)
    t = "SELECT bron, bestand, geleverd, geaccepteerd, quarantaine FROM bestand_tellingen ORDER BY bron, bestand"
    assert nieuw.sql(t).fetchall() == oud.sql(t).fetchall()
    for spec in (s for specs in PER_BRON.values() for s in specs):
        for tabel in (spec.tabel, *([f"audit.{spec.tabel}_bijzonder"] if any(k.bijzonder for k in spec.kolommen) else [])):
            volgorde = "regel" if "audit" not in tabel else "1, 2, 3"
            a = nieuw.sql(f"SELECT * FROM {tabel} ORDER BY {volgorde}").fetchall()
            b = oud.sql(f"SELECT * FROM {tabel} ORDER BY {volgorde}").fetchall()
            assert a == b, tabel
            assert nieuw.sql(f"SELECT * FROM {tabel}").columns == oud.sql(f"SELECT * FROM {tabel}").columns
