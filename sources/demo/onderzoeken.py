"""The feedback loop: gemeente/onderzoeken.csv with investigations of every origin, and what the monitoring
must find in it (domain.md § The feedback loop).

Planted: per theme and arm (signals / control sample) investigations in the monitoring window whose
outcomes come in exact proportions, so the signals of three themes hit clearly more often than their control
sample and those of huisvesting_kostendelers do not (the monitoring flags that theme); tips and LAA
investigations on planted signal dossiers; per theme investigations that exclude a planted signal or just
do not; a few that start on the peildatum.
"""
from __future__ import annotations

from datetime import timedelta

import numpy as np
import polars as pl

from sources import gemeente
from sources.demo import huisvesting_bezetting, huisvesting_kostendelers, vermogen_bank, vermogen_voertuigen
from sources.demo.hulp import _aantal, _code, _dag, _iso, _kies, _leeg, _maanden_terug, _uitvouwen, _ymd
from sources.demo.toestand import Blok, _Ctx

THEMAS = gemeente.THEMA_IDS
# Per theme (THEMAS order) the planted cases that must give a signal, as the theme's module declares them;
# the groups at one address (huisvesting_kostendelers) give a signal too.
SIGNALEN = {m.__name__.rsplit(".", 1)[1]: m.SIGNALEN
            for m in (vermogen_voertuigen, vermogen_bank, huisvesting_bezetting, huisvesting_kostendelers)}
assert tuple(SIGNALEN) == THEMAS
GROEPEN = THEMAS.index("huisvesting_kostendelers")
# Investigations planted on signal dossiers per theme: (kind, share of the signal dossiers from, to). A closed
# one without findings in the last 12 months or a running one excludes the signal; one closed longer ago, or
# one that found niet_naleving, does not.
UITSLUITINGEN = (("geen_recent", 0.0, 0.10), ("lopend", 0.10, 0.15), ("geen_oud", 0.15, 0.19),
                 ("nn_recent", 0.19, 0.22))
HERKOMSTEN = list(gemeente.ONDERZOEKEN.kolom("herkomst").waarden)
HERKOMST_P = [0.25, 0.08, 0.22, 0.12, 0.18, 0.15]
UITKOMSTEN = list(gemeente.ONDERZOEKEN.kolom("uitkomst").waarden)
# Planted outcomes for the feedback loop (domain.md § The feedback loop): the chance that a closed
# investigation finds niet_naleving, per origin; for themacontrole per theme (THEMAS order). The signals
# of three themes hit clearly more often than their control sample; those of huisvesting_kostendelers do
# not (the same chance as the sample), so the monitoring flags that theme.
KANS_NIET_NALEVING_SIGNALEN = (0.55, 0.60, 0.50, 0.20)
KANS_NIET_NALEVING = {"steekproef": 0.20, "tip": 0.40, "laa": 0.30, "inkomstenverrekening": 0.35, "overig": 0.25}
KANS_NIET_MEEGEWERKT = 0.06
# Lead time in days (uniform low-high) per origin, shortened in the last two calendar years (faster work).
DOORLOOPTIJD = {"themacontrole": (14, 90), "steekproef": (14, 120), "tip": (30, 200), "laa": (20, 150),
                "inkomstenverrekening": (10, 60), "overig": (30, 240)}
DOORLOOPTIJD_FACTOR_JAAR = (0.85, 0.70)  # peildatum year - 1, peildatum year
VORDERING_FACTOR_JAAR = (1.0, 0.80)      # claims get smaller (the plan's direction); older years 1.2
KANS_BOETE = {"tip": 0.55}               # fine given a claim; other origins 0.35
# Dedicated investigations in the monitoring window per theme and arm (signals / control sample):
# a share of the active PW dossiers, at least MONITORING_MINIMUM per block so every arm has >= 30 closed.
MONITORING_FRACTIE, MONITORING_MINIMUM, MONITORING_MAANDEN = 0.012, 45, 24
# Tips and LAA investigations (no theme) on planted signal dossiers in the 11 months before the peildatum.
KANS_TIP_OP_SIGNAAL, KANS_LAA_OP_SIGNAAL = 0.25, 0.15


