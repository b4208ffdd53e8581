"""Theme huisvesting_kostendelers: planted co-residents aged 27+ that the municipality does not count as
kostendelers, groups of benefit households at one address, their near misses (aged 26, a student, a partial
birth date in the resident's favour, a briefadres only, moved out), and suwi/studiefinanciering.csv.
"""
from __future__ import annotations

import numpy as np
import polars as pl

from sources import suwi
from sources.demo.bevolking import R_EXTRA, R_HOOFD, R_PARTNER, SF_GEEN, SF_WTOS
from sources.demo.geplant import trek
from sources.demo.hulp import _iso, _kies
from sources.demo.toestand import Blok

# Planted cases (dossier level): name -> (fraction of the active PW dossiers, pool; see sources.demo.geplant).
GEVALLEN = {
    "K_HUISGENOOT": (0.012, "klein"),  # co-resident(s) 27+ not in kostendelers
    "K_26": (0.003, "klein"),          # co-resident aged 26 (near miss)
    "K_STUDENT": (0.003, "klein"),     # co-resident 27+ with ongoing WSF (near miss)
    "K_DEELDATUM": (0.002, "klein"),   # co-resident born YYYY0000, 26 in the resident's favour (near miss)
    "K_BRIEFADRES": (0.002, "klein"),  # co-resident 30+ with only a briefadres there (near miss)
    "K_VERHUISD": (0.002, "klein"),    # co-resident 30+ whose woonadres there ended (near miss)
}
SF_SOORTEN = list(suwi.STUDIEFINANCIERING.kolom("soort").waarden)  # WSF, WTOS
K_GROEP_FRACTIE = 0.0035  # groups of 2-3 benefit households at one address (the plan's named case)
# The planted cases that must give a signal (and so do the groups: every household of a group).
SIGNALEN = ("K_HUISGENOOT",)


def trek_groepen(s: Blok) -> None:
    """Groups of 2-3 benefit households at one address (the plan's named case)."""
    h_size, h_age, rng, n_act, H = s.h_size, s.h_age, s.rng, s.n_act, s.H
    # groups of benefit households at one address
    # hosts are 27+ (so that every mover's A rises); movers of any age (a young mover's own A rises,
    # the host's only when the mover is 27+)
    gasten = trek(s, K_GROEP_FRACTIE, (h_size <= 3) & (h_age >= 27))
    n_mee = np.where(rng.random(len(gasten)) < 0.9, 1, 2)
    meeverhuizers = trek(s, n_mee.sum() / max(n_act, 1), h_size <= 3) if len(gasten) else np.zeros(0, np.int64)
    if len(meeverhuizers) < n_mee.sum():  # pool exhausted (tiny scales)
        n_mee = np.ones(len(gasten), np.int64)
        keep = min(len(gasten), len(meeverhuizers))
        gasten, n_mee = gasten[:keep], n_mee[:keep]
    h_gast = np.full(H, -1, dtype=np.int64)  # for movers: the host household
    h_gast[meeverhuizers[: n_mee.sum()]] = np.repeat(gasten, n_mee)
    meeverhuizers = meeverhuizers[: n_mee.sum()]
    h_groep = np.zeros(H, dtype=bool)
    h_groep[gasten] = True
    h_groep[meeverhuizers] = True
    s.h_gast, s.h_groep = h_gast, h_groep


def extra_personen(s: Blok) -> None:
    """The planted co-residents of the kostendelers cases and their near misses."""
    rng, H, h_cat, c, n_extra = s.rng, s.H, s.h_cat, s.cat, s.n_extra
    n_extra[h_cat == c["K_HUISGENOOT"]] = np.where(rng.random(H) < 0.8, 1, 2)[h_cat == c["K_HUISGENOOT"]]
    for naam in ("K_26", "K_STUDENT", "K_DEELDATUM", "K_BRIEFADRES", "K_VERHUISD"):
        n_extra[h_cat == c[naam]] = 1
    n_extra = np.maximum(n_extra, 0)
    s.n_extra = n_extra


