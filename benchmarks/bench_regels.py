"""Benchmark: the CPU seconds of the row rules compiled to SQL, per delivered file — one pass over the file
giving every row its reasons, as ingestion's first query does (whole-file facts left out), on one DuckDB
thread so that the CPU time is comparable on a loaded machine.

    python benchmarks/bench_regels.py --landing /tmp/bench/g4/landing [--bestand brp/relaties.csv] [--json uit.json]

Works on any revision with `sources.inlezen.reden_sql`/`_scan`: run it with PYTHONPATH pointing at an older
checkout to measure a baseline.
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def meet(landing: Path, peildatum: date, alleen: str | None = None) -> dict[str, dict]:
    import duckdb

    from sources import inlezen
    from sources.levering import kies
    from sources.register import PER_BRON

    uit = {}
    for bron, specs in PER_BRON.items():
        lev = kies(landing, bron, peildatum)
        for spec in specs:
            if alleen and f"{bron}/{spec.naam}" != alleen:
                continue
            kolommen = lev.bestanden[spec.naam]["kolommen"]
            con = duckdb.connect()
            con.execute("SET threads = 1")
            scan = inlezen._scan(lev.pad / spec.naam, kolommen, spec)
            con.execute(f"CREATE TEMP TABLE s AS {scan}")  # the read itself is not what is measured
            rijen = con.sql("SELECT count(*) FROM s").fetchall()[0][0]
            regels = inlezen.reden_sql(spec, lev.leverdatum, heel_bestand=False)
            start = _cpu()
            afgekeurd = con.sql(f"SELECT count(r) FROM (SELECT {regels} AS r FROM s)").fetchall()[0][0]
            uit[f"{bron}/{spec.naam}"] = {"rijen": rijen, "afgekeurd": afgekeurd, "cpu_s": round(_cpu() - start, 2)}
            con.close()
    return uit


def main() -> None:
    a = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    a.add_argument("--landing", type=Path, required=True)
    a.add_argument("--peildatum", type=date.fromisoformat, default=date(2026, 10, 31))
    a.add_argument("--bestand", help="only this file, as bron/naam.csv")
    a.add_argument("--json", type=Path)
    args = a.parse_args()
    uit = meet(args.landing, args.peildatum, args.bestand)
    uit["totaal"] = {"rijen": sum(v["rijen"] for v in uit.values()),
                     "cpu_s": round(sum(v["cpu_s"] for v in uit.values()), 2)}
    print(json.dumps(uit, indent=2))
    if args.json:
        args.json.write_text(json.dumps(uit, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
