"""Benchmark: the data-quality checks of every staged table (pandera rate, GX suites, volume, freshness)
and the quality report (Data Docs + summary), per scale, each in a fresh process (own peak RSS).

    python benchmarks/bench_checks.py --schaal gemeente [--schaal g4 --schaal landelijk] [--map /tmp/bench]
    python benchmarks/bench_checks.py --schaal landelijk --database /pad/naar/systeemanalyse.duckdb

Without --database the demo data is generated and ingested under --map first (as bench_pipeline does);
with it, a copy of that already staged database is used, so the original is never changed.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_pipeline import _stap, genereer, inlezen  # noqa: E402

P = date(2026, 10, 31)


def _rss_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def controles(werkmap: str) -> dict:
    """Every check of every staged table for the peildatum, as the asset steps run them; then the report."""
    import time
    from types import SimpleNamespace

    from checks import register
    from checks.kader import Context, bewaar
    from assets.kwaliteitsverslag import kwaliteit_onderdeel
    from checks.verwachtingen import _batchdefinitie
    from sources import levering as lv
    from kern import opslag
    from sources.inlezen import Inlezing
    from sources.register import ALLE

    _batchdefinitie()  # GX import and context: counted in the baseline, not in a table
    basis = _rss_mib()
    con = opslag.verbind(werkmap)
    drempels = register.drempels()
    per_tabel = {}
    for spec in ALLE:
        levering = lv.laad(con, P, spec.bron)
        if not levering.geaccepteerd:
            continue
        g, a, q = con.sql("SELECT geleverd, geaccepteerd, quarantaine FROM bestand_tellingen WHERE bron = ? AND "
                          "leverdatum = ? AND bestand = ?", params=[spec.bron, levering.leverdatum, spec.naam]
                          ).fetchall()[0]
        inlezing = Inlezing(spec, g, a, q, {})
        tijden = {}
        uitslag = []
        for d in register.DEFINITIES:
            start = time.monotonic()
            uitslag.append(d.evalueer(Context(con, P, spec, levering, inlezing, drempels)))
            tijden[d.naam] = round(time.monotonic() - start, 2)
        bewaar(con, P, spec, uitslag)
        per_tabel[spec.tabel] = {"rijen": a, "seconden": tijden, "piek_rss_mib_tot_nu": round(_rss_mib()),
                                 "geslaagd": {c.naam: c.geslaagd for c in uitslag}}
    start = time.monotonic()
    uitvoer = Path(werkmap) / "output" / P.isoformat()
    deel = kwaliteit_onderdeel(con, P, uitvoer, SimpleNamespace(werkmap=werkmap))
    con.close()
    return {"basis_rss_mib": round(basis), "tabellen": per_tabel,
            "verslag_seconden": round(time.monotonic() - start, 2), "kwaliteit": deel["kwaliteit"]["status"],
            "fouten": deel["kwaliteit"]["fouten"], "waarschuwingen": deel["kwaliteit"]["waarschuwingen"]}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--schaal", action="append", default=[], help="gemeente, g4, landelijk or N persons")
    p.add_argument("--map", default="/tmp/systeemanalyse-bench-checks", type=Path)
    p.add_argument("--database", type=Path, help="an already staged database to copy (one --schaal)")
    args = p.parse_args()
    uitkomsten = []
    for schaal in args.schaal or ["gemeente"]:
        werkmap = args.map / schaal / "werk"
        regel = {"schaal": schaal}
        if args.database:
            werkmap.mkdir(parents=True, exist_ok=True)
            shutil.copy(args.database, werkmap / "systeemanalyse.duckdb")
        elif not (werkmap / "systeemanalyse.duckdb").exists():
            landing = args.map / schaal / "landing"
            regel["genereren"] = _stap("genereer", genereer, str(landing), schaal)[1]
            regel["inlezen"] = _stap("inlezen", inlezen, str(landing), str(werkmap))[1]
        uitkomst, seconden, rss = _stap("controles", controles, str(werkmap))
        regel.update({"seconden": round(seconden, 2), "piek_rss_mib": round(rss), **uitkomst})
        print(f"{schaal:10} controles {seconden:8.2f} s  piek {rss:7.0f} MiB  (basis {uitkomst['basis_rss_mib']} MiB)",
              flush=True)
        for tabel, t in uitkomst["tabellen"].items():
            print(f"    {tabel:30} {t['rijen']:>11} rijen  GX {t['seconden']['verwachtingen']:7.2f} s  "
                  f"piek tot nu {t['piek_rss_mib_tot_nu']} MiB", flush=True)
        uitkomsten.append(regel)
    print(json.dumps(uitkomsten, indent=2, default=str))


if __name__ == "__main__":
    main()