def verhuizers(s: Blok) -> None:
    """Movers of a group: their new address is the host's; the old one stays in the history."""
    hh, H, P, rng = s.hh, s.H, s.P, s.rng
    # movers: new address = host's address; keep the old one for the history
    hh["oud_addr"] = hh["addr"].copy()
    hh["verhuis"] = np.full(H, -1, dtype=np.int64)
    mv = np.flatnonzero(hh["gast"] >= 0)
    hh["addr"][mv] = hh["addr"][hh["gast"][mv]]
    hh["verhuis"][mv] = P - rng.integers(60, 900, len(mv))


def kostendelersnorm(s: Blok) -> None:
    """The number of kostendelers A per household as the municipality registered it."""
    w_nu, p27, sf_loopt, cur_addr, n_addr, hoofd = s.w_nu, s.p27, s.sf_loopt, s.cur_addr, s.n_addr, s.hoofd
    partner, in_hh, role, hhx, hv, H, hh, c = s.partner, s.in_hh, s.role, s.hhx, s.hv, s.H, s.hh, s.cat
    telt = w_nu & p27 & ~sf_loopt
    cnt_w = np.bincount(cur_addr[w_nu], minlength=n_addr)
    cnt_27 = np.bincount(cur_addr[telt], minlength=n_addr)
    hp = hoofd
    pp = partner
    heeft_p = pp >= 0
    app_addr = np.where(w_nu[hp], cur_addr[hp], -1)
    telt_app = telt[hp] & (app_addr >= 0)
    telt_par = np.where(heeft_p, telt[np.maximum(pp, 0)] & (cur_addr[np.maximum(pp, 0)] == app_addr)
                        & (app_addr >= 0), False)
    A_vol = 1 + heeft_p + np.where(app_addr >= 0, cnt_27[np.maximum(app_addr, 0)], 0) - telt_app - telt_par
    anderen = in_hh & (role != R_HOOFD) & (role != R_PARTNER) & telt
    eigen = np.bincount(hhx[anderen & (cur_addr == np.where(in_hh, app_addr[hv], -2))], minlength=H)
    eigen_zonder_x = np.bincount(hhx[anderen & (role != R_EXTRA) & (cur_addr == np.where(in_hh, app_addr[hv], -2))],
                                 minlength=H)
    A_eigen = 1 + heeft_p + eigen
    A_zonder_x = 1 + heeft_p + eigen_zonder_x
    kostendelers = A_vol.copy()
    kostendelers[hh["cat"] == c["K_HUISGENOOT"]] = A_zonder_x[hh["cat"] == c["K_HUISGENOOT"]]
    kostendelers[hh["groep"]] = A_eigen[hh["groep"]]
    kostendelers = np.maximum(kostendelers, 1)
    s.app_addr, s.cnt_w, s.kostendelers = app_addr, cnt_w, kostendelers


def studiefinanciering(s: Blok) -> None:
    """suwi/studiefinanciering.csv of the persons at the dossiers' addresses."""
    H, dh, da, n_addr, app_addr, sf, in_hh, hv = s.H, s.dh, s.da, s.n_addr, s.app_addr, s.sf, s.in_hh, s.hv
    w_nu, cur_addr, sf_einde, bsn_s, sf_start = s.w_nu, s.cur_addr, s.sf_einde, s.bsn_s, s.sf_start
    dos_hh = np.zeros(H, dtype=bool)
    dos_hh[dh[da]] = True
    dos_adres = np.zeros(n_addr, dtype=bool)
    aa = app_addr[dh[da]]
    dos_adres[aa[aa >= 0]] = True
    sf_p = np.flatnonzero((sf != SF_GEEN) & ((in_hh & dos_hh[hv]) | (w_nu & dos_adres[np.maximum(cur_addr, 0)])))
    sf_e = sf_einde[sf_p]
    studie = pl.DataFrame({
        "bsn": bsn_s.gather(pl.Series(sf_p)),
        "soort": _kies(SF_SOORTEN, (sf[sf_p] == SF_WTOS).astype(np.int64)),
        "datum_aanvang": _iso(sf_start[sf_p]),
        "datum_einde": _iso(np.maximum(sf_e, 0), sf_e < 0),
    })
    s.frames["studiefinanciering.csv"] = studie
