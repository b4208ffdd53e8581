"""The one typed configuration layer: every YAML file the pipeline reads is validated by a pydantic model.

A broken file is one clear Dutch line naming the file, the entry and the key (never a `KeyError` in the
middle of a run). The models live with their users (theme parameters in assets/themas, quality thresholds
in checks/, the organisation in assets/algoritmeregister.py); this module holds what they share.
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

M = TypeVar("M", bound=BaseModel)


class ConfiguratieFout(Exception):
    """A configuration file is unreadable or does not match its model."""


class Model(BaseModel):
    """Strict: unknown keys (typos) are errors, and no value is silently converted to another type."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


TYPEN = {"int": "een geheel getal", "float": "een getal", "bool": "waar of onwaar (true/false)",
         "string": "tekst", "list": "een lijst", "dict": "een mapping (sleutel: waarde)",
         "model": "een mapping (sleutel: waarde)", "literal": "een van de toegestane waarden"}


def lees_yaml(pad: str | Path, soort: str, fout: type[Exception] = ConfiguratieFout) -> object:
    try:
        return yaml.safe_load(Path(pad).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise fout(f"{soort} {pad} onleesbaar: {' '.join(str(e).split())}") from None


def _ingang(plek: tuple) -> str:
    return "sectie '" + ".".join(str(x) for x in plek) + "'"


def _uitleg(e: dict) -> str:
    soort = e["type"]
    if soort.endswith("_type") or soort in ("model_attributes_type", "dict_type"):
        verwacht = TYPEN.get(soort.removesuffix("_type").removesuffix("_attributes"), soort.removesuffix("_type"))
        return f"moet {verwacht} zijn, niet {e['input']!r}"
    if soort == "literal_error":
        verwacht = str((e.get("ctx") or {}).get("expected", "")).replace(" or ", " of ")
        return f"moet {verwacht} zijn, niet {e['input']!r}"
    if soort in ("greater_than", "greater_than_equal", "less_than", "less_than_equal", "string_too_short"):
        grens = next(iter((e.get("ctx") or {}).values()), "")
        woord = {"greater_than": "groter dan", "greater_than_equal": "minstens", "less_than": "kleiner dan",
                 "less_than_equal": "ten hoogste", "string_too_short": "niet leeg, minimaal lengte"}[soort]
        return f"moet {woord} {grens} zijn, niet {e['input']!r}"
    if soort == "string_pattern_mismatch":
        return f"heeft niet de vereiste vorm ({e['ctx']['pattern']}): {e['input']!r}"
    if soort == "string_too_long":
        return f"is te lang (ten hoogste {e['ctx']['max_length']} tekens)"
    if soort == "value_error":
        return str((e.get("ctx") or {}).get("error", e["msg"]))
    return e["msg"]


def beschrijf(fout: ValidationError, meervoud: bool = False) -> str:
    """Pydantic's errors as Dutch clauses, grouped per entry: "sectie 'x' mist a, b; sectie 'y': sleutel 'z' ..."."""
    ontbrekend: dict[tuple, list[str]] = defaultdict(list)
    onbekend: dict[tuple, list[str]] = defaultdict(list)
    overig: list[str] = []
    for e in fout.errors():
        plek = tuple(x for x in e["loc"] if not (isinstance(x, str) and x.startswith(("function-", "[")))
                     ) or ("",)
        ouder, sleutel = plek[:-1], plek[-1]
        if e["type"] == "missing":
            ontbrekend[ouder].append(str(sleutel))
        elif e["type"] == "extra_forbidden":
            onbekend[ouder].append(str(sleutel))
        else:
            waar = f"{_ingang(ouder)}: sleutel '{sleutel}'" if ouder else f"sleutel '{sleutel}'"
            overig.append(f"{waar} {_uitleg(e)}")
    mist = "missen" if meervoud else "mist"
    delen = [(f"{_ingang(o)} mist " if o else f"{mist} ") + ", ".join(k) for o, k in ontbrekend.items()]
    delen += [(f"{_ingang(o)}: " if o else "") + "onbekende sleutel(s) " + ", ".join(k) for o, k in onbekend.items()]
    return "; ".join(delen + overig)


def valideer(model: type[M], data: object, pad: str | Path, soort: str,
             fout: type[Exception] = ConfiguratieFout, meervoud: bool = False) -> M:
    """`data` (read from `pad`) as `model`, or `fout` with one line naming the file, the entry and the key.
    `meervoud`: the file's name is a plural ("organisatiegegevens ... missen x")."""
    if not isinstance(data, dict):
        raise fout(f"{soort} {pad}: verwacht een mapping (sleutel: waarde), niet {type(data).__name__}")
    try:
        return model.model_validate(data)
    except ValidationError as e:
        tekst = beschrijf(e, meervoud)
        raise fout(f"{soort} {pad}" + (" " if tekst.startswith("missen ") else ": ") + tekst) from None


def laad(model: type[M], pad: str | Path, soort: str, fout: type[Exception] = ConfiguratieFout) -> M:
    return valideer(model, lees_yaml(pad, soort, fout), pad, soort, fout)
