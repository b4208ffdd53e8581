"""Theme vermogen_voertuigen: the planted households with three or more counted vehicles registered within
12 months, their near misses, and rdw/tenaamstellingen.csv.

Near misses must NOT give a signal: exactly two kentekens; three registrations of which one kenteken twice;
two counted plus kinds that do not count (Bromfiets, Aanhangwagen, ...); two within the window plus one
just before it.
"""
from __future__ import annotations

import numpy as np
import polars as pl

from sources import rdw
from sources.demo.hulp import _dag, _gba, _gba_int, _kies, _leeg, _uitvouwen
from sources.demo.toestand import Blok

# Planted cases (dossier level): name -> (fraction of the active PW dossiers, pool; see sources.demo.geplant).
GEVALLEN = {
    "V_SIGNAAL": (0.013, "alle"),      # >= 3 distinct counted kentekens started within 12 months
    "V_TWEE": (0.008, "alle"),         # exactly 2 (near miss)
    "V_DUBBEL": (0.003, "alle"),       # 3 registrations, one kenteken twice (2 distinct)
    "V_SOORT": (0.003, "alle"),        # 2 counted + Bromfiets/Aanhangwagen/... (not counted)
    "V_OUD": (0.003, "alle"),          # 2 within + 1 started just before the 12-month window
}
SIGNALEN = ("V_SIGNAAL",)  # the planted cases that must give a signal

# The registrations of a planted case: (counted kinds started within 12 months, kinds that do not count,
# counted kinds started just before the window, a re-registration of a counted kenteken); None = drawn
# (3-6 counted, 1-2 not counted).
REGISTRATIES = {
    "V_SIGNAAL": (None, 0, 0, 0),
    "V_TWEE": (2, 0, 0, 0),
    "V_DUBBEL": (2, 0, 0, 1),
    "V_SOORT": (2, None, 0, 0),
    "V_OUD": (2, 0, 1, 0),
}

# RDW: (voertuigsoort, merk, handelsbenaming, catalogusprijs in euros; 0 = usually unknown)
VOERTUIGSOORTEN = list(rdw.VOERTUIGSOORTEN)  # the contract's kinds, in its order
VS_TELT = 3  # the first three kinds count for vermogen_voertuigen
VS_P = [0.80, 0.05, 0.06, 0.05, 0.03, 0.005, 0.005]
MODELLEN = {
    0: [("VOLKSWAGEN", "GOLF", 32000), ("VOLKSWAGEN", "POLO", 22000), ("OPEL", "CORSA", 20000),
        ("PEUGEOT", "208", 23000), ("TOYOTA", "YARIS", 21000), ("TOYOTA", "AYGO", 14000),
        ("KIA", "PICANTO", 14500), ("RENAULT", "CLIO", 19500), ("FORD", "FOCUS", 27000),
        ("SKODA", "OCTAVIA", 33000), ("BMW", "3ER REIHE", 48000), ("MERCEDES-BENZ", "C 180", 47000),
        ("TESLA", "MODEL 3", 45000), ("CITROEN", 'C4 "PICASSO"', 28000), ("FIAT", "PANDA; 4X4", 17000),
        ("VOLVO", "V60", 52000), ("AUDI", "A4 AVANT", 50000), ("HYUNDAI", "I10", 14000)],
    1: [("VOLKSWAGEN", "TRANSPORTER", 42000), ("FORD", "TRANSIT CUSTOM", 40000), ("RENAULT", "TRAFIC", 36000),
        ("MERCEDES-BENZ", "SPRINTER", 48000)],
    2: [("YAMAHA", "MT-07", 8000), ("HONDA", "CB500F", 7000), ("KAWASAKI", "Z900", 10000),
        ("BMW", "R 1250 GS", 21000)],
    3: [("PIAGGIO", "ZIP", 2300), ("VESPA", "PRIMAVERA", 4200), ("SYM", "FIDDLE", 2000)],
    4: [("HUMBAUR", "HA 752513", 0), ("ANSSEMS", "GT 750", 0), ("SARIS", "PK 2700", 0)],
    5: [("KRONE", "SD", 0), ("SCHMITZ", "S.KO", 0)],
    6: [("PIAGGIO", "APE 50", 8000), ("LIGIER", "JS50", 15000)],
}
KENTEKEN_LETTERS = np.array(list("BDFGHJKLNPRSTVXZ"))


