"""Simulated funnels on a synthetic population, audited with the real statistics: the false-alarm rate of
unbiased filters and the detection rate of an injected disparity (tests and benchmarks/bench_bias.py)."""
from __future__ import annotations

import numpy as np
import polars as pl

from assets.themas.register import THEMAS
from bias_audit import audit, instellingen

# attribute -> (groups, probabilities): roughly a municipality's bijstand population
VERDELING = {
    "leeftijd": (["18-26", "27-39", "40-54", "55-66", "67+"], [0.12, 0.30, 0.30, 0.25, 0.03]),
    "geslacht": (["man", "vrouw", "onbekend"], [0.47, 0.52, 0.01]),
    "normcategorie": (["alleenstaande", "alleenstaande_ouder", "gehuwden"], [0.62, 0.22, 0.16]),
    "wijk": ([f"WK0014{i:02d}" for i in range(10)], [0.16, 0.14, 0.12, 0.11, 0.1, 0.1, 0.09, 0.07, 0.06, 0.05]),
    "uitkeringsduur": (["<1", "1-3", "3-5", "5+"], [0.18, 0.27, 0.17, 0.38]),
    "geboorteland": (["Nederland", "buiten Nederland", "onbekend"], [0.88, 0.10, 0.02]),
    "nationaliteit": (["Nederlands", "EU", "overig", "onbekend"], [0.80, 0.06, 0.12, 0.02]),
}


def populatie(rng: np.random.Generator, n: int) -> pl.DataFrame:
    km = {k: rng.choice(groepen, size=n, p=kansen) for k, (groepen, kansen) in VERDELING.items()}
    return pl.DataFrame({"dossier_id": [f"D{i:07d}" for i in range(n)], **km})


def trechter(rng: np.random.Generator, km: pl.DataFrame, fractie_eind: float, ratio: float = 1.0,
             kenmerk: str = "geboorteland", groep: str = "buiten Nederland") -> pl.DataFrame:
    """Members per step: 1 = 40% at random, 2 = the rule (the group's rate `ratio` times the population's),
    3 = 95% of step 2 at random (exclusions). ratio 1 is an unbiased filter."""
    n = km.height
    stap1 = rng.random(n) < 0.4
    in_groep = (km[kenmerk] == groep).to_numpy()
    aandeel = in_groep.mean()
    # group rate = ratio * overall rate  =>  rest rate r, group rate ratio*p with p = aandeel*ratio*p + (1-aandeel)*r
    doel = fractie_eind / 0.95
    rest = doel * (1 - aandeel * ratio) / (1 - aandeel)
    kans = np.where(in_groep, ratio * doel, rest) / 0.4
    stap2 = stap1 & (rng.random(n) < kans)
    stap3 = stap2 & (rng.random(n) < 0.95)
    ids = km["dossier_id"]
    return pl.concat([pl.DataFrame({"dossier_id": ids.filter(pl.Series(m)), "stap_nr": s}, schema_overrides={
        "stap_nr": pl.Int64}) for s, m in enumerate([np.ones(n, bool), stap1, stap2, stap3])])


def run(rng: np.random.Generator, n: int, fractie_eind: float, ratio: float = 1.0, themas: int | None = None,
        inst: dict | None = None) -> dict:
    """One simulated run: `themas` independent funnels (default: as many as the run has), the first with the
    injected ratio. Returns whether any blocking deviation was found, and whether the injected group was."""
    inst = inst or instellingen.laad()
    km = populatie(rng, n)
    alarm, gevonden = False, False
    for t in range(themas or len(THEMAS)):
        leden = trechter(rng, km, fractie_eind, ratio if t == 0 else 1.0)
        enkel, paren, _ = audit.toets_alle(leden, km, 3, inst, exact_vermogen=False)
        afw = pl.concat([enkel, paren], how="vertical_relaxed").filter(pl.col("oordeel") == audit.AFWIJKING)
        alarm |= afw.height > 0
        if t == 0 and ratio != 1.0:
            gevonden = afw.filter((pl.col("kenmerk") == "geboorteland") & (pl.col("groep") == "buiten Nederland")
                                  & (pl.col("stap_nr") == 3)).height > 0
    return {"alarm": alarm, "gevonden": gevonden}
