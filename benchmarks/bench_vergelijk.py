"""Two `bench_run.py --json` results side by side: per step (and per group of the issue's breakdown) the
seconds of the first and, when present, the second night, before and after.

    python benchmarks/bench_vergelijk.py voor.json na.json [--groepen]
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path


def tabel(voor: dict, na: dict, sleutel: str) -> list[str]:
    nachten = min(len(voor[sleutel]), len(na[sleutel]))
    kop = "| stap | " + " | ".join(f"nacht {i + 1} voor | nacht {i + 1} na" for i in range(nachten)) + " |"
    regels = [kop, "|---|" + "---:|" * (2 * nachten)]
    stappen = sorted({s for r in voor[sleutel][:nachten] + na[sleutel][:nachten] for s in r},
                     key=lambda s: -voor[sleutel][0].get(s, 0.0))
    for s in stappen:
        cellen = [f"{r[i].get(s, 0.0):.2f}" for i in range(nachten) for r in (voor[sleutel], na[sleutel])]
        regels.append(f"| {s} | " + " | ".join(cellen) + " |")
    totaal = [f"{sum(r[i].values()):.2f}" for i in range(nachten) for r in (voor[sleutel], na[sleutel])]
    regels.append("| **som van de stappen** | " + " | ".join(totaal) + " |")
    for wat in ("seconden", "cpu_seconden", "piek_rss_mib_tot_nu"):
        cellen = [str(r.get(n, {}).get(wat, "")) for n in ("eerste_nacht", "tweede_nacht")[:nachten]
                  for r in (voor, na)]
        regels.append(f"| **run: {wat}** | " + " | ".join(cellen) + " |")
    return regels


def main() -> None:
    a = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    a.add_argument("voor", type=Path)
    a.add_argument("na", type=Path)
    a.add_argument("--groepen", action="store_true", help="the issue's groups instead of every step")
    args = a.parse_args()
    voor, na = (json.loads(p.read_text(encoding="utf-8")) for p in (args.voor, args.na))
    print("\n".join(tabel(voor, na, "groepen" if args.groepen else "stappen")))


if __name__ == "__main__":
    main()