def gewone_onderzoeken(s: Blok) -> None:
    """Ordinary investigations spread over the dossiers' history."""
    rng, nd, hh, dh, d_einde, P = s.rng, s.nd, s.hh, s.dh, s.d_einde, s.P
    n_oz = np.minimum(rng.poisson(0.25, nd), 3)
    oz_d, _ = _uitvouwen(n_oz)
    no = len(oz_d)
    d_start = hh["start"][dh]
    d_eind_eff = np.where((d_einde >= 0) & (d_einde < P), d_einde, P)
    oz_s = d_start[oz_d] + np.floor(rng.random(no) * np.maximum(d_eind_eff[oz_d] - d_start[oz_d], 1)).astype(np.int64)
    her = rng.choice(len(HERKOMSTEN), size=no, p=HERKOMST_P)
    r = rng.random(no)
    thema = np.select([her <= 1, (her == 3) & (r < 0.7), (her == 2) & (r < 0.4)],
                      [rng.integers(0, 4, no), np.full(no, 2), rng.integers(0, 4, no)], -1)
    s.d_start, s.oz_d, s.oz_s, s.her, s.thema = d_start, oz_d, oz_s, her, thema


def monitoring_onderzoeken(s: Blok) -> None:
    """Per theme and arm, investigations in the monitoring window on dossiers without a planted case."""
    ctx, d_actief, hh, dh, d_cat, rng, P = s.ctx, s.d_actief, s.hh, s.dh, s.d_cat, s.rng, s.P
    d_start = s.d_start
    # planted for the feedback loop: per theme and arm, investigations started in the monitoring window on
    # active PW dossiers that carry no planted theme case (so no planted signal is excluded by them)
    vrij_d = np.flatnonzero(d_actief & (hh["regeling"][dh] == 0) & (d_cat == 0) & ~hh["groep"][dh])
    venster_dag = _dag(_maanden_terug(ctx.peildatum, MONITORING_MAANDEN)) + 1
    k_arm = min(max(MONITORING_MINIMUM, int(round(MONITORING_FRACTIE * len(vrij_d)))), len(vrij_d))
    m_d, m_her, m_th = [], [], []
    for th in range(len(THEMAS)):
        for arm in (0, 1):
            if k_arm:
                m_d.append(vrij_d[rng.choice(len(vrij_d), size=k_arm, replace=False)])
                m_her.append(np.full(k_arm, arm))
                m_th.append(np.full(k_arm, th))
    m_d = np.concatenate(m_d) if m_d else np.zeros(0, np.int64)
    m_s = np.maximum(venster_dag + np.floor(rng.random(len(m_d)) * (P - 30 - venster_dag)).astype(np.int64),
                     d_start[m_d])
    s.m_d, s.m_s, s.m_her, s.m_th, s.venster_dag = m_d, m_s, m_her, m_th, venster_dag


def overlap_onderzoeken(s: Blok) -> None:
    """Tips and LAA investigations on planted signal dossiers (the overlap)."""
    d_cat, c, hh, dh, rng, P, d_start, oz_d = s.d_cat, s.cat, s.hh, s.dh, s.rng, s.P, s.d_start, s.oz_d
    m_d, oz_s, m_s, her, m_her, thema, m_th = s.m_d, s.oz_s, s.m_s, s.her, s.m_her, s.thema, s.m_th
    # planted overlap: tips and LAA investigations (no theme) on planted signal dossiers, 11 months back
    signalen = [c[naam] for namen in SIGNALEN.values() for naam in namen]
    sig_alle = np.flatnonzero(np.isin(d_cat, signalen) | hh["groep"][dh])
    r_ = rng.random(len(sig_alle))
    o_d = np.concatenate([sig_alle[r_ < KANS_TIP_OP_SIGNAAL], sig_alle[r_ > 1 - KANS_LAA_OP_SIGNAAL]])
    o_her = np.concatenate([np.full(int((r_ < KANS_TIP_OP_SIGNAAL).sum()), 2),
                            np.full(int((r_ > 1 - KANS_LAA_OP_SIGNAAL).sum()), 3)])
    o_s = np.maximum(P - rng.integers(30, 330, len(o_d)), d_start[o_d])
    oz_d = np.concatenate([oz_d, m_d, o_d])
    oz_s = np.concatenate([oz_s, m_s, o_s])
    her = np.concatenate([her, np.concatenate(m_her) if m_her else np.zeros(0, np.int64), o_her])
    thema = np.concatenate([thema, np.concatenate(m_th) if m_th else np.zeros(0, np.int64),
                            np.full(len(o_d), -1)])
    no = len(oz_d)
    s.her, s.oz_s, s.no, s.thema, s.oz_d = her, oz_s, no, thema, oz_d


