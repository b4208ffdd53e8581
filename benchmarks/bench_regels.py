"""Benchmark: the CPU seconds of the row rules compiled to SQL, per delivered file — one pass over the file
giving every row its reasons, as ingestion's first query does (whole-file facts left out), on one DuckDB
thread so that the CPU time is comparable on a loaded machine.

    python benchmarks/bench_regels.py --landing /tmp/bench/g4/landing [--bestand brp/relaties.csv] [--json uit.json]

Works on any revision with `sources.inlezen.reden_sql`/`_scan` (and the rules' helper columns where it has
them): run it with PYTHONPATH pointing at an older checkout to measure a baseline.
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def per_bestand(landing: Path, peildatum: date, kolommen_van=None, alleen: str | None = None):
    """Per delivered file: (bron/naam, spec, delivery, connection) with the file scanned into the temporary
    table `s` on one DuckDB thread — the read itself is not what the benchmarks measure. `kolommen_van(spec)`
    picks the columns to keep (all when None); a file for which it gives none is skipped, as is every file
    but `alleen` (bron/naam.csv) when given."""
    import duckdb

    from sources import inlezen
    from sources.levering import kies
    from sources.register import PER_BRON

    for bron, specs in PER_BRON.items():
        lev = kies(landing, bron, peildatum)
        for spec in specs:
            kolommen = kolommen_van(spec) if kolommen_van else ["*"]
            if not kolommen or (alleen and f"{bron}/{spec.naam}" != alleen):
                continue
            con = duckdb.connect()
            con.execute("SET threads = 1")
            scan = inlezen._scan(lev.pad / spec.naam, lev.bestanden[spec.naam]["kolommen"], spec)
            con.execute(f"CREATE TEMP TABLE s AS SELECT {', '.join(kolommen)} FROM ({scan})")
            try:
                yield f"{bron}/{spec.naam}", spec, lev, con
            finally:
                con.close()


def meet(landing: Path, peildatum: date, alleen: str | None = None) -> dict[str, dict]:
    from sources import contract, inlezen

    uit = {}
    for naam, spec, lev, con in per_bestand(landing, peildatum, alleen=alleen):
        rijen = con.sql("SELECT count(*) FROM s").fetchall()[0][0]
        regels = inlezen.reden_sql(spec, lev.leverdatum, heel_bestand=False)
        start = cpu()
        # the rules' helper columns where the revision has them (computed in the same pass, as ingestion does)
        van = contract.met_hulpkolommen(spec.kolommen, "SELECT * FROM s") \
            if hasattr(contract, "met_hulpkolommen") else "SELECT * FROM s"
        afgekeurd = con.sql(f"SELECT count(r) FROM (SELECT {regels} AS r FROM ({van}))").fetchall()[0][0]
        uit[naam] = {"rijen": rijen, "afgekeurd": afgekeurd, "cpu_s": round(cpu() - start, 2)}
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
