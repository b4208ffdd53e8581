"""Theme vermogen_bank: the planted households whose newest balances exceed the asset limit, their near
misses (just under the limit plus the margin; an older year above it), and ib/vermogen.csv.
"""
from __future__ import annotations

import numpy as np
import polars as pl

from sources import ib
from sources.demo.hulp import _code, _dagen, _iso, _kies, _ri, _uitvouwen
from sources.demo.toestand import Blok

# Planted cases (dossier level): name -> (fraction of the active PW dossiers, pool; see sources.demo.geplant).
GEVALLEN = {
    "B_SIGNAAL": (0.016, "alle"),      # newest balances sum > limit + 500
    "B_NET_ONDER": (0.005, "alle"),    # limit <= sum <= limit + 450 (near miss)
    "B_OUD_JAAR": (0.004, "alle"),     # an older year above the limit, newest low (near miss)
}
SIGNALEN = ("B_SIGNAAL",)  # the planted cases that must give a signal

# betaalrekening, spaarrekening, beleggingsrekening, overig (the contract's order)
REKENINGSOORTEN = list(ib.VERMOGEN.kolom("soort").waarden)


def vermogensgrens(jaar: int) -> tuple[int, int]:
    if jaar <= 2023:
        return 760_500, 1_521_000
    return 757_500, 1_515_000  # 2024 amounts, carried forward for later years


def rekeningen(s: Blok) -> None:
    """Accounts of applicants and partners: kind, country, opened, closed, newest balance."""
    ctx, dp_p, rng = s.ctx, s.dp_p, s.rng
    Y = ctx.ib_jaar
    ndp = len(dp_p)
    n_acc = rng.choice([1, 2, 3, 4], size=ndp, p=[0.40, 0.35, 0.18, 0.07])
    ac_o, ac_pos = _uitvouwen(n_acc)
    na = len(ac_o)
    ac_soort = np.where(ac_pos == 0, 0, rng.choice(4, size=na, p=[0.2, 0.6, 0.1, 0.1]))
    ac_land = np.where(rng.random(na) < 0.96, 0, rng.integers(1, 8, na))
    r = rng.random(na)
    ac_open = np.where(ac_pos == 0, Y - 2, np.where(r < 0.6, Y - 2, np.where(r < 0.85, Y - 1, Y)))
    ac_dicht = (ac_pos > 0) & (ac_open <= Y - 1) & (rng.random(na) < 0.08)
    ac_last = np.where(ac_dicht, Y - 1, Y)
    nieuwst = np.select([ac_soort == 0, ac_soort == 1, ac_soort == 2],
                        [_ri(rng, -80_000, 150_000, na), _ri(rng, 0, 150_000, na), _ri(rng, 0, 150_000, na)],
                        _ri(rng, -50_000, 100_000, na))
    nieuwst = np.where(ac_dicht, 0, nieuwst)
    s.ndp, s.n_acc, s.ac_o, s.ac_pos, s.na, s.ac_soort, s.ac_land = ndp, n_acc, ac_o, ac_pos, na, ac_soort, ac_land
    s.ac_open, s.ac_dicht, s.ac_last, s.nieuwst = ac_open, ac_dicht, ac_last, nieuwst


