"""The bias audit's settings (instellingen.yaml): thresholds, the false-alarm budget and the attribute bands."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

PAD = Path(__file__).with_name("instellingen.yaml")


@lru_cache(maxsize=4)
def laad(pad: str | Path = PAD) -> dict:
    inst = yaml.safe_load(Path(pad).read_text(encoding="utf-8"))
    inst["nationaliteit_eu"] = {str(k): v for k, v in inst["nationaliteit_eu"].items()}
    return inst