def uitkomsten(s: Blok) -> None:
    """Lead times and outcomes; exact proportions for the signals and control samples."""
    her, oz_s, Py, rng, no, P, thema = s.her, s.oz_s, s.Py, s.rng, s.no, s.P, s.thema
    venster_dag = s.venster_dag
    # lead time by origin, shorter in recent years; outcome by origin (and theme for themacontrole)
    lo = np.array([DOORLOOPTIJD[h][0] for h in HERKOMSTEN])[her]
    hi = np.array([DOORLOOPTIJD[h][1] for h in HERKOMSTEN])[her]
    s_jaar = _ymd(oz_s)[0]
    factor = np.select([s_jaar == Py, s_jaar == Py - 1], [DOORLOOPTIJD_FACTOR_JAAR[1], DOORLOOPTIJD_FACTOR_JAAR[0]],
                       1.0)
    oz_duur = np.maximum(np.round((lo + rng.random(no) * (hi - lo)) * factor), 1).astype(np.int64)
    oz_e = oz_s + oz_duur
    oz_lopend = oz_e >= P
    kans_nn = np.array([KANS_NIET_NALEVING.get(h, 0.0) for h in HERKOMSTEN])[her]
    kans_nn = np.where(her == 0, np.array(KANS_NIET_NALEVING_SIGNALEN)[np.maximum(thema, 0)], kans_nn)
    r = rng.random(no)
    uitk = np.where(r < KANS_NIET_MEEGEWERKT, 3, np.where(r < KANS_NIET_MEEGEWERKT + kans_nn, 2, 1))
    # signals and control samples get their outcomes in exact proportions (in random order) per theme, arm
    # and inside/outside the monitoring window, so the planted rates show through without the luck of the draw
    in_venster = oz_s >= venster_dag
    for h_ in (0, 1):
        for th in range(len(THEMAS)):
            for iv in (False, True):
                idx_ = np.flatnonzero((her == h_) & (thema == th) & (in_venster == iv))
                kans_ = KANS_NIET_NALEVING_SIGNALEN[th] if h_ == 0 else KANS_NIET_NALEVING["steekproef"]
                n_nm, n_nn = int(round(len(idx_) * KANS_NIET_MEEGEWERKT)), int(round(len(idx_) * kans_))
                vast = np.array([3] * n_nm + [2] * n_nn + [1] * (len(idx_) - n_nm - n_nn), dtype=uitk.dtype)
                uitk[idx_] = vast[rng.permutation(len(idx_))]
    s.oz_lopend, s.oz_e, s.uitk = oz_lopend, oz_e, uitk


def geplante_uitsluitingen(s: Blok) -> None:
    """Per theme, investigations that exclude a planted signal or just do not (near misses)."""
    ctx, d_cat, c, hh, dh, rng, P = s.ctx, s.d_cat, s.cat, s.hh, s.dh, s.rng, s.P
    # planted: exclusions and near misses per theme for the planted signal dossiers
    extra_d, extra_t, extra_s, extra_e, extra_u, extra_h = [], [], [], [], [], []
    for th, cats in enumerate(SIGNALEN.values()):
        sig_d = np.flatnonzero(np.isin(d_cat, [c[x_] for x_ in cats]) | ((th == GROEPEN) & hh["groep"][dh]))
        rr_ = rng.random(len(sig_d))
        for soort_, lo, hi in UITSLUITINGEN:
            sel = sig_d[(rr_ >= lo) & (rr_ < hi)]
            k_ = len(sel)
            if soort_ == "geen_recent":
                e_ = P - rng.integers(20, 330, k_)
                s_, u_ = e_ - rng.integers(14, 120, k_), np.full(k_, 1)
            elif soort_ == "lopend":
                s_, e_, u_ = P - rng.integers(5, 90, k_), np.full(k_, -1), np.full(k_, 0)
            elif soort_ == "geen_oud":
                e_ = P - rng.integers(380, 540, k_)
                s_, u_ = e_ - rng.integers(14, 120, k_), np.full(k_, 1)
            else:
                e_ = P - rng.integers(20, 330, k_)
                s_, u_ = e_ - rng.integers(14, 120, k_), np.full(k_, 2)
            extra_d.append(sel)
            extra_t.append(np.full(k_, th))
            extra_s.append(s_)
            extra_e.append(e_)
            extra_u.append(u_)
            extra_h.append(rng.choice([0, 1, 2], size=k_, p=[0.6, 0.2, 0.2]))
            ctx.tel(ctx.geplant, f"onderzoek_{THEMAS[th]}_{soort_}", k_)
    s.extra_d, s.extra_t, s.extra_s, s.extra_e, s.extra_u = extra_d, extra_t, extra_s, extra_e, extra_u
    s.extra_h = extra_h