def gewone_tenaamstellingen(s: Blok) -> None:
    """Ordinary registrations of applicants and partners."""
    ctx, rng, ndp, d_cat, dp_d, c, P = s.ctx, s.rng, s.ndp, s.d_cat, s.dp_d, s.cat, s.P
    n_nat = rng.choice([0, 1, 2], size=ndp, p=[0.70, 0.24, 0.06])
    v_o, v_pos = _uitvouwen(n_nat)
    nv = len(v_o)
    near = np.isin(d_cat[dp_d[v_o]], [c["V_TWEE"], c["V_DUBBEL"], c["V_SOORT"], c["V_OUD"]])
    binnen = (v_pos == 0) & (rng.random(nv) < 0.15) & ~near
    rdw_dag = _dag(ctx.lever["rdw"])
    v_s = np.where(binnen, rdw_dag - rng.integers(0, 355, nv), P - rng.integers(400, 12 * 365, nv))
    v_e = np.where((v_pos == 1) & (rng.random(nv) < 0.6), v_s + rng.integers(30, 400, nv), -1)
    v_e = np.where(v_e >= P - 3, -1, v_e)
    v_soort = rng.choice(len(VOERTUIGSOORTEN), size=nv, p=VS_P)
    v_dup = np.zeros(nv, dtype=bool)
    s.v_o, s.v_s, s.v_e, s.v_soort, s.v_dup, s.nv = v_o, v_s, v_e, v_soort, v_dup, nv


def geplante_tenaamstellingen(s: Blok) -> None:
    """The planted registrations and near misses, the duplicate registration."""
    d_cat, c, rng, nd, dp_rol, dp_d, P, v_o = s.d_cat, s.cat, s.rng, s.nd, s.dp_rol, s.dp_d, s.P, s.v_o
    v_s, v_e, v_soort, v_dup, tel, nv = s.v_s, s.v_e, s.v_soort, s.v_dup, s.tel, s.nv
    pl_rows = []
    for naam, (k_in, k_soort, k_oud, k_dup) in REGISTRATIES.items():
        dd = np.flatnonzero(d_cat == c[naam])
        if len(dd) == 0:
            continue
        kin = rng.choice([3, 4, 5, 6], size=len(dd), p=[0.6, 0.25, 0.1, 0.05]) if k_in is None else \
            np.full(len(dd), k_in)
        ks = rng.integers(1, 3, len(dd)) if k_soort is None else np.full(len(dd), k_soort)
        for aantal, soortcode in ((kin, "in"), (ks, "soort"), (np.full(len(dd), k_oud), "oud"),
                                  (np.full(len(dd), k_dup), "dup")):
            o_, _ = _uitvouwen(aantal)
            pl_rows.append((dd[o_], soortcode))
    pv_d = np.concatenate([x_[0] for x_ in pl_rows]) if pl_rows else np.zeros(0, np.int64)
    pv_k = np.concatenate([np.full(len(x_[0]), x_[1]) for x_ in pl_rows]) if pl_rows else np.zeros(0, str)
    npv = len(pv_d)
    # owner: applicant or partner
    d_app = np.full(nd, -1, np.int64)
    d_app[dp_d[dp_rol == 0]] = np.flatnonzero(dp_rol == 0)
    d_par = np.full(nd, -1, np.int64)
    d_par[dp_d[dp_rol == 1]] = np.flatnonzero(dp_rol == 1)
    naar_partner = (d_par[pv_d] >= 0) & (rng.random(npv) < 0.5)
    pv_o = np.where(naar_partner, d_par[pv_d], d_app[pv_d])
    pv_s = np.select([pv_k == "oud"], [P - 366 - rng.integers(5, 60, npv)], P - rng.integers(5, 356, npv))
    pv_soort = np.select([pv_k == "soort"], [rng.integers(3, 7, npv)],
                         rng.choice(3, size=npv, p=[0.75, 0.15, 0.10]))
    pv_e = np.where((rng.random(npv) < 0.4) & (pv_k == "in"), pv_s + rng.integers(10, 200, npv), -1)
    pv_e = np.where(pv_e >= P - 3, -1, pv_e)
    # all rows
    t_o = np.concatenate([v_o, pv_o])
    t_s = np.concatenate([v_s, pv_s])
    t_e = np.concatenate([v_e, pv_e])
    t_soort = np.concatenate([v_soort, pv_soort])
    t_dup = np.concatenate([v_dup, pv_k == "dup"])
    nt = len(t_o)
    k_nr = tel["kenteken"] + np.arange(nt)
    tel["kenteken"] += nt
    # duplicate registration: same kenteken as the first counted row of that dossier; the earlier
    # registration ends before the re-registration starts
    if t_dup.any():
        dup_rows = np.flatnonzero(t_dup)
        dd = pv_d[dup_rows - nv]
        eerste = np.full(nd, -1, np.int64)
        in_rows = nv + np.flatnonzero(pv_k == "in")
        eerste[pv_d[in_rows - nv][::-1]] = in_rows[::-1]
        src = eerste[dd]
        t_o[dup_rows] = t_o[src]
        t_soort[dup_rows] = t_soort[src]
        s0 = np.minimum(t_s[src], P - 120)
        t_s[src] = s0
        t_e[src] = s0 + 30
        t_s[dup_rows] = s0 + 31 + rng.integers(0, 60, len(dup_rows))
        t_e[dup_rows] = -1
        k_nr[dup_rows] = k_nr[src]
    s.k_nr, s.nt, s.t_dup, s.t_soort, s.t_s, s.t_o, s.t_e = k_nr, nt, t_dup, t_soort, t_s, t_o, t_e


