"""The committee's loop measured (issue 10): the audit stage with root causes, evidence, exact power and pooling
at gemeente and national size, and `vrijgeven` on a werkmap after `make demo`.

- audit stage: four themes on a synthetic population (bias_audit.simulatie) of --dossiers and --landelijk
  dossiers, one theme with an injected skew so that root causes, derived deviations and evidence are computed;
  the pooled test over 12 runs (each run a fresh funnel on the same population, dossiers counted once);
- vrijgeven: wall time of `systeemanalyse vrijgeven` on --werkmap (after `make demo` and a `verklaar`), and the
  root causes and power figures of its bias documents.

Usage: .venv/bin/python benchmarks/bench_besluiten.py [--dossiers 9000] [--landelijk 406000] [--werkmap demo/werkmap]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bias_audit import audit, bewijs, instellingen, oorzaken, simulatie  # noqa: E402


def audit_stadium(n: int, rng: np.random.Generator, inst: dict) -> dict:
    km = simulatie.populatie(rng, n)
    km = km.with_columns(pl.when(pl.col("normcategorie") == "gehuwden").then(pl.lit("2")).otherwise(pl.lit("1"))
                         .alias("personen_in_dossier"))
    start = time.perf_counter()
    tijden, totaal = {}, {"oorzaken": 0, "afgeleid": 0}
    for t in range(4):
        leden = simulatie.trechter(rng, km, 0.01, 1.6 if t == 0 else 1.0, kenmerk="normcategorie", groep="gehuwden")
        s = time.perf_counter()
        enkel, paren, drie = audit.toets_alle(leden, km, 3, inst)
        tijden.setdefault("statistiek_en_vermogen", 0.0)
        tijden["statistiek_en_vermogen"] += time.perf_counter() - s
        s = time.perf_counter()
        alles = pl.concat([enkel, paren], how="vertical_relaxed").with_columns(pl.col("stap_nr").cast(pl.Utf8)
                                                                               .alias("stap"))
        lijst, _ = oorzaken.analyseer(alles, inst, inst["aandeel_intersecties"] / 4)
        for o in lijst:
            gekozen = leden.filter(pl.col("stap_nr") == o["stap_nr"])["dossier_id"].implode()
            bewijs.bewijs(audit._groepsmasker(km, o["kenmerk"], o["groep"]), km["dossier_id"].is_in(gekozen),
                          km["personen_in_dossier"], inst)
        totaal["oorzaken"] += len(lijst)
        totaal["afgeleid"] += sum(len(o["afgeleid"]) for o in lijst)
        tijden.setdefault("oorzaken_en_bewijs", 0.0)
        tijden["oorzaken_en_bewijs"] += time.perf_counter() - s
        s = time.perf_counter()
        pool = pl.concat([simulatie.trechter(rng, km, 0.01).filter(pl.col("stap_nr") == 3) for _ in range(12)])
        gepoold = pl.concat([pl.DataFrame({"dossier_id": km["dossier_id"], "stap_nr": 0}),
                             pool.select("dossier_id").unique().with_columns(pl.lit(1).alias("stap_nr"))]) \
            .with_columns(pl.col("stap_nr").cast(pl.Int64))
        audit.toets_alle(gepoold, km, 1, inst)
        tijden.setdefault("gepoold", 0.0)
        tijden["gepoold"] += time.perf_counter() - s
    return {"dossiers": n, "themas": 4, "seconden": round(time.perf_counter() - start, 1),
            **{k: round(v, 1) for k, v in tijden.items()}, **totaal}


def vrijgeven(werkmap: Path, peildatum: str) -> dict:
    exe = Path(sys.executable).parent / "systeemanalyse"
    start = time.perf_counter()
    uit = subprocess.run([str(exe), "vrijgeven", "--werkmap", str(werkmap), "--peildatum", peildatum],
                         capture_output=True, text=True)
    r = {"vrijgeven_seconden": round(time.perf_counter() - start, 1), "exitcode": uit.returncode, "themas": {}}
    for doc_pad in sorted((werkmap / "output" / peildatum / "bias").glob("*.json")):
        doc = json.loads(doc_pad.read_text())
        laatste = [v for v in doc["onderscheidend_vermogen"] if v["stap"] == doc["trechter"][-1]["stap"]]
        r["themas"][doc["thema"]] = {
            "oorzaken": [f"{o['stap']} {o['kenmerk']}={o['groep']} ratio {o['ratio']} ({len(o['afgeleid'])} afgeleid, "
                         f"{o['status']})" for o in doc["oorzaken"]],
            "afwijkingen": len(doc["afwijkingen"]), "redenen": len(doc["oordeel"]["redenen"]),
            "vermogen_laatste_stap": {v["kenmerk"]: [v["beste"], v.get("simulatie", {}).get("kracht")] for v in laatste},
            "gepoolde_runs": len(doc["gepoold"]["runs"]),
            "vermogen_gepoold": {v["kenmerk"]: v["beste"] for v in doc["gepoold"].get("onderscheidend_vermogen", [])}}
    return r


def main(argv=None) -> int:
    a = argparse.ArgumentParser()
    a.add_argument("--dossiers", type=int, default=9000)
    a.add_argument("--landelijk", type=int, default=406_000)
    a.add_argument("--werkmap", type=Path)
    a.add_argument("--peildatum", default="2026-10-31")
    args = a.parse_args(argv)
    inst = instellingen.laad()
    rng = np.random.default_rng(20261031)
    for n in (args.dossiers, args.landelijk):
        print(json.dumps(audit_stadium(n, rng, inst)), flush=True)
    if args.werkmap:
        print(json.dumps(vrijgeven(args.werkmap, args.peildatum), indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
