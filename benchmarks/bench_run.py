"""Benchmark of a complete run through Dagster: wall time, peak RSS and the per-step breakdown from
Dagster's event log, beside the floors (reading every CSV once; the four theme rules in plain SQL).

    python benchmarks/bench_run.py --landing /tmp/bench/gemeente/landing --werkmap /tmp/bench/gemeente/werk
        [--tweede-nacht /tmp/bench/gemeente/landing2] [--json uit.json]

The run is `systeemanalyse run` in a subprocess (its own peak RSS). `--tweede-nacht` runs a second
peildatum on the same werkmap against a landing with a new BRP delivery (benchmarks/tweede_nacht.py).
Works on any revision of the code that has the `run` command: run it with PYTHONPATH pointing at an
older checkout to measure a baseline.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

P = date(2026, 10, 31)


def draai(landing: Path, werkmap: Path, peildatum: date) -> dict:
    """One `systeemanalyse run` in a child process: exit code, wall seconds, peak RSS of the child."""
    start = time.monotonic()
    voor = resource.getrusage(resource.RUSAGE_CHILDREN)
    proces = subprocess.run([sys.executable, "-m", "pipelines.cli", "run", "--landing", str(landing),
                             "--werkmap", str(werkmap), "--peildatum", peildatum.isoformat()],
                            capture_output=True, text=True, env={**os.environ, "DAGSTER_HOME": ""})
    wall = time.monotonic() - start
    na = resource.getrusage(resource.RUSAGE_CHILDREN)
    rss = na.ru_maxrss / 1024
    cpu = (na.ru_utime - voor.ru_utime) + (na.ru_stime - voor.ru_stime)
    (werkmap / f"bench-run-{peildatum}.log").write_text(proces.stdout + proces.stderr, encoding="utf-8")
    # CPU seconds beside wall: on a shared machine the wall time also measures the neighbours
    return {"exit": proces.returncode, "seconden": round(wall, 2), "cpu_seconden": round(cpu, 2),
            "piek_rss_mib_tot_nu": round(rss)}


def stappen(werkmap: Path) -> dict[str, dict[str, float]]:
    """Per run (newest last) the seconds per step: STEP_START to STEP_SUCCESS/FAILURE in the event log."""
    from dagster import DagsterEventType, DagsterInstance

    instance = DagsterInstance.from_config(str(werkmap / "dagster_home"))
    start, einde = DagsterEventType.STEP_START, {DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE}
    uit: dict[str, dict[str, float]] = {}
    for run in reversed(instance.get_runs()):
        begin: dict[str, float] = {}
        per_stap: dict[str, float] = {}
        for e in instance.all_logs(run.run_id, of_type={start, *einde}):  # this run's step events only
            (begin if e.dagster_event_type == start else per_stap)[e.step_key] = e.timestamp
        uit[run.run_id] = {s: round(per_stap[s] - begin[s], 2) for s in sorted(begin) if s in per_stap}
    return uit


def leveringen(landing: Path, peildatum: date) -> dict:
    """Per source the delivery a run on the peildatum takes, verified (sha256): done once, outside every clock."""
    from sources.levering import kies
    from sources.register import PER_BRON

    return {bron: kies(landing, bron, peildatum) for bron in PER_BRON}


def _csv(lev, spec) -> str:
    """A delivered file read as ingestion reads it (its columns as text)."""
    from sources.levering import CSV_OPTIES, kolomtypes

    pad = str(lev.pad / spec.naam).replace("'", "''")
    return (f"read_csv('{pad}', {CSV_OPTIES}, columns={kolomtypes(lev.bestanden[spec.naam]['kolommen'])}, "
            "store_rejects=true)")


def vloeren(geleverd: dict, werkmap: Path, peildatum: date) -> dict:
    """Reading every CSV once, and the four rules in plain SQL on the staged tables."""
    import duckdb

    from sources.register import PER_BRON

    con = duckdb.connect()
    start = time.monotonic()
    for bron, specs in PER_BRON.items():
        for spec in specs:
            con.sql(f"SELECT count(*) FROM {_csv(geleverd[bron], spec)}").fetchall()
    lezen = time.monotonic() - start
    con.close()
    return {"lees_elke_csv_s": round(lezen, 2), "vier_regels_sql_s": vier_regels(werkmap, peildatum)}


def vier_regels(werkmap: Path, peildatum: date) -> float:
    """Seconds for the four theme rules in plain SQL on the staged tables of the peildatum's deliveries."""
    import duckdb

    from assets.themas import kader
    from benchmarks.sql_regels import signalen
    from kern.omgeving import STANDAARD_FILTERS

    con = duckdb.connect(str(werkmap / "systeemanalyse.duckdb"), read_only=True)
    start = time.monotonic()
    signalen(con, peildatum, kader.laad_parameters(STANDAARD_FILTERS))
    regels = time.monotonic() - start
    con.close()
    return round(regels, 2)


