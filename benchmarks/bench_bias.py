"""Simulation of the bias audit's error rates and its speed, with the real statistics (bias_audit.audit).

- false alarms: many runs of unbiased filters (every theme of the run, selection independent of every
  attribute) at gemeente scale; the share of runs with any blocking deviation must stay <= 5% + noise;
- detection: one theme whose rule selects a 10% group (born outside NL) at twice the population's rate;
  the share of runs in which the audit flags that group in the last step;
- speed: one theme's statistics at gemeente and national scale.

Usage: .venv/bin/python benchmarks/bench_bias.py [--runs 200] [--detectie 100] [--landelijk 400000]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bias_audit import audit, instellingen, simulatie  # noqa: E402


def interval(k: int, n: int) -> tuple[float, float]:
    from bias_audit.statistiek import wilson

    lo, hi = wilson(np.array([k]), np.array([n]))
    return float(lo[0]), float(hi[0])


def main(argv=None) -> int:
    a = argparse.ArgumentParser()
    a.add_argument("--runs", type=int, default=200)
    a.add_argument("--detectie", type=int, default=100)
    a.add_argument("--dossiers", type=int, default=9000)
    a.add_argument("--landelijk", type=int, default=400_000)
    a.add_argument("--seed", type=int, default=20261031)
    args = a.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    uit = {"dossiers": args.dossiers}

    start = time.perf_counter()
    alarmen = sum(simulatie.run(rng, args.dossiers, 0.03)["alarm"] for _ in range(args.runs))
    lo, hi = interval(alarmen, args.runs)
    uit["vals_alarm"] = {"runs": args.runs, "met_alarm": alarmen, "fractie": alarmen / args.runs,
                         "wilson95": [round(lo, 4), round(hi, 4)], "seconden": round(time.perf_counter() - start, 1)}
    print(json.dumps(uit["vals_alarm"]), flush=True)

    uit["detectie"] = []
    for fractie in (0.02, 0.05):
        start = time.perf_counter()
        gevonden = sum(simulatie.run(rng, args.dossiers, fractie, 2.0, themas=1)["gevonden"]
                       for _ in range(args.detectie))
        lo, hi = interval(gevonden, args.detectie)
        r = {"eindselectie": fractie, "geselecteerd_ongeveer": round(fractie * args.dossiers), "ratio": 2.0,
             "groep": "geboorteland = buiten Nederland (10%)", "runs": args.detectie, "gevonden": gevonden,
             "fractie": gevonden / args.detectie, "wilson95": [round(lo, 4), round(hi, 4)],
             "seconden": round(time.perf_counter() - start, 1)}
        uit["detectie"].append(r)
        print(json.dumps(r), flush=True)

    inst = instellingen.laad()
    uit["snelheid"] = []
    for n in (args.dossiers, args.landelijk):
        km = simulatie.populatie(rng, n)
        leden = simulatie.trechter(rng, km, 0.02)
        start = time.perf_counter()
        enkel, paren, drie = audit.toets_alle(leden, km, 3, inst)
        r = {"dossiers": n, "seconden_per_thema": round(time.perf_counter() - start, 2),
             "cellen": enkel.height + paren.height + drie.height}
        uit["snelheid"].append(r)
        print(json.dumps(r), flush=True)
    print(json.dumps(uit, indent=1))
    ok = uit["vals_alarm"]["wilson95"][0] <= 0.05
    print("vals-alarmpercentage binnen 5% + ruis:", "ja" if ok else "NEE")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
