"""The demo generator's output is byte-identical for the same arguments: the sha256 of every file it writes
(CSV files and manifests) and of its summary (without the wall time) are pinned per case in
tests/demo_digests.json. They were recorded from the single-module generator (sources/demo_data.py at main
a6a7123) before it was split into the package sources/demo/, so the split provably changed no byte and no
random draw. Small cases run in the fast subset; the municipality and G4 scales (and multi-block) are `traag`.

Re-pin (only after an intended change of the demo data): `python tests/test_demo_digest.py [--alle]`.
"""
from __future__ import annotations

import hashlib
import json
import sys
from datetime import date
from pathlib import Path

import pytest

PINNEN = Path(__file__).with_name("demo_digests.json")

# (schaal, seed, peildatum); the scales the other tests and the Makefile use, several seeds and peildata,
# including a year-end peildatum (partial birth dates), a leap day, an early-January one (the ib delivery of
# the year before) and 2023 (the older asset limits).
SNEL = [
    (500, 7, "2026-10-31"),
    (500, 7, "2026-12-31"),
    (2_000, 3, "2028-02-29"),
    (2_000, 1, "2023-06-30"),
    (5_000, 9, "2026-01-10"),
    (10_000, 20261031, "2026-10-31"),
    (10_000, 20261031, "2026-11-30"),
    ("gemeente", 20261031, "2026-10-31"),  # ~2 s: the Makefile's default
]
TRAAG = [
    (12_000, 7, "2026-10-31"),
    (12_000, 11, "2026-10-31"),
    (20_000, 7, "2026-10-31"),
    (20_000, 11, "2026-10-31"),
    (60_000, 5, "2026-10-31"),
    ("gemeente", 20261031, "2026-11-30"),
    ("gemeente", 1, "2026-10-31"),
    ("g4", 20261031, "2026-10-31"),
    ("g4", 20261031, "2026-11-30"),
    (2_500_000, 20261031, "2026-10-31"),  # three blocks, many municipalities
]


def sleutel(schaal, seed, peildatum) -> str:
    return f"{schaal}|{seed}|{peildatum}"


def digests(schaal, seed, peildatum, uit: Path) -> dict[str, str]:
    from sources.demo_data import genereer

    samenvatting = genereer(uit, schaal=schaal, seed=seed, peildatum=date.fromisoformat(peildatum))
    samenvatting.pop("seconden")
    d = {str(p.relative_to(uit)): hashlib.sha256(p.read_bytes()).hexdigest()
         for p in sorted(uit.rglob("*")) if p.is_file()}
    d["samenvatting"] = hashlib.sha256(json.dumps(samenvatting, sort_keys=True).encode()).hexdigest()
    return d


def _controleer(geval, tmp_path):
    verwacht = json.loads(PINNEN.read_text(encoding="utf-8"))[sleutel(*geval)]
    gekregen = digests(*geval, tmp_path / "landing")
    assert len(gekregen) == 6 + 14 + 1  # six manifests, fourteen CSV files, the summary
    afwijkend = sorted(k for k in verwacht.keys() | gekregen.keys() if verwacht.get(k) != gekregen.get(k))
    assert not afwijkend, f"demo output changed for {geval}: {afwijkend}"


@pytest.mark.parametrize("geval", SNEL, ids=[sleutel(*g) for g in SNEL])
def test_demo_output_identical(geval, tmp_path):
    _controleer(geval, tmp_path)


@pytest.mark.traag
@pytest.mark.parametrize("geval", TRAAG, ids=[sleutel(*g) for g in TRAAG])
def test_demo_output_identical_large(geval, tmp_path):
    _controleer(geval, tmp_path)


if __name__ == "__main__":
    import shutil
    import tempfile
    import time

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    gevallen = SNEL + (TRAAG if "--alle" in sys.argv else [])
    alles = json.loads(PINNEN.read_text(encoding="utf-8")) if PINNEN.exists() else {}
    for geval in gevallen:
        tmp = Path(tempfile.mkdtemp(prefix="demo_digest_"))
        t0 = time.perf_counter()
        alles[sleutel(*geval)] = digests(*geval, tmp / "landing")
        print(f"{sleutel(*geval):35} {time.perf_counter() - t0:7.1f} s", flush=True)
        shutil.rmtree(tmp)
    PINNEN.write_text(json.dumps(alles, indent=1, sort_keys=True) + "\n", encoding="utf-8")