def geplante_saldi(s: Blok) -> None:
    """The planted balances: above the limit plus the margin (B_SIGNAAL) or just within it (B_NET_ONDER); the
    applicant's last account takes the difference."""
    ctx, rng, dp_d, d_cat, nd, d_normcat, c, dp_rol = s.ctx, s.rng, s.dp_d, s.d_cat, s.nd, s.d_normcat, s.cat, s.dp_rol
    n_acc, ac_o, ac_pos, ac_dicht, ac_last, nieuwst = s.n_acc, s.ac_o, s.ac_pos, s.ac_dicht, s.ac_last, s.nieuwst
    Y = ctx.ib_jaar
    acc_d = dp_d[ac_o]
    cat_acc = d_cat[acc_d]
    som = np.bincount(acc_d, weights=nieuwst, minlength=nd).astype(np.int64)
    grens = np.where(d_normcat == 0, ctx.vermogensgrens[0], ctx.vermogensgrens[1])
    doel_som = np.full(nd, np.iinfo(np.int64).min)
    m = d_cat == c["B_SIGNAAL"]
    overschot = np.round(np.exp(rng.normal(np.log(300_000), 1.0, nd))).astype(np.int64)
    doel_som[m] = (grens + 50_000 + np.maximum(overschot, 5_000))[m]
    m = d_cat == c["B_NET_ONDER"]
    doel_som[m] = (grens + rng.integers(0, 45_000, nd))[m]
    # the applicant's last account takes the difference
    laatste = (ac_pos == n_acc[ac_o] - 1) & (dp_rol[ac_o] == 0)
    plant = laatste & (doel_som[acc_d] > np.iinfo(np.int64).min)
    nieuwst = np.where(plant, nieuwst + (doel_som[acc_d] - som[acc_d]), nieuwst)
    ac_dicht = np.where(plant, False, ac_dicht)
    ac_last = np.where(plant, Y, ac_last)
    s.acc_d, s.cat_acc, s.grens = acc_d, cat_acc, grens
    s.ac_dicht, s.ac_last, s.nieuwst = ac_dicht, ac_last, nieuwst


def vermogen_frame(s: Blok) -> None:
    """ib/vermogen.csv: one row per account and year; an older year above the limit (B_OUD_JAAR, a near miss);
    a closed account's last row is its closing date."""
    ctx, rng, dp_p, dp_rol, c, tel, bsn_s = s.ctx, s.rng, s.dp_p, s.dp_rol, s.cat, s.tel, s.bsn_s
    ac_o, ac_pos, na, ac_soort, ac_land, ac_open = s.ac_o, s.ac_pos, s.na, s.ac_soort, s.ac_land, s.ac_open
    ac_dicht, ac_last, nieuwst, acc_d, cat_acc, grens = s.ac_dicht, s.ac_last, s.nieuwst, s.acc_d, s.cat_acc, s.grens
    Y = ctx.ib_jaar
    # rows: one per account and year
    n_jr = ac_last - ac_open + 1
    rj_a, rj_j = _uitvouwen(n_jr)
    rj_jaar = ac_open[rj_a] + rj_j
    is_nieuw = rj_jaar == ac_last[rj_a]
    factor = rng.uniform(0.6, 1.4, len(rj_a))
    ouder = np.clip(np.round(nieuwst[rj_a] * factor) + _ri(rng, -20_000, 20_000, len(rj_a)), -150_000, 150_000)
    saldo = np.where(is_nieuw, nieuwst[rj_a], ouder).astype(np.int64)
    m_oud = (cat_acc[rj_a] == c["B_OUD_JAAR"]) & (ac_pos[rj_a] == 0) & (dp_rol[ac_o[rj_a]] == 0) & \
        (rj_jaar == Y - 1)
    saldo = np.where(m_oud, grens[acc_d[rj_a]] + _ri(rng, 200_000, 2_000_000, len(rj_a)), saldo)
    sd = _dagen(rj_jaar, np.ones_like(rj_jaar), np.ones_like(rj_jaar))
    # closed accounts: last row is the closing date (balance 0)
    sluit = ac_dicht[rj_a] & is_nieuw
    sd = np.where(sluit, _dagen(rj_jaar, rng.integers(2, 13, len(rj_a)), rng.integers(1, 29, len(rj_a))), sd)
    rek_nr = tel["rekening"] + 1 + ac_o * 0 + np.arange(na)
    tel["rekening"] += na
    rek_mix = (rek_nr * 7_919_317 + 12_345) % 10_000_000_000
    vermogen = pl.DataFrame({
        "bsn": bsn_s.gather(pl.Series(dp_p[ac_o[rj_a]])),
        "rekening_id": _code("RK", rek_mix[rj_a], 10),
        "soort": _kies(REKENINGSOORTEN, ac_soort[rj_a]),
        "land": _kies(["NL", "DE", "BE", "TR", "MA", "PL", "ES", "GB"], ac_land[rj_a]),
        "saldo_cent": pl.Series(saldo, dtype=pl.Int64),
        "saldo_peildatum": _iso(sd),
    })
    s.frames["vermogen.csv"] = vermogen
