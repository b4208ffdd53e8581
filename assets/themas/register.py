"""The four theme controls (theme ids are fixed, domain.md) and the typed model of parameters.yaml, derived
from them: every theme brings its own parameter model, so the required parameters follow from the themes."""
from __future__ import annotations

from pathlib import Path

from pydantic import create_model

from assets.themas import huisvesting_bezetting, huisvesting_kostendelers, vermogen_bank, vermogen_voertuigen
from assets.themas.kader import Algemeen, ParameterFout, Thema
from kern.configuratie import Model, lees_yaml, valideer

THEMAS: dict[str, Thema] = {t.id: t for t in (vermogen_voertuigen.THEMA, vermogen_bank.THEMA,
                                               huisvesting_bezetting.THEMA, huisvesting_kostendelers.THEMA)}


class Verrekening(Model):
    """Section `verrekening`: income settlement (assets/verrekening.py)."""

    tolerantie_euro: float
    maanden: int


Parameters = create_model(
    "Parameters", __base__=Model, versie=(str | None, None), algemeen=(Algemeen, ...),
    verrekening=(Verrekening, ...), **{t.id: (t.parameters, ...) for t in THEMAS.values()})


def laad_parameters(pad: str | Path) -> dict:
    """parameters.yaml validated against `Parameters`; the values as written (the rules and filter_versie read
    them as a mapping)."""

    data = lees_yaml(pad, "parameterbestand", ParameterFout)
    valideer(Parameters, data, pad, "parameterbestand", ParameterFout)
    return data
