"""Benchmark: demo-data generation, ingestion (vs the DuckDB read floor) and the theme stage (vs plain SQL).

Each stage runs in its own subprocess so its peak memory (max RSS) is its own. Usage:
    python benchmarks/bench_pipeline.py --schaal gemeente [--schaal g4 --schaal landelijk] [--map /tmp/bench]
The same functions the Dagster assets call are measured, without Dagster's per-step overhead. The complete
run through Dagster, with its per-step breakdown from the event log and a second night, is
benchmarks/bench_run.py (with benchmarks/tweede_nacht.py).
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import shutil
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # `benchmarks` importable in spawned workers

P = date(2026, 10, 31)


def _stap(naam, functie, *args):
    """Run functie(*args) in a fresh process; return (result, seconds, peak RSS in MiB)."""
    ctx = mp.get_context("spawn")
    with ctx.Pool(1) as pool:
        start = time.monotonic()
        resultaat = pool.apply(_meet, (functie, args))
    uitkomst, rss = resultaat
    return uitkomst, time.monotonic() - start, rss


def _meet(functie, args):
    uitkomst = functie(*args)
    return uitkomst, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def genereer(landing: str, schaal: str):
    from sources.demo_data import genereer as gen

    return {"personen": gen(Path(landing), schaal=schaal, seed=20261031, peildatum=P).get("personen")}


def inlezen(landing: str, werkmap: str):
    from kern import opslag
    from sources import levering
    from sources.inlezen import lees_in
    from sources.register import PER_BRON

    con = opslag.verbind(werkmap)
    rijen = 0
    for bron, specs in PER_BRON.items():
        lev = levering.kies(Path(landing), bron, P)
        levering.bewaar(con, P, lev)
        for spec in specs:
            rijen += lees_in(con, lev, spec).geleverd
    con.close()
    return {"rijen": rijen}


def vloer(landing: str):
    """The floor: DuckDB only reading the same CSV files."""
    import duckdb

    from sources.levering import CSV_OPTIES, kies, kolomtypes
    from sources.register import PER_BRON

    con = duckdb.connect()
    rijen = 0
    for bron, specs in PER_BRON.items():
        lev = kies(Path(landing), bron, P)
        for spec in specs:
            kol = lev.bestanden[spec.naam]["kolommen"]
            rijen += con.sql(f"SELECT count(*) FROM read_csv(?, {CSV_OPTIES}, columns={kolomtypes(kol)}, "
                             "store_rejects=true)", params=[str(lev.pad / spec.naam)]).fetchall()[0][0]
    return {"rijen": rijen}


def themas(werkmap: str):
    from assets.themas import kader, uitvoering
    from assets.themas.register import THEMAS
    from kern.omgeving import STANDAARD_FILTERS
    from kern import opslag

    con = opslag.verbind(werkmap)
    uitvoering.populatie_tabel(con, P)
    par = kader.laad_parameters(STANDAARD_FILTERS)
    uit = {t: uitvoering.voer_uit(con, thema, P, par).signalen for t, thema in THEMAS.items()}
    con.close()
    return uit


def sql(werkmap: str):
    import duckdb

    from assets.themas import kader
    from benchmarks.sql_regels import signalen
    from kern.omgeving import STANDAARD_FILTERS

    con = duckdb.connect(str(Path(werkmap) / "systeemanalyse.duckdb"))
    uit = {t: len(s) for t, s in signalen(con, P, kader.laad_parameters(STANDAARD_FILTERS)).items()}
    con.close()
    return uit


def bench(schaal, map_: Path, hergebruik: bool = False) -> dict:
    landing, werkmap = map_ / str(schaal) / "landing", map_ / str(schaal) / "werk"
    genereren = not (hergebruik and landing.is_dir())
    shutil.rmtree(map_ / str(schaal) if genereren else werkmap, ignore_errors=True)
    stappen = [("inlezen", inlezen, (str(landing), str(werkmap))),
               ("vloer_duckdb_read_csv", vloer, (str(landing),)),
               ("themas_polars", themas, (str(werkmap),)),
               ("themas_sql", sql, (str(werkmap),))]
    if genereren:
        stappen.insert(0, ("generatie", genereer, (str(landing), schaal)))
    uit = {"schaal": schaal}
    for naam, functie, args in stappen:
        resultaat, sec, rss = _stap(naam, functie, *args)
        uit[naam] = {"seconden": round(sec, 2), "piek_rss_mib": round(rss), "resultaat": resultaat}
        print(f"{schaal!s:<10} {naam:<24} {sec:8.2f} s  {rss:8.0f} MiB  {resultaat}", flush=True)
    uit["schijf_landing_mib"] = round(sum(p.stat().st_size for p in landing.rglob("*") if p.is_file()) / 2**20)
    uit["schijf_duckdb_mib"] = round((werkmap / "systeemanalyse.duckdb").stat().st_size / 2**20)
    return uit


def main() -> None:
    a = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    a.add_argument("--schaal", action="append", default=None, help="gemeente, g4, landelijk or N (repeatable)")
    a.add_argument("--map", type=Path, default=Path("/tmp/systeemanalyse-bench"))
    a.add_argument("--bewaar", action="store_true", help="keep the generated data")
    a.add_argument("--hergebruik", action="store_true", help="reuse landing data kept by an earlier --bewaar")
    args = a.parse_args()
    resultaten = []
    for schaal in args.schaal or ["gemeente"]:
        resultaten.append(bench(int(schaal) if schaal.isdigit() else schaal, args.map, args.hergebruik))
        if not args.bewaar:
            shutil.rmtree(args.map / str(schaal), ignore_errors=True)
    print(json.dumps(resultaten, indent=2))


if __name__ == "__main__":
    main()
