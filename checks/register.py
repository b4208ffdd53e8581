"""All data-quality checks evaluated on every staged table, in a fixed order."""
from __future__ import annotations

from pathlib import Path

import yaml

from checks import rijmodel, verwachtingen, versheid, volume
from checks.kader import FOUT, Context, Controle, Definitie

DEFINITIES: list[Definitie] = [*rijmodel.DEFINITIES, *verwachtingen.DEFINITIES, *volume.DEFINITIES,
                               *versheid.DEFINITIES]
DREMPELS_PAD = Path(__file__).with_name("drempels.yaml")


def drempels(pad: Path | None = None) -> dict:
    return yaml.safe_load(Path(pad or DREMPELS_PAD).read_text(encoding="utf-8"))


def evalueer(ctx: Context) -> list[Controle]:
    return [d.evalueer(ctx) for d in DEFINITIES]


def afgewezen(reden: str) -> list[Controle]:
    """Every check fails when the delivery itself was rejected: nothing of it may be used."""
    return [Controle(d.naam, geslaagd=False, ernst=FOUT, toelichting=reden) for d in DEFINITIES]