def op_peildatum(s: Blok) -> None:
    """A few investigations that start on the peildatum itself (absent in the earlier delivery)."""
    da, rng, extra_d, extra_t, extra_s, P = s.da, s.rng, s.extra_d, s.extra_t, s.extra_s, s.P
    extra_e, extra_u, extra_h, oz_d, thema, oz_s = s.extra_e, s.extra_u, s.extra_h, s.oz_d, s.thema, s.oz_s
    oz_lopend, oz_e, uitk, her = s.oz_lopend, s.oz_e, s.uitk, s.her
    # a few investigations that start on the peildatum itself (absent in the earlier delivery)
    k_ = min(_aantal(len(da), 0.002, 50), len(da))
    sel = da[rng.choice(len(da), size=k_, replace=False)] if k_ else np.zeros(0, np.int64)
    extra_d.append(sel)
    extra_t.append(rng.integers(-1, 4, k_))
    extra_s.append(np.full(k_, P))
    extra_e.append(np.full(k_, -1))
    extra_u.append(np.zeros(k_, np.int64))
    extra_h.append(np.full(k_, 2))
    oz_d = np.concatenate([oz_d] + extra_d)
    thema = np.concatenate([thema] + extra_t)
    oz_s = np.concatenate([oz_s] + extra_s)
    oz_e = np.concatenate([np.where(oz_lopend, -1, oz_e)] + extra_e)
    uitk = np.concatenate([np.where(oz_lopend, 0, uitk)] + extra_u)
    her = np.concatenate([her] + extra_h)
    s.oz_d, s.uitk, s.oz_e, s.her, s.oz_s, s.thema = oz_d, uitk, oz_e, her, oz_s, thema


