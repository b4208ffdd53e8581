"""The generator's state: `_Ctx` for the whole run (counters that continue across blocks, the summary's
counts), `Blok` for one block of at most 1,000,000 persons.

Every step of a block (see `sources.demo.blok.STAPPEN`) is a function `stap(s: Blok) -> None` that reads what
earlier steps left on `s` and leaves what later steps need. All randomness of a block comes from the one
stream `s.rng`, drawn in the fixed order of the steps: same arguments, same bytes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from sources.demo.hulp import _dag


@dataclass
class _Ctx:
    seed: int
    peildatum: date
    P: int
    lever: dict[str, date]
    dossierfractie: float
    vermogensgrens: tuple[int, int]  # cents: alleenstaande, alleenstaande_ouder/gehuwden
    ib_jaar: int
    gemeenten: list[list[tuple[str, str, int]]]  # per block: (code, woonplaats, n_wijken)
    bsn_b: int
    tellers: dict[str, int] = field(default_factory=lambda: {
        "adres": 0, "dossier": 0, "onderzoek": 0, "kenteken": 0, "rekening": 0, "ikv": 0})
    geplant: dict[str, int] = field(default_factory=dict)
    rommel: dict[str, int] = field(default_factory=dict)
    onderzoeken: dict[str, int] = field(default_factory=dict)  # what the monitoring must count (valid rows)

    def tel(self, d: dict, sleutel: str, n: int) -> None:
        d[sleutel] = d.get(sleutel, 0) + int(n)


class Blok:
    """One block under construction. Arrays are indexed per address (`a_*`, `n_addr`), household (`h_*`,
    `hh[...]`, `H`), person (`n`), dossier (`d_*`, `nd`) or row of a file; `P` is the peildatum as a day
    number, `rng` the block's random stream, `tel` the run's id counters, `cat` the code per planted case.
    The steps add the rest; `frames` holds the block's files when the block is done."""

    def __init__(self, ctx: _Ctx, b: int, n_c: int):
        self.ctx, self.b, self.n_c = ctx, b, n_c
        self.rng = np.random.default_rng([ctx.seed, b])
        self.P = ctx.P
        self.Py, self.Pm, self.Pd = ctx.peildatum.year, ctx.peildatum.month, ctx.peildatum.day
        self.brp_dag = _dag(ctx.lever["brp"])
        self.jaar = 365.25
        self.tel = ctx.tellers
