"""The bias audit's settings (instellingen.yaml): thresholds, the false-alarm budget and the attribute bands.

Validated by a typed model (kern.configuratie): a missing, unknown or wrongly typed setting is one Dutch line
naming the file and the key, before a run starts (`systeemanalyse run` exits 2). The audit reads the settings
as a plain mapping, written as-is into every bias/<thema>.json as the method in force.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator

from kern.configuratie import Model, laad as laad_model

PAD = Path(__file__).with_name("instellingen.yaml")

Kans = Annotated[float, Field(gt=0, lt=1)]
Aantal = Annotated[int, Field(ge=1)]
Code = Annotated[str, Field(pattern=r"^[0-9]{4}$")]


class AuditInstellingen(Model):
    versie: str
    alfa_run: Kans
    aandeel_intersecties: Kans
    alfa_verkenning: Kans
    drempel_oververtegenwoordiging: Annotated[float, Field(gt=1)]
    drempel_ondervertegenwoordiging: Kans
    onderscheidend_vermogen: Kans
    betrouwbaarheid: Kans
    minimum_groep: Aantal
    minimum_intersectie: Aantal
    minimum_verkenning: Aantal
    exact_onder_verwachting: Annotated[int, Field(ge=0)]
    onderdrukken_onder: Aantal
    drift_runs: Aantal
    samenvallend_onder: Kans
    simulaties: Aantal
    pool_runs: Aantal
    alfa_gepoold: Kans
    leeftijdsbanden: list[list[int | str]]
    duurbanden: list[list[int | str]]
    land_nederland: Code
    nationaliteit_nederlands: list[Code]
    nationaliteit_eu: dict[Code, str]

    @field_validator("leeftijdsbanden", "duurbanden")
    @classmethod
    def _banden(cls, banden: list[list[int | str]]) -> list[list[int | str]]:
        """[[ondergrens, naam], ...] with whole-number lower bounds that rise."""
        if not banden or any(len(b) != 2 or not isinstance(b[0], int) or not isinstance(b[1], str) for b in banden):
            raise ValueError("moet een lijst van [ondergrens, naam] zijn, bijvoorbeeld [[18, \"18-26\"], [27, \"27-39\"]]")
        if any(a[0] >= b[0] for a, b in zip(banden, banden[1:])):
            raise ValueError("moet oplopende ondergrenzen hebben")
        return banden


@lru_cache(maxsize=4)
def laad(pad: str | Path = PAD) -> dict:
    return laad_model(AuditInstellingen, pad, "bias-instellingen").model_dump()
