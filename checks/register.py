"""All data-quality checks evaluated on every staged table, in a fixed order."""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from checks import rijmodel, verwachtingen, versheid, volume
from checks.kader import FOUT, Context, Controle, Definitie
from kern.configuratie import Model, lees_yaml, valideer

DEFINITIES: list[Definitie] = [*rijmodel.DEFINITIES, *verwachtingen.DEFINITIES, *volume.DEFINITIES,
                               *versheid.DEFINITIES]
DREMPELS_PAD = Path(__file__).with_name("drempels.yaml")


Ernst = Literal["error", "warning"]
Aandeel = Field(ge=0, le=1)


class Quarantaine(Model):
    max_percentage: float = Field(ge=0, le=100)
    ernst: Ernst


class Soort(Model):
    ernst: Ernst
    mostly: float = Aandeel


class Uitzondering(Model):
    ernst: Ernst | None = None
    mostly: float | None = Field(default=None, ge=0, le=1)


class Verwachtingen(Model):
    batch_rijen: int | None = Field(default=None, gt=0)
    voorbeelden: int = Field(ge=0)
    soorten: dict[str, Soort]
    uitzonderingen: dict[str, Uitzondering] = {}


class Volume(Model):
    max_afwijking_percentage: float = Field(ge=0)
    min_rijen_vorige: int = Field(ge=0)
    ernst: Ernst


class Versheid(Model):
    ernst: Ernst
    max_dagen: dict[str, int]


class Drempels(Model):
    """checks/drempels.yaml."""

    quarantaine: Quarantaine
    verwachtingen: Verwachtingen
    volume: Volume
    versheid: Versheid


def drempels(pad: Path | None = None) -> dict:
    """The quality thresholds, validated (kern.configuratie.ConfiguratieFout naming file, entry and key)."""
    pad = Path(pad or DREMPELS_PAD)
    data = lees_yaml(pad, "drempelbestand")
    valideer(Drempels, data, pad, "drempelbestand")
    return data


def evalueer(ctx: Context) -> list[Controle]:
    return [d.evalueer(ctx) for d in DEFINITIES]


def afgewezen(reden: str) -> list[Controle]:
    """Every check fails when the delivery itself was rejected: nothing of it may be used."""
    return [Controle(d.naam, geslaagd=False, ernst=FOUT, toelichting=reden) for d in DEFINITIES]