def kentekens(s: Blok) -> None:
    """Kenteken text in the four sidecodes, some written sloppily."""
    ctx, k_nr, rng, nt, t_dup = s.ctx, s.k_nr, s.rng, s.nt, s.t_dup
    # kenteken text
    fmt = k_nr % 4
    rr = (k_nr // 4 * 2_654_437 + ctx.bsn_b) % 4_096_000  # bijection per format (multiplier coprime)
    dg = rr % 1000
    lt = rr // 1000
    l1, l2, l3 = KENTEKEN_LETTERS[lt // 256], KENTEKEN_LETTERS[(lt // 16) % 16], KENTEKEN_LETTERS[lt % 16]
    d3 = pl.Series(dg).cast(pl.String).str.zfill(3)
    L1, L2, L3 = pl.Series(l1), pl.Series(l2), pl.Series(l3)
    D1, D2, D3 = d3.str.slice(0, 1), d3.str.slice(1, 1), d3.str.slice(2, 1)
    varianten = [L1 + L2 + "-" + D1 + D2 + D3 + "-" + L3,    # XX-999-X
                 D1 + D2 + "-" + L1 + L2 + L3 + "-" + D3,    # 99-XXX-9
                 L1 + "-" + D1 + D2 + D3 + "-" + L2 + L3,    # X-999-XX
                 D1 + "-" + L1 + L2 + L3 + "-" + D2 + D3]    # 9-XXX-99
    kent = pl.select(pl.when(pl.Series(fmt == 0)).then(varianten[0])
                     .when(pl.Series(fmt == 1)).then(varianten[1])
                     .when(pl.Series(fmt == 2)).then(varianten[2])
                     .otherwise(varianten[3]).alias("kenteken")).to_series()
    slordig = (rng.random(nt) < 0.015) | t_dup
    if slordig.any():
        idx = np.flatnonzero(slordig)
        kent.scatter(idx, kent.gather(idx).str.replace_all("-", "").str.to_lowercase())
    ctx.tel(ctx.rommel, "tenaamstellingen.csv:kenteken:kleine letters zonder streepjes", int(slordig.sum()))
    s.kent = kent


def tenaamstellingen_frame(s: Blok) -> None:
    """rdw/tenaamstellingen.csv: make, model, first admission, list price."""
    rng, nt, t_soort, t_s, jaar, t_o, dp_p, kent = s.rng, s.nt, s.t_soort, s.t_s, s.jaar, s.t_o, s.dp_p, s.kent
    bsn_s, t_e = s.bsn_s, s.t_e
    # model, eerste toelating, catalogusprijs
    model_lijsten = [MODELLEN[i] for i in range(len(VOERTUIGSOORTEN))]
    mi = np.floor(rng.random(nt) * np.array([len(x_) for x_ in model_lijsten])[t_soort]).astype(np.int64)
    alle_modellen = [mm for lst in model_lijsten for mm in lst]
    offs = np.cumsum([0] + [len(x_) for x_ in model_lijsten])[:-1]
    gi = offs[t_soort] + mi
    prijs_basis = np.array([mm[2] for mm in alle_modellen])[gi]
    toel = t_s - np.where(rng.random(nt) < 0.15, 0, np.floor(rng.random(nt) ** 1.5 * 15 * jaar).astype(np.int64))
    prijs = np.round(prijs_basis * rng.uniform(0.85, 1.15, nt)).astype(np.int64)
    prijs_leeg = (prijs_basis == 0) | (rng.random(nt) < 0.12)
    o = np.lexsort((t_s, t_o))
    t_bsn = dp_p[t_o]
    tenaam = pl.DataFrame({
        "kenteken": kent,
        "bsn": bsn_s.gather(pl.Series(t_bsn)),
        "datum_aanvang_tenaamstelling": _gba(_gba_int(t_s)),
        "datum_einde_tenaamstelling": _gba(_gba_int(np.maximum(t_e, 0)), t_e < 0),
        "voertuigsoort": _kies(VOERTUIGSOORTEN, t_soort),
        "merk": _kies([mm[0] for mm in alle_modellen], gi),
        "handelsbenaming": _kies([mm[1] for mm in alle_modellen], gi),
        "datum_eerste_toelating": _gba(_gba_int(toel)),
        "catalogusprijs": _leeg(pl.Series(prijs, dtype=pl.Int64), prijs_leeg),
    })[o]
    s.frames["tenaamstellingen.csv"] = tenaam
