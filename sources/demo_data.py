"""The demo generator's former single module, kept so existing callers (`systeemanalyse demo-data`, benchmarks/,
tests) keep working: the generator is the package `sources.demo` (see its docstring for what lives where)."""
from sources.demo import (  # noqa: F401
    BRONBESTANDEN, GEPLANT, KANS_NIET_NALEVING, KANS_NIET_NALEVING_SIGNALEN, KOLOMMEN, LAND_NEDERLAND,
    NATIONALITEIT_GROEP, SCHALEN, THEMAS, genereer, leverdata,
)

__all__ = ["genereer", "leverdata", "SCHALEN", "KOLOMMEN", "BRONBESTANDEN", "NATIONALITEIT_GROEP",
           "LAND_NEDERLAND", "GEPLANT", "THEMAS", "KANS_NIET_NALEVING", "KANS_NIET_NALEVING_SIGNALEN"]
