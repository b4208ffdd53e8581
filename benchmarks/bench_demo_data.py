"""Benchmark of the demo-data generator.

Usage:
    python benchmarks/bench_demo_data.py [gemeente|g4|landelijk|N] [--seed N] [--uit DIR] [--bewaar]

Generates the deliveries into a temporary directory (or --uit), prints wall time, peak RSS of
this process (resource.getrusage ru_maxrss) and rows/bytes per file, and removes the output
afterwards unless --bewaar is given.
"""
from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sources.demo_data import genereer  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("schaal", nargs="?", default="gemeente", help="gemeente, g4, landelijk or a number of persons")
    ap.add_argument("--seed", type=int, default=20261031)
    ap.add_argument("--uit", type=Path, default=None, help="output directory (default: a temporary one)")
    ap.add_argument("--bewaar", action="store_true", help="keep the output")
    args = ap.parse_args(argv)
    schaal: str | int = int(args.schaal) if args.schaal.isdigit() else args.schaal

    basis = args.uit or Path(tempfile.mkdtemp(prefix="bench_demo_data_"))
    uit = basis / "landing"
    try:
        t0 = time.perf_counter()
        res = genereer(uit, schaal=schaal, seed=args.seed)
        wall = time.perf_counter() - t0
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
        totaal = sum(v["bytes"] for v in res["bestanden"].values())
        print(f"schaal            {res['schaal']} ({res['personen']:,} personen, {res['blokken']} blok(ken))")
        print(f"wandkloktijd      {wall:,.1f} s")
        print(f"piek RSS          {rss_mb:,.0f} MiB")
        print(f"totaal            {totaal / 2**20:,.1f} MiB")
        print(f"{'bestand':52} {'rijen':>12} {'MiB':>10}")
        for naam, v in res["bestanden"].items():
            print(f"{naam:52} {v['rijen']:>12,} {v['bytes'] / 2**20:>10,.1f}")
        g = res["geplant"]
        print(f"dossiers {g.get('dossiers', 0):,}, actief PW {g.get('dossiers_actief_pw', 0):,}")
    finally:
        if not args.bewaar:
            shutil.rmtree(basis if args.uit is None else uit, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
