"""Income for the verrekening (inkomstenverrekening): suwi/polis.csv and the income the recipients reported
to the municipality, gemeente/opgegeven_inkomsten.csv (mostly right; some too low, missing, or reported
without a polis record).
"""
from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from sources import suwi
from sources.demo.hulp import _code, _dag, _iso, _kies, _maand_index, _maand_start, _uitvouwen
from sources.demo.toestand import Blok

POLISSOORTEN = list(suwi.POLIS.kolom("soort").waarden)  # loon, uitkering


def polis(s: Blok) -> None:
    """suwi/polis.csv: income relations and their monthly or four-weekly periods."""
    ctx, P, rng, ndp, tel, bsn_s, dp_p = s.ctx, s.P, s.rng, s.ndp, s.tel, s.bsn_s, s.dp_p
    suwi_dag = _dag(ctx.lever["suwi"])
    P_mi = int(_maand_index(np.array([P]))[0])
    W0 = int(_maand_start(np.array([P_mi - 14]))[0])
    heeft_ink = rng.random(ndp) < 0.32
    ink_p = np.flatnonzero(heeft_ink)
    n_rel = np.where(rng.random(len(ink_p)) < 0.85, 1, 2)
    ir_o, _ = _uitvouwen(n_rel)
    ir_p = ink_p[ir_o]
    nr = len(ir_p)
    ir_loon = rng.random(nr) < 0.75
    ir_4w = rng.random(nr) < 0.3
    ir_s = np.where(rng.random(nr) < 0.45, W0, W0 + rng.integers(0, 13 * 30, nr))
    ir_e = np.where(rng.random(nr) < 0.7, suwi_dag, np.minimum(ir_s + rng.integers(60, 400, nr), suwi_dag))
    basis = np.where(ir_loon, rng.integers(25_000, 190_000, nr), rng.integers(40_000, 130_000, nr))
    # monthly periods
    m0 = _maand_index(ir_s)
    m1 = _maand_index(ir_e)
    eind_m1 = _maand_start(m1 + 1) - 1
    m1 = np.where(eind_m1 > ir_e, m1 - 1, m1)  # only complete months up to the end/delivery
    n_m = np.where(ir_4w, 0, np.maximum(m1 - m0 + 1, 0))
    A0 = _dag(date(2020, 1, 6))
    k0 = -((A0 - ir_s) // 28)  # ceil((s - A0) / 28)
    k1 = (ir_e - A0 + 1) // 28 - 1
    n_4 = np.where(ir_4w, np.maximum(k1 - k0 + 1, 0), 0)
    pm_r, pm_j = _uitvouwen(n_m)
    p4_r, p4_j = _uitvouwen(n_4)
    ps_m = np.maximum(_maand_start(m0[pm_r] + pm_j), ir_s[pm_r])
    pe_m = _maand_start(m0[pm_r] + pm_j + 1) - 1
    ps_4 = A0 + 28 * (k0[p4_r] + p4_j)
    pe_4 = ps_4 + 27
    po_r = np.concatenate([pm_r, p4_r])
    po_s = np.concatenate([ps_m, ps_4])
    po_e = np.concatenate([pe_m, pe_4])
    po_bruto = np.round(basis[po_r] * rng.uniform(0.95, 1.05, len(po_r))).astype(np.int64)
    o = np.lexsort((po_s, po_r))
    po_r, po_s, po_e, po_bruto = po_r[o], po_s[o], po_e[o], po_bruto[o]
    ikv = tel["ikv"] + 1 + np.arange(nr)
    tel["ikv"] += nr
    werkgevers = rng.integers(100_000_000, 999_999_999, 400)
    wg = np.where(ir_loon, werkgevers[rng.integers(0, 400, nr)], 812_345_678)
    wg_s = pl.Series(wg).cast(pl.String) + pl.Series(np.where(ir_loon, "L01", "L02"))
    polis = pl.DataFrame({
        "bsn": bsn_s.gather(pl.Series(dp_p[ir_p[po_r]])),
        "inkomstenverhouding_id": _code("IKV", ikv[po_r], 9),
        "loonheffingennummer": wg_s.gather(pl.Series(po_r)),
        "soort": _kies(POLISSOORTEN, (~ir_loon[po_r]).astype(np.int64)),
        "periode_start": _iso(po_s),
        "periode_einde": _iso(po_e),
        "bruto_cent": pl.Series(po_bruto, dtype=pl.Int64),
    })
    s.ir_p, s.po_r, s.po_e, s.P_mi, s.po_bruto = ir_p, po_r, po_e, P_mi, po_bruto
    s.frames["polis.csv"] = polis


def opgegeven_inkomsten(s: Blok) -> None:
    """gemeente/opgegeven_inkomsten.csv: reported income, right, too low, missing, or without polis."""
    dp_d, ir_p, po_r, po_e, P_mi, po_bruto, rng = s.dp_d, s.ir_p, s.po_r, s.po_e, s.P_mi, s.po_bruto, s.rng
    da, d_nr, d_id, bsn_s, hoofd, dh = s.da, s.d_nr, s.d_id, s.bsn_s, s.hoofd, s.dh
    po_d = dp_d[ir_p[po_r]]
    maand = _maand_index(po_e)
    sleutel = po_d * 100_000 + (maand - (P_mi - 40))
    uk, inv = np.unique(sleutel, return_inverse=True)
    polis_som = np.bincount(inv, weights=po_bruto).astype(np.int64)
    ok_d = uk // 100_000
    ok_m = uk % 100_000 + (P_mi - 40)
    r = rng.random(len(uk))
    opgave = np.select([r < 0.85, r < 0.90, r < 0.95, r < 0.985],
                       [polis_som, polis_som - rng.integers(1, 900, len(uk)),
                        np.round(polis_som * rng.uniform(0, 0.8, len(uk))), -1],
                       polis_som + rng.integers(1_000, 20_000, len(uk))).astype(np.int64)
    houd_o = opgave >= 0
    # self-reported income without polis (self-employed, informal work)
    zelf = da[rng.random(len(da)) < 0.04]
    nz = rng.integers(4, 13, len(zelf))
    z_o, z_j = _uitvouwen(nz)
    z_d = zelf[z_o]
    z_m = P_mi - z_j
    z_b = rng.integers(10_000, 80_000, len(z_o))
    oi_d = np.concatenate([ok_d[houd_o], z_d])
    oi_m = np.concatenate([ok_m[houd_o], z_m])
    oi_b = np.concatenate([opgave[houd_o], z_b])
    _, first = np.unique(oi_d * 100_000 + (oi_m - (P_mi - 40)), return_index=True)
    oi_d, oi_m, oi_b = oi_d[first], oi_m[first], oi_b[first]
    o = np.lexsort((oi_m, d_nr[oi_d]))
    oi_d, oi_m, oi_b = oi_d[o], oi_m[o], oi_b[o]
    periode = pl.Series(oi_m // 12).cast(pl.String) + "-" + pl.Series(oi_m % 12 + 1).cast(pl.String).str.zfill(2)
    opgegeven = pl.DataFrame({
        "dossier_id": d_id.gather(pl.Series(oi_d)),
        "bsn": bsn_s.gather(pl.Series(hoofd[dh[oi_d]])),
        "periode": periode,
        "bruto_cent": pl.Series(oi_b, dtype=pl.Int64),
    })
    s.frames["opgegeven_inkomsten.csv"] = opgegeven
