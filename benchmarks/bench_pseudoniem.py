"""Benchmark: the CPU cost of pseudonymising at ingestion (issue 13.5) — per delivered file, every BSN column
through the HMAC macro that ingestion uses (`sources.pseudoniem.maak_macro`), against reading the same
columns as they are; on one DuckDB thread, so that the CPU seconds are comparable on a loaded machine.

    python benchmarks/bench_pseudoniem.py --landing /tmp/bench/landelijk/landing [--json uit.json]
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def meet(landing: Path, peildatum: date) -> dict[str, dict]:
    from benchmarks.bench_regels import cpu, per_bestand
    from sources import pseudoniem
    from sources.contract import BSN

    uit = {}
    for naam, spec, _, con in per_bestand(landing, peildatum, lambda s: [k.naam for k in s.kolommen if k.type == BSN]):
        kolommen = [k.naam for k in spec.kolommen if k.type == BSN]
        pseudoniem.maak_macro(con, b"benchmark-sleutel")
        rijen = con.sql("SELECT count(*) FROM s").fetchall()[0][0]
        tijden = {}
        for soort, expressie in (("zonder", "{k}"), ("met", f"{pseudoniem.MACRO}({{k}})")):
            start = cpu()
            con.sql("SELECT " + ", ".join(f"count(DISTINCT {expressie.format(k=k)})" for k in kolommen)
                    + " FROM s").fetchall()
            tijden[soort] = cpu() - start
        extra = tijden["met"] - tijden["zonder"]
        uit[naam] = {"rijen": rijen, "bsn_kolommen": kolommen, "cpu_s_zonder": round(tijden["zonder"], 2),
                     "cpu_s_met": round(tijden["met"], 2), "extra_cpu_s": round(extra, 2),
                     "us_per_waarde": round(1e6 * extra / max(rijen * len(kolommen), 1), 2)}
    return uit


def main() -> None:
    a = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    a.add_argument("--landing", type=Path, required=True)
    a.add_argument("--peildatum", type=date.fromisoformat, default=date(2026, 10, 31))
    a.add_argument("--json", type=Path)
    args = a.parse_args()
    uit = meet(args.landing, args.peildatum)
    uit["totaal"] = {"rijen": sum(v["rijen"] for v in uit.values()),
                     "extra_cpu_s": round(sum(v["extra_cpu_s"] for v in uit.values()), 2)}
    print(f"{'bestand':34} {'rijen':>11} {'BSN-kolommen':>12} {'CPU-s zonder':>12} {'met':>8} {'extra':>8} {'µs/waarde':>9}")
    for naam, v in uit.items():
        if naam != "totaal":
            print(f"{naam:34} {v['rijen']:>11,} {len(v['bsn_kolommen']):>12} {v['cpu_s_zonder']:>12} {v['cpu_s_met']:>8} "
                  f"{v['extra_cpu_s']:>8} {v['us_per_waarde']:>9}")
    print(f"{'totaal':34} {uit['totaal']['rijen']:>11,} {'':>12} {'':>12} {'':>8} {uit['totaal']['extra_cpu_s']:>8}")
    if args.json:
        args.json.write_text(json.dumps(uit, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
