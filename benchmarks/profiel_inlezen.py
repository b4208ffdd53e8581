"""Profile of one night's ingestion per statement: every DuckDB statement of `lees_in` for the given files, the
slowest with DuckDB's operator profile, then the time of each data-quality check.

    python benchmarks/profiel_inlezen.py --werkmap /tmp/kopie --landing /tmp/bench/landelijk/landing2 \\
        --peildatum 2026-11-01 --bestand brp/personen.csv [--bestand brp/verblijfplaatsen.csv] [--profielen DIR]

It writes into the werkmap: give it a copy of a werkmap after an earlier night (`cp -a`), so that the second
night's incremental path is what is measured. A delivery already ingested for its leverdatum is taken over without
a statement: delete its row from `bestand_tellingen` in the copy to judge it again. The files are ingested in the
order given, after their source's delivery is chosen and recorded for the peildatum; a file whose orphan rules read
another file of the source needs that file ingested first (personen and adressen before verblijfplaatsen). The ten
slowest statements of each file are listed; those of at least `--drempel` seconds with DuckDB's operator profile
(its JSON profiling), kept in `--profielen` when given.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


class Getimed:
    """A DuckDB connection whose `execute` calls are timed. DuckDB finds the Python frames that a statement reads
    by name in every calling frame (`python_scan_all_frames`), so a statement passed through this wrapper still
    sees the frames of the code that built it."""

    def __init__(self, con, profiel: Path, drempel: float):
        self._con, self._profiel, self._drempel = con, profiel, drempel
        self.tijden: list[tuple[float, str, dict | None]] = []
        con.execute("SET python_scan_all_frames = true")
        con.execute("SET enable_profiling = 'json'")
        con.execute(f"SET profiling_output = '{profiel}'")

    def __getattr__(self, naam):
        return getattr(self._con, naam)

    def execute(self, sql, *args, **kwargs):
        start = time.monotonic()
        uit = self._con.execute(sql, *args, **kwargs)
        duur = time.monotonic() - start
        profiel = json.loads(self._profiel.read_text()) if duur >= self._drempel and self._profiel.exists() else None
        self.tijden.append((duur, re.sub(r"\s+", " ", str(sql)), profiel))
        return uit


def operatoren(knoop: dict, diepte: int = 0):
    """The operator tree of a DuckDB JSON profile: (depth, name, seconds, rows, the start of its details)."""
    yield diepte, knoop.get("name", ""), knoop.get("timing", 0.0), knoop.get("intermediate_rows"), \
        str(knoop.get("extra_info", ""))[:100]
    for kind in knoop.get("children", []):
        yield from operatoren(kind, diepte + 1)


def main() -> None:
    a = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    a.add_argument("--werkmap", type=Path, required=True, help="a copy of a werkmap: it is written to")
    a.add_argument("--landing", type=Path, required=True)
    a.add_argument("--peildatum", type=date.fromisoformat, required=True)
    a.add_argument("--bestand", action="append", required=True, help="bron/naam.csv, in the order to ingest")
    a.add_argument("--drempel", type=float, default=3.0, help="seconds from which a statement's profile is shown")
    a.add_argument("--profielen", type=Path, help="keep the operator profiles (JSON) here")
    args = a.parse_args()

    from checks import register as controles
    from checks.kader import Context
    from kern import opslag
    from sources import levering as lv
    from sources.inlezen import lees_in
    from sources.register import PER_BRON

    tijdelijk = Path(tempfile.mkdtemp(prefix="profiel-"))
    ruw = opslag.verbind(args.werkmap)  # as a run connects: its settings and tables (a new werkmap gets them)
    con = Getimed(ruw, tijdelijk / "laatste.json", args.drempel)
    leveringen = {}
    try:
        for i, naam in enumerate(args.bestand):
            bron, bestand = naam.split("/", 1)
            spec = next(s for s in PER_BRON[bron] if s.naam == bestand)
            if bron not in leveringen:
                leveringen[bron] = lv.kies(args.landing, bron, args.peildatum)
                lv.bewaar(ruw, args.peildatum, leveringen[bron])
            con.tijden.clear()
            start = time.monotonic()
            inlezing = lees_in(con, leveringen[bron], spec)
            print(f"== {naam}: lees_in {time.monotonic() - start:.1f} s, geleverd {inlezing.geleverd}, "
                  f"rij voor rij {inlezing.rij_voor_rij}, gekopieerd van {inlezing.gekopieerd_van}")
            for j, (duur, sql, profiel) in enumerate(sorted(con.tijden, key=lambda t: -t[0])[:10]):
                print(f"  {duur:6.1f} s  {sql[:140]}")
                if profiel is None:
                    continue
                print(f"           CPU {profiel['query']['cpu_time']:.1f} s; operators (s, rows):")
                for diepte, op, s, rijen, info in (o for top in profiel["operator"] for o in operatoren(top)):
                    if s >= 0.1 * duur:
                        print(f"           {'  ' * diepte}{op} {s:.1f} {rijen} {info}")
                if args.profielen:
                    args.profielen.mkdir(parents=True, exist_ok=True)
                    (args.profielen / f"{i}-{bestand}-{j}.json").write_text(json.dumps(profiel), encoding="utf-8")
            for definitie in controles.DEFINITIES:
                start = time.monotonic()
                definitie.evalueer(Context(ruw, args.peildatum, spec, leveringen[bron], inlezing,
                                           controles.drempels()))
                print(f"  controle {definitie.naam}: {time.monotonic() - start:.1f} s")
    finally:
        ruw.close()
        shutil.rmtree(tijdelijk, ignore_errors=True)


if __name__ == "__main__":
    main()