def vloer_tweede_nacht(oud: dict, nieuw: dict) -> dict:
    """The least a next night must do to know what changed: read every CSV of the new deliveries (`nieuw`), hash
    each row's content (as ingestion does, sources.inlezen.inhoud_sql) and look each hash up among the previous
    delivery's (`oud`), whose hashes are built first, untimed. Per file the seconds and the rows new or changed."""
    import duckdb

    from sources.inlezen import inhoud_sql
    from sources.register import PER_BRON

    con = duckdb.connect()
    per_bestand: dict[str, dict] = {}
    for bron, specs in PER_BRON.items():
        for spec in specs:
            h = f"SELECT md5_number({inhoud_sql(spec)}) AS h FROM "
            con.execute(f"CREATE OR REPLACE TEMP TABLE vorige AS {h}{_csv(oud[bron], spec)}")
            start = time.monotonic()
            anders = con.sql(f"SELECT count(*) FROM ({h}{_csv(nieuw[bron], spec)}) "
                             "WHERE h NOT IN (SELECT h FROM vorige)").fetchall()[0][0]
            per_bestand[f"{bron}/{spec.naam}"] = {"s": round(time.monotonic() - start, 2),
                                                   "nieuw_of_gewijzigd": anders}
    con.close()
    return {"lees_hash_vergelijk_s": round(sum(v["s"] for v in per_bestand.values()), 2), "per_bestand": per_bestand}


def groepeer(per_stap: dict[str, float]) -> dict[str, float]:
    """The issue's breakdown: the BRP files apart, other staged tables, verrekening, funnels, audits, rest."""
    groepen: dict[str, float] = {}
    for stap, s in per_stap.items():
        if stap.startswith("brp_"):
            g = stap
        elif stap.split("_")[0] in ("ib", "suwi", "rdw", "gemeente"):
            g = "andere staged tabellen"
        elif stap.startswith("levering_"):
            g = "leveringen (manifest)"
        elif "verrekening" in stap:
            g = stap
        elif stap.startswith("trechter") or stap.startswith("signalen") or stap.startswith("thema"):
            g = "themas"
        elif stap.startswith("bias"):
            g = "bias-audits"
        else:
            g = "overig"
        groepen[g] = round(groepen.get(g, 0.0) + s, 2)
    return groepen


def main() -> None:
    a = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    a.add_argument("--landing", type=Path, required=True)
    a.add_argument("--werkmap", type=Path, required=True)
    a.add_argument("--peildatum", type=date.fromisoformat, default=P)
    a.add_argument("--tweede-nacht", type=Path, help="landing with a second BRP delivery (benchmarks/tweede_nacht.py)")
    a.add_argument("--peildatum2", type=date.fromisoformat, default=date(2026, 11, 1))
    a.add_argument("--json", type=Path)
    args = a.parse_args()
    shutil.rmtree(args.werkmap, ignore_errors=True)
    args.werkmap.mkdir(parents=True)
    uit = {"eerste_nacht": draai(args.landing, args.werkmap, args.peildatum)}
    if args.tweede_nacht:
        uit["tweede_nacht"] = draai(args.tweede_nacht, args.werkmap, args.peildatum2)
    runs = list(stappen(args.werkmap).values())
    uit["stappen"] = runs
    uit["groepen"] = [groepeer(r) for r in runs]
    eerste = leveringen(args.landing, args.peildatum)
    uit["vloeren"] = vloeren(eerste, args.werkmap, args.peildatum)
    if args.tweede_nacht:  # the rules' floor on the second peildatum, and what knowing the change costs at least
        uit["vloeren_tweede_nacht"] = {**vloer_tweede_nacht(eerste, leveringen(args.tweede_nacht, args.peildatum2)),
                                       "vier_regels_sql_s": vier_regels(args.werkmap, args.peildatum2)}
    print(json.dumps(uit, indent=2))
    if args.json:
        args.json.write_text(json.dumps(uit, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