def onderzoeken_frame(s: Blok) -> None:
    """gemeente/onderzoeken.csv: claims, fines, warnings, signal ids."""
    ctx, oz_d, uitk, oz_e, Py, rng, her, tel = s.ctx, s.oz_d, s.uitk, s.oz_e, s.Py, s.rng, s.her, s.tel
    oz_s, d_nr, d_id, bsn_s, hoofd, dh, thema = s.oz_s, s.d_nr, s.d_id, s.bsn_s, s.hoofd, s.dh, s.thema
    no = len(oz_d)
    nn = uitk == 2
    e_jaar = _ymd(np.maximum(oz_e, 0))[0]
    v_factor = np.select([e_jaar == Py, e_jaar == Py - 1], [VORDERING_FACTOR_JAAR[1], VORDERING_FACTOR_JAAR[0]], 1.2)
    vord = np.where(nn & (rng.random(no) < 0.85),
                    np.round(np.exp(rng.normal(np.log(150_000), 1.0, no)) * v_factor).astype(np.int64), -1)
    kans_boete = np.array([KANS_BOETE.get(h, 0.35) for h in HERKOMSTEN])[her]
    boete = np.where((vord > 0) & (rng.random(no) < kans_boete), np.round(vord * rng.uniform(0.1, 0.5, no)), -1)
    boete = boete.astype(np.int64)
    waarsch = (nn & (boete < 0) & (rng.random(no) < np.where(her == 0, 0.45, 0.3))).astype(np.int64)
    sig_heeft = (her <= 1) & (rng.random(no) < 0.9)
    oz_nr = tel["onderzoek"] + 1 + np.arange(no)
    tel["onderzoek"] += no
    sig_hash = (oz_nr * 0x9E3779B1 + ctx.seed) % (16 ** 12)
    o = np.lexsort((oz_s, d_nr[oz_d]))
    onderzoeken = pl.DataFrame({
        "onderzoek_id": _code("O", oz_nr, 8),
        "signaal_id": _leeg("SG" + pl.Series(sig_hash).cast(pl.String).str.zfill(15), ~sig_heeft),
        "dossier_id": d_id.gather(pl.Series(oz_d)),
        "bsn": bsn_s.gather(pl.Series(hoofd[dh[oz_d]])),
        "herkomst": _kies(HERKOMSTEN, her),
        "thema": _leeg(_kies(list(THEMAS), np.maximum(thema, 0)), thema < 0),
        "datum_start": _iso(oz_s),
        "datum_einde": _iso(np.maximum(oz_e, 0), oz_e < 0),
        "uitkomst": _kies(UITKOMSTEN, uitk),
        "vordering_cent": _leeg(pl.Series(np.maximum(vord, 0), dtype=pl.Int64), vord < 0),
        "boete_cent": _leeg(pl.Series(np.maximum(boete, 0), dtype=pl.Int64), boete < 0),
        "waarschuwing": pl.Series(waarsch, dtype=pl.Int64),
    })[o]
    # onderzoek ids renumbered in output order, so ids ascend through the file
    onderzoeken = onderzoeken.with_columns(_code("O", tel["onderzoek"] - no + 1 + np.arange(no), 8)
                                           .alias("onderzoek_id"))
    s.frames["onderzoeken.csv"] = onderzoeken


def tel(s: Blok) -> None:
    """Count what the monitoring must find in the valid rows (untouched by a messy case) of onderzoeken.csv."""
    _tel_onderzoeken(s.ctx, s.frames["onderzoeken.csv"].filter(pl.Series(s.geldig["onderzoeken.csv"])))


def _tel_onderzoeken(ctx: _Ctx, oz: pl.DataFrame) -> None:
    """What the monitoring must find in the valid rows of onderzoeken.csv: per theme and arm in the window
    (`venster:<thema>:<herkomst>:<uitkomst>`), per closing year the claims, fines and warnings, and per year
    and origin started / closed / niet_naleving — counted here from what was planted, independently of the
    pipeline."""
    van = (_maanden_terug(ctx.peildatum, MONITORING_MAANDEN) + timedelta(days=1)).isoformat()
    p = ctx.peildatum.isoformat()
    t = ctx.onderzoeken
    venster = oz.filter((pl.col("datum_start") >= van) & (pl.col("datum_start") <= p)
                        & pl.col("herkomst").is_in(["themacontrole", "steekproef"]))
    for th, h, u, n in venster.group_by("thema", "herkomst", "uitkomst").len().iter_rows():
        ctx.tel(t, f"venster:{th}:{h}:{u}", n)
    for j, h, n in oz.group_by(pl.col("datum_start").str.slice(0, 4), "herkomst").len().iter_rows():
        ctx.tel(t, f"{j}:{h}:gestart", n)
    af = oz.filter(pl.col("uitkomst") != "lopend").with_columns(pl.col("datum_einde").str.slice(0, 4).alias("j"))
    for j, h, u, n in af.group_by("j", "herkomst", "uitkomst").len().iter_rows():
        ctx.tel(t, f"{j}:{h}:afgerond", n)
        if u == "niet_naleving":
            ctx.tel(t, f"{j}:{h}:niet_naleving", n)
    for j, n in af.filter(pl.col("vordering_cent").is_not_null()).group_by("j").len().iter_rows():
        ctx.tel(t, f"{j}:vorderingen", n)
    for j, n in af.filter(pl.col("boete_cent").is_not_null()).group_by("j").len().iter_rows():
        ctx.tel(t, f"{j}:boetes", n)
    for j, n in af.filter(pl.col("waarschuwing") == 1).group_by("j").len().iter_rows():
        ctx.tel(t, f"{j}:waarschuwingen", n)
