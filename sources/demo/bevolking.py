"""The population of a block: addresses (BAG), households, benefit dossiers, persons with their birth dates,
origin, deaths, study finance and residence (the files made from them: `sources.demo.bevolkingsbestanden`).

Households first (type, size, head age, address), then the benefit dossiers (more often in some wijken,
among single parents, the young and the 55+); the planted cases of the themes are drawn among the active
PW dossiers in between (`sources.demo.geplant`), and their extra persons join the households here.

The Tabel 32/34 codes used are illustrative (plausible 4-digit codes); `NATIONALITEIT_GROEP` tells which
nationality codes are meant as Dutch, EU or other.
"""
from __future__ import annotations

import math

import numpy as np

from sources.demo.hulp import KANDIDATEN_PER_BLOK, _aantal, _bsns, _dagen, _Extern, _jaren_terug, _uitvouwen, _ymd
from sources.demo.toestand import Blok

GEMEENTE = "0014"


LAND_NEDERLAND = "6030"
# (Tabel 34 code, probability, Tabel 32 code of that country's nationality)
LANDEN = [
    ("6030", 0.800, "0001"),  # Nederland
    ("6014", 0.025, "0055"),  # Duitsland
    ("6003", 0.020, "0072"),  # Polen
    ("5010", 0.006, "0052"),  # Belgie
    ("6007", 0.007, "0074"),  # Roemenie
    ("5022", 0.026, "0250"),  # Marokko
    ("5049", 0.026, "0237"),  # Turkije
    ("5017", 0.016, "0263"),  # Suriname
    ("7035", 0.022, "0331"),  # Syrie
    ("5012", 0.010, "0339"),  # Iran
    ("5020", 0.012, "0097"),  # Eritrea
    ("6043", 0.010, "0311"),  # Indonesie
    ("5040", 0.010, "0400"),  # overig
    ("0000", 0.010, ""),      # onbekend
]
NATIONALITEIT_GROEP = {"0001": "NL", "0052": "EU", "0053": "EU", "0055": "EU", "0072": "EU", "0074": "EU",
                       "0250": "overig", "0237": "overig", "0263": "overig", "0331": "overig", "0339": "overig",
                       "0097": "overig", "0311": "overig", "0400": "overig"}

GEBRUIKSDOELEN = ["woonfunctie", "woonfunctie|winkelfunctie", "woonfunctie|kantoorfunctie",
                  "woonfunctie|logiesfunctie", "kantoorfunctie", "winkelfunctie", "industriefunctie",
                  "logiesfunctie", "overige gebruiksfunctie", "kantoorfunctie|winkelfunctie"]
GEBRUIKSDOEL_P = [0.925, 0.025, 0.010, 0.003, 0.012, 0.012, 0.005, 0.003, 0.003, 0.002]
N_WOON = 4  # the first four contain woonfunctie
STATUSSEN = ["Verblijfsobject in gebruik", "Verblijfsobject in gebruik (niet ingemeten)",
             "Verbouwing verblijfsobject", "Verblijfsobject gevormd", "Verblijfsobject buiten gebruik"]
STATUS_P = [0.965, 0.015, 0.006, 0.006, 0.008]
ST_BUITEN = 4
ST_GEVORMD = 3

WOONPLAATSEN = ["Amsterdam", "Rotterdam", "'s-Gravenhage", "Utrecht", "Eindhoven", "Tilburg", "Almere",
                "Breda", "Nijmegen", "Apeldoorn", "Haarlem", "Arnhem", "Enschede", "Amersfoort", "Zaandam",
                "'s-Hertogenbosch", "Zwolle", "Leiden", "Maastricht", "Dordrecht", "Ede", "Alphen aan den Rijn",
                "Leeuwarden", "Alkmaar", "Emmen", "Delft", "Venlo", "Deventer", "Sittard", "Helmond", "Oss",
                "Heerlen", "Hilversum", "Assen", "Lelystad", "Hengelo", "Purmerend", "Roosendaal", "Schiedam",
                "Vlaardingen", "Gouda", "Hoorn", "Middelburg", "Den Helder", "Drachten", "Sneek", "Veendam",
                "Winschoten", "Hoogezand", "Delfzijl", "Stadskanaal", "Meppel", "Kampen", "Harderwijk",
                "Tiel", "Goes", "Terneuzen", "Weert", "Roermond", "Kerkrade"]

# Household types
T_ALLEEN, T_PAAR, T_GEZIN, T_EENOUDER, T_STUDENTEN, T_OVERIG = range(6)
TYPE_P = np.array([0.55, 0.20, 0.13, 0.065, 0.025, 0.03])
TYPE_DOSSIER_W = np.array([1.0, 0.35, 0.40, 3.0, 0.0, 0.8])
# Roles
R_HOOFD, R_PARTNER, R_KIND, R_HUISGENOOT, R_EXTRA, R_HIST = range(6)
# Extra persons (planted co-residents)
X_DRUK, X_KOR, X_KOR_WSF_OUD, X_KOR_DEELDATUM, X_26, X_WSF, X_DEELDATUM, X_BRIEF, X_VERHUISD = range(1, 10)
# Studiefinanciering status
SF_GEEN, SF_WSF, SF_WSF_OUD, SF_WTOS = range(4)

# Planted categories (dossier level), fraction of active PW dossiers. Order matters for the draws.


def _gemeenten(schaal_naam: str, blokgroottes: list[int], seed: int) -> list[list[tuple[str, str, int]]]:
    n = sum(blokgroottes)
    if schaal_naam != "landelijk" and n <= 2_000_000:
        n_wijk = int(np.clip(round(n / 24_400), 3, 99))
        return [[(GEMEENTE, "Groningen", n_wijk)] for _ in blokgroottes]
    # many municipalities, ~53,000 persons each
    rng = np.random.default_rng([seed, 999_001])
    totaal = max(1, round(n / 53_000))
    codes = np.sort(rng.choice(np.arange(1, 2000), size=min(totaal, 1999), replace=False))
    codes = np.unique(np.concatenate([[14], codes]))[:totaal]
    out: list[list[tuple[str, str, int]]] = []
    start = 0
    for i, g in enumerate(blokgroottes):
        k = max(1, round(len(codes) * g / n)) if i < len(blokgroottes) - 1 else max(1, len(codes) - start)
        deel = codes[start:start + k] if start < len(codes) else codes[-1:]
        start += k
        out.append([(f"{c:04d}", "Groningen" if c == 14 else WOONPLAATSEN[int(c) % len(WOONPLAATSEN)],
                     int(rng.integers(4, 20))) for c in deel])
    return out



def adressen(s: Blok) -> None:
    """BAG addresses: wijken and buurten, use, status and surface; the town hall as postal address."""
    ctx, b, n_c, rng, tel = s.ctx, s.b, s.n_c, s.rng, s.tel
    gem = ctx.gemeenten[b]
    n_addr = max(60, int(round(n_c * 0.6)))
    wijk_gem = np.concatenate([np.full(g[2], i) for i, g in enumerate(gem)])
    wijk_nr = np.concatenate([np.arange(1, g[2] + 1) for g in gem])
    gem_w = rng.lognormal(0, 0.6, len(gem)) if len(gem) > 1 else np.ones(1)
    wijk_w = rng.lognormal(0, 0.5, len(wijk_gem)) * gem_w[wijk_gem]
    for i in range(len(gem)):  # normalise per municipality, then weight by municipality
        m = wijk_gem == i
        wijk_w[m] = wijk_w[m] / wijk_w[m].sum() * gem_w[i]
    wijk_w /= wijk_w.sum()
    n_buurt = rng.integers(3, 13, len(wijk_gem))
    a_wijk = np.sort(rng.choice(len(wijk_gem), size=n_addr, p=wijk_w))
    a_buurt = np.floor(rng.random(n_addr) * n_buurt[a_wijk]).astype(np.int64)
    o = np.lexsort((a_buurt, a_wijk))
    a_wijk, a_buurt = a_wijk[o], a_buurt[o]
    a_gem = wijk_gem[a_wijk]
    volg = np.arange(n_addr)
    straat = volg // 20 + tel["adres"] // 20
    huisnummer = (volg % 20) * 2 + 1 + (straat % 5) * 40
    doel = rng.choice(len(GEBRUIKSDOELEN), size=n_addr, p=GEBRUIKSDOEL_P)
    status = rng.choice(len(STATUSSEN), size=n_addr, p=STATUS_P)
    woon = doel < N_WOON
    opp = np.where(woon, np.clip(np.round(rng.lognormal(np.log(78), 0.38, n_addr)), 20, 400),
                   np.clip(np.round(rng.lognormal(np.log(140), 0.8, n_addr)), 10, 5000)).astype(np.int64)
    # one postal address (briefadres) per municipality: the town hall
    postadres = np.array([np.flatnonzero(a_gem == i)[0] if (a_gem == i).any() else 0 for i in range(len(gem))])
    doel[postadres] = GEBRUIKSDOELEN.index("kantoorfunctie")
    status[postadres] = 0
    opp[postadres] = 2500
    woon = doel < N_WOON
    bewoonbaar = woon & (status != ST_BUITEN) & (status != ST_GEVORMD)
    bewoonbaar[postadres] = False
    s.bewoonbaar, s.a_wijk, s.a_gem, s.wijk_gem, s.postadres = bewoonbaar, a_wijk, a_gem, wijk_gem, postadres
    s.n_addr, s.opp, s.status, s.doel, s.gem, s.wijk_nr = n_addr, opp, status, doel, gem, wijk_nr
    s.a_buurt, s.straat, s.volg, s.huisnummer = a_buurt, straat, volg, huisnummer


def huishoudens(s: Blok) -> None:
    """Households: type, size, age of the head, address, move-in date, country of origin."""
    n_c, bewoonbaar, rng, a_wijk, a_gem, P, jaar = s.n_c, s.bewoonbaar, s.rng, s.a_wijk, s.a_gem, s.P, s.jaar
    brp_dag = s.brp_dag
    n_hist_min = max(3, int(math.ceil(0.03 * n_c)))
    H = int(n_c * 0.955 / 1.81) + 5
    hab = np.flatnonzero(bewoonbaar)
    H = min(H, len(hab))
    h_type = rng.choice(6, size=H, p=TYPE_P / TYPE_P.sum())
    kids_gezin = rng.choice([1, 2, 3, 4], size=H, p=[0.35, 0.42, 0.17, 0.06])
    kids_een = rng.choice([1, 2, 3], size=H, p=[0.55, 0.33, 0.12])
    h_size = np.select(
        [h_type == T_ALLEEN, h_type == T_PAAR, h_type == T_GEZIN, h_type == T_EENOUDER, h_type == T_STUDENTEN],
        [1, 2, 2 + kids_gezin, 1 + kids_een, rng.integers(3, 7, H)],
        2 + (rng.random(H) < 0.3))
    u, x = rng.random(H), rng.random(H)
    h_age = np.select(
        [h_type == T_ALLEEN, h_type == T_PAAR, h_type == T_GEZIN, h_type == T_EENOUDER, h_type == T_STUDENTEN],
        [np.where(u < 0.40, 18 + 12 * x, np.where(u < 0.75, 30 + 35 * x, 65 + 30 * x)),
         np.where(u < 0.30, 22 + 13 * x, np.where(u < 0.65, 35 + 30 * x, 65 + 25 * x)),
         27 + 28 * x, 22 + 36 * x, 18 + 9 * x],
        20 + 60 * x)
    h_addr = hab[rng.permutation(len(hab))[:H]]
    h_wijk = a_wijk[h_addr]
    h_gem = a_gem[h_addr]
    # move-in date: within the adult life of the head, at most 30 years ago
    h_in = P - np.floor(rng.random(H) ** 1.3 * np.minimum(h_age - 18, 30) * jaar).astype(np.int64) - 1
    h_in = np.minimum(h_in, brp_dag - 5)
    h_origin = rng.choice(len(LANDEN), size=H, p=np.array([x[1] for x in LANDEN]) / sum(x[1] for x in LANDEN))
    h_getrouwd = rng.random(H) < 0.6
    s.h_age, s.h_origin, s.h_type, s.h_wijk, s.H, s.h_size = h_age, h_origin, h_type, h_wijk, H, h_size
    s.n_hist_min, s.h_addr, s.h_gem, s.h_in, s.h_getrouwd = n_hist_min, h_addr, h_gem, h_in, h_getrouwd


def dossiers(s: Blok) -> None:
    """Benefit dossiers per household: who has one, which regeling, start and end."""
    ctx, rng, wijk_gem, h_age, h_origin, h_type = s.ctx, s.rng, s.wijk_gem, s.h_age, s.h_origin, s.h_type
    h_wijk, n_c, H, P, jaar = s.h_wijk, s.n_c, s.H, s.P, s.jaar
    wijk_factor = rng.lognormal(0, 0.55, len(wijk_gem))
    leeft_factor = np.select([h_age < 27, h_age < 40, h_age < 55], [1.2, 1.0, 1.0], 1.3)
    herkomst_factor = np.where(h_origin == 0, 1.0, 1.6)
    mag = (h_age >= 18) & (h_age < 67) & (h_type != T_STUDENTEN)
    w = TYPE_DOSSIER_W[h_type] * wijk_factor[h_wijk] * leeft_factor * herkomst_factor * mag
    doel_dossiers = ctx.dossierfractie * n_c
    p = np.clip(w * doel_dossiers / max(w.sum(), 1e-9), 0, 0.95)
    h_dos = rng.random(H) < p
    # regeling
    r = rng.random(H)
    h_regeling = np.zeros(H, dtype=np.int64)  # 0 PW, 1 IOAW, 2 IOAZ, 3 BBZ
    h_regeling[(h_age >= 55) & (r < 0.10)] = 1
    h_regeling[(h_age >= 55) & (r >= 0.10) & (r < 0.13)] = 2
    h_regeling[(r >= 0.985)] = 3
    # timing: 12% ended in the past, a few end on/after the peildatum, a few start on it
    r = rng.random(H)
    h_geeindigd = r < 0.12
    h_start = P - np.floor(15 * jaar * rng.random(H) ** 1.6).astype(np.int64) - 1
    h_start = np.maximum(h_start, P - np.floor((h_age - 18) * jaar).astype(np.int64))
    h_einde = np.full(H, -1, dtype=np.int64)
    span = np.maximum(P - 1 - h_start, 31)
    h_einde[h_geeindigd] = (h_start + 30 + np.floor(rng.random(H) * (span - 30)).astype(np.int64))[h_geeindigd]
    toek = (~h_geeindigd) & (r < 0.13)
    h_einde[toek] = P + rng.integers(1, 90, H)[toek]
    op_p = (~h_geeindigd) & (r >= 0.13) & (r < 0.133)
    h_einde[op_p] = P
    nieuw = (~h_geeindigd) & (r >= 0.133) & (r < 0.135)
    h_start[nieuw] = P
    h_actief = h_dos & ~h_geeindigd
    act_pw = np.flatnonzero(h_actief & (h_regeling == 0))
    n_act = len(act_pw)
    s.h_start, s.n_act, s.act_pw, s.h_actief, s.h_dos = h_start, n_act, act_pw, h_actief, h_dos
    s.h_regeling, s.h_einde = h_regeling, h_einde


def dakloos_en_overleden(s: Blok) -> None:
    """Homeless applicants with a briefadres at the town hall; deceased applicants."""
    h_actief, h_type, gebruikt, H, rng = s.h_actief, s.h_type, s.gebruikt, s.H, s.rng
    # homeless applicants with a briefadres at the town hall; deceased applicants
    alleen_act = np.flatnonzero(h_actief & (h_type == T_ALLEEN) & ~gebruikt)
    k = min(_aantal(int(h_actief.sum()), 0.004, 50), len(alleen_act))
    h_dakloos = np.zeros(H, dtype=bool)
    if k:
        h_dakloos[rng.choice(alleen_act, size=k, replace=False)] = True
    alle_act = np.flatnonzero(h_actief & ~h_dakloos)
    k = min(_aantal(int(h_actief.sum()), 0.003, 50), len(alle_act))
    h_dood = np.zeros(H, dtype=bool)
    if k:
        h_dood[rng.choice(alle_act, size=k, replace=False)] = True
    s.h_dakloos, s.h_dood = h_dakloos, h_dood


def inkorten(s: Blok) -> None:
    """Drop non-dossier households from the tail until the persons fit (historic persons fill up)."""
    h_size, n_extra, n_c, n_hist_min, H, h_dos = s.h_size, s.n_extra, s.n_c, s.n_hist_min, s.H, s.h_dos
    h_type, h_age, h_addr, h_wijk, h_gem, h_in = s.h_type, s.h_age, s.h_addr, s.h_wijk, s.h_gem, s.h_in
    h_origin, h_getrouwd, h_regeling, h_start = s.h_origin, s.h_getrouwd, s.h_regeling, s.h_start
    h_einde, h_actief, h_cat, h_gast, h_groep = s.h_einde, s.h_actief, s.h_cat, s.h_gast, s.h_groep
    h_dakloos, h_dood = s.h_dakloos, s.h_dood
    # trim: drop non-dossier households from the tail until the persons fit (historic persons fill up)
    totaal = h_size + n_extra
    over = int(totaal.sum()) - (n_c - n_hist_min)
    houd = np.ones(H, dtype=bool)
    if over > 0:
        staart = np.flatnonzero(~h_dos)[::-1]
        cum = np.cumsum(totaal[staart])
        houd[staart[: int(np.searchsorted(cum, over)) + 1]] = False
    nieuw_idx = np.cumsum(houd) - 1
    hh = {k_: v[houd] for k_, v in dict(
        type=h_type, size=h_size, age=h_age, addr=h_addr, wijk=h_wijk, gem=h_gem, inn=h_in, origin=h_origin,
        getrouwd=h_getrouwd, dos=h_dos, regeling=h_regeling, start=h_start, einde=h_einde, actief=h_actief,
        cat=h_cat, gast=h_gast, groep=h_groep, dakloos=h_dakloos, dood=h_dood, n_extra=n_extra).items()}
    hh["gast"] = np.where(hh["gast"] >= 0, nieuw_idx[np.maximum(hh["gast"], 0)], -1)
    H = len(hh["type"])
    s.hh, s.H = hh, H


def personen_rollen(s: Blok) -> None:
    """Persons: household members with their role, the planted extra persons, historic persons."""
    hh, c, rng, n_c, H = s.hh, s.cat, s.rng, s.n_c, s.H
    p_hh, p_pos = _uitvouwen(hh["size"])
    t = hh["type"][p_hh]
    p_role = np.where(p_pos == 0, R_HOOFD,
                      np.where((p_pos == 1) & ((t == T_PAAR) | (t == T_GEZIN)), R_PARTNER,
                               np.where((t == T_GEZIN) | (t == T_EENOUDER), R_KIND, R_HUISGENOOT)))
    p_kind_x = np.zeros(len(p_hh), dtype=np.int64)
    e_hh, e_pos = _uitvouwen(hh["n_extra"])
    e_cat = hh["cat"][e_hh]
    e_kind = np.select(
        [(e_cat == c["Z_DRUK"]) | (e_cat == c["Z_ZEVEN"]), e_cat == c["K_HUISGENOOT"], e_cat == c["K_26"],
         e_cat == c["K_STUDENT"], e_cat == c["K_DEELDATUM"], e_cat == c["K_BRIEFADRES"], e_cat == c["K_VERHUISD"]],
        [X_DRUK, X_KOR, X_26, X_WSF, X_DEELDATUM, X_BRIEF, X_VERHUISD], 0)
    r = rng.random(len(e_hh))
    kor1 = (e_kind == X_KOR) & (e_pos == 0)
    e_kind[kor1 & (r < 0.10)] = X_KOR_WSF_OUD
    e_kind[kor1 & (r >= 0.10) & (r < 0.20)] = X_KOR_DEELDATUM
    n_cur = len(p_hh) + len(e_hh)
    n_hist = n_c - n_cur
    assert n_hist >= 0, (n_c, n_cur)
    n = n_c
    hhx = np.concatenate([p_hh, e_hh, np.full(n_hist, -1)])
    role = np.concatenate([p_role, np.full(len(e_hh), R_EXTRA), np.full(n_hist, R_HIST)])
    xkind = np.concatenate([p_kind_x, e_kind, np.zeros(n_hist, np.int64)])
    o = np.argsort(np.where(hhx < 0, H + 1, hhx), kind="stable")  # household members together
    hhx, role, xkind = hhx[o], role[o], xkind[o]
    hv = np.maximum(hhx, 0)  # safe household index for lookups
    in_hh = hhx >= 0
    ptype = hh["type"][hv]
    head_age = hh["age"][hv]
    s.n, s.head_age, s.role, s.ptype, s.xkind, s.in_hh, s.hv = n, head_age, role, ptype, xkind, in_hh, hv
    s.hhx = hhx


def leeftijden(s: Blok) -> None:
    """Ages and birth dates, the planted exact and partial birth dates, 27+ on the peildatum."""
    rng, n, head_age, role, ptype, xkind, P = s.rng, s.n, s.head_age, s.role, s.ptype, s.xkind, s.P
    jaar, brp_dag, in_hh, hh, hv, Py, Pm, Pd = s.jaar, s.brp_dag, s.in_hh, s.hh, s.hv, s.Py, s.Pm, s.Pd
    # ages (years, float)
    x = rng.random(n)
    age = np.zeros(n)
    age[role == R_HOOFD] = head_age[role == R_HOOFD]
    m = role == R_PARTNER
    age[m] = np.maximum(18.2, head_age[m] + rng.normal(0, 3.5, n)[m])
    m = role == R_KIND
    volw_kind = (head_age >= 47) & (rng.random(n) < 0.12)
    age[m] = np.where(volw_kind, 18 + x * np.maximum(np.minimum(head_age - 19, 40) - 18, 0.5),
                      x * np.clip(head_age - 18.5, 0.5, 26))[m]
    m = (role == R_HUISGENOOT) & (ptype == T_STUDENTEN)
    age[m] = np.where(rng.random(n) < 0.9, 18 + 9 * x, 27 + 4 * x)[m]
    m = (role == R_HUISGENOOT) & (ptype != T_STUDENTEN)
    age[m] = np.clip(head_age + rng.uniform(-12, 12, n), 18.1, 90)[m]
    m = role == R_EXTRA
    age[m] = np.select([xkind == X_DRUK, xkind == X_KOR_WSF_OUD, xkind == X_WSF,
                        np.isin(xkind, [X_BRIEF, X_VERHUISD])],
                       [18 + 32 * x, 27.2 + 3 * x, 27.2 + 2.5 * x, 30 + 30 * x], 27.2 + 38 * x)[m]
    m = role == R_HIST
    age[m] = 18 + 77 * x[m]
    geb = P - np.floor(age * jaar).astype(np.int64)
    geb = np.minimum(geb, brp_dag - 2)
    # exact planted birth dates
    m = xkind == X_26  # turns 27 between 1 and 60 days after the peildatum
    geb[m] = _jaren_terug(P + rng.integers(1, 61, n), 27)[m]
    gy, gm, gd = _ymd(geb)
    gba_geb = gy * 10000 + gm * 100 + gd
    # unknown month/day: planted and a few natural ones among persons born abroad
    land_idx = np.where(in_hh, hh["origin"][hv], rng.choice(len(LANDEN), size=n,
                                                           p=np.array([x_[1] for x_ in LANDEN]) / sum(
                                                               x_[1] for x_ in LANDEN)))
    kind_nl = (role == R_KIND) & (age < 25) & (rng.random(n) < 0.6)
    land_idx = np.where(kind_nl, 0, land_idx)
    r = rng.random(n)
    natuurlijk_deel = (land_idx != 0) & (r < 0.03) & (xkind == 0)
    gba_geb = np.where(natuurlijk_deel & (r < 0.015), gy * 10000, gba_geb)
    gba_geb = np.where(natuurlijk_deel & (r >= 0.015), gy * 10000 + gm * 100, gba_geb)
    gba_geb = np.where(xkind == X_KOR_DEELDATUM, (Py - 28) * 10000, gba_geb)
    kpart_jaar = Py - 27 if (Pm, Pd) != (12, 31) else Py - 26
    gba_geb = np.where(xkind == X_DEELDATUM, kpart_jaar * 10000, gba_geb)
    # age 27+ on P, partial dates in the resident's favour (unknown day = last day, month = 31 Dec)
    by, bm, bd = gba_geb // 10000, (gba_geb // 100) % 100, gba_geb % 100
    bm_f = np.where(bm == 0, 12, bm)
    last = _dagen(by + (bm_f == 12), np.where(bm_f == 12, 1, bm_f + 1), 1) - _dagen(by, bm_f, 1)
    bd_f = np.where(bm == 0, 31, np.where(bd == 0, last, bd))
    p27 = (by * 10000 + bm_f * 100 + bd_f) <= (Py - 27) * 10000 + Pm * 100 + Pd
    s.land_idx, s.geb, s.age, s.p27, s.gba_geb = land_idx, geb, age, p27, gba_geb


def geslacht_en_nationaliteit(s: Blok) -> None:
    """Gender, country of birth and nationality."""
    rng, n, role, ptype, H, hhx, hv, land_idx = s.rng, s.n, s.role, s.ptype, s.H, s.hhx, s.hv, s.land_idx
    # gender, country of birth, nationality
    r = rng.random(n)
    pv = np.where((role == R_HOOFD) & (ptype == T_EENOUDER), 0.85, 0.5)
    gesl = np.where(r < pv, 1, 0)  # 1 = V, 0 = M
    hoofd_gesl = np.zeros(H, dtype=np.int64)
    hoofd_gesl[hhx[role == R_HOOFD]] = gesl[role == R_HOOFD]
    m = role == R_PARTNER
    gesl[m] = np.where(rng.random(n) < 0.96, 1 - hoofd_gesl[hv], hoofd_gesl[hv])[m]
    gesl[rng.random(n) < 0.001] = 2  # O
    r = rng.random(n)
    nat_codes = [x_[2] for x_ in LANDEN]
    overig_nat = [x_[0] for x_ in LANDEN].index("5040")
    # born in NL: Dutch (1% another nationality); born abroad: 55% Dutch, else that country's
    nat_idx = np.where(land_idx == 0, np.where(r < 0.99, 0, overig_nat), np.where(r < 0.55, 0, land_idx))
    nat_onbekend = (rng.random(n) < 0.004) | (np.array(nat_codes)[nat_idx] == "")  # empty = unknown
    s.gesl, s.nat_codes, s.nat_idx, s.nat_onbekend = gesl, nat_codes, nat_idx, nat_onbekend


def overlijden(s: Blok) -> None:
    """Deaths of planted deceased applicants and of historic persons."""
    n, role, hh, hv, in_hh, P, rng, brp_dag = s.n, s.role, s.hh, s.hv, s.in_hh, s.P, s.rng, s.brp_dag
    jaar, geb = s.jaar, s.geb
    # deaths
    dood = np.full(n, -1, dtype=np.int64)
    m = (role == R_HOOFD) & hh["dood"][hv] & in_hh
    dood[m] = (P - rng.integers(5, 120, n))[m]
    dood = np.where(dood > brp_dag - 1, brp_dag - 1, dood)
    hist_dood = (role == R_HIST) & (rng.random(n) < 0.35)
    hist_uit = P - np.floor(rng.random(n) ** 1.5 * 15 * jaar).astype(np.int64) - 2
    hist_uit = np.maximum(hist_uit, geb + int(18 * jaar))
    hist_uit = np.minimum(hist_uit, brp_dag - 1)
    dood[hist_dood] = hist_uit[hist_dood]
    dood = np.where(dood >= 0, np.maximum(dood, geb), -1)
    s.dood, s.hist_uit = dood, hist_uit


def studiefinanciering_status(s: Blok) -> None:
    """Study finance status per person (WSF, ended WSF, WTOS)."""
    n, rng, age, role, ptype, xkind, geb, jaar = s.n, s.rng, s.age, s.role, s.ptype, s.xkind, s.geb, s.jaar
    P = s.P
    # studiefinanciering
    sf = np.zeros(n, dtype=np.int64)
    r = rng.random(n)
    jong = (age >= 18) & (age < 27) & ((role == R_KIND) | (role == R_HUISGENOOT))
    sf[jong & (r < 0.50)] = SF_WSF
    sf[jong & (r >= 0.50) & (r < 0.60)] = SF_WSF_OUD
    sf[(age >= 18) & (age < 31) & (role == R_KIND) & (r >= 0.97)] = SF_WTOS
    sf[(role == R_HUISGENOOT) & (ptype == T_STUDENTEN) & (r < 0.85)] = SF_WSF
    sf[xkind == X_WSF] = SF_WSF
    sf[xkind == X_KOR_WSF_OUD] = SF_WSF_OUD
    sf_start = geb + int(18 * jaar) + rng.integers(0, 400, n)
    sf_start = np.minimum(sf_start, P - 20)
    sf_einde = np.full(n, -1, dtype=np.int64)
    m = sf == SF_WSF_OUD
    sf_start[m] = np.minimum(sf_start, P - 400)[m]
    sf_einde[m] = np.minimum(sf_start + rng.integers(180, 5 * 365, n), P - 30)[m]
    sf_loopt = (sf == SF_WSF) | (sf == SF_WTOS)
    s.sf_loopt, s.sf, s.sf_einde, s.sf_start = sf_loopt, sf, sf_einde, sf_start


def woonsituatie(s: Blok) -> None:
    """Current residence: address, briefadres, start and end."""
    in_hh, hh, hv, n, postadres, xkind, role, P = s.in_hh, s.hh, s.hv, s.n, s.postadres, s.xkind, s.role, s.P
    rng, geb, brp_dag, dood = s.rng, s.geb, s.brp_dag, s.dood
    # current residence
    cur_addr = np.where(in_hh, hh["addr"][hv], -1)
    cur_b = np.zeros(n, dtype=bool)
    m = hh["dakloos"][hv] & in_hh
    cur_addr[m] = postadres[hh["gem"][hv]][m]
    cur_b[m] = True
    cur_b[xkind == X_BRIEF] = True
    cur_start = np.where(in_hh, hh["inn"][hv], 0)
    m = hh["gast"][hv] >= 0
    cur_start[m & in_hh] = hh["verhuis"][hv][m & in_hh]
    m = role == R_EXTRA
    cur_start[m] = (P - rng.integers(30, 1000, n))[m]
    cur_start = np.maximum(cur_start, geb)
    cur_start = np.minimum(cur_start, brp_dag - 1)
    cur_einde = np.full(n, -1, dtype=np.int64)
    m = xkind == X_VERHUISD
    cur_start[m] = (P - rng.integers(400, 1500, n))[m]
    cur_einde[m] = (P - rng.integers(10, 200, n))[m]
    m = dood >= 0
    cur_einde[m & in_hh] = dood[m & in_hh]
    cur_start = np.where(cur_einde >= 0, np.minimum(cur_start, cur_einde), cur_start)
    w_nu = in_hh & (cur_addr >= 0) & ~cur_b & (cur_start <= P) & (cur_einde < 0)
    s.w_nu, s.cur_addr, s.cur_start, s.cur_b, s.cur_einde = w_nu, cur_addr, cur_start, cur_b, cur_einde


def bsn_nummers(s: Blok) -> None:
    """BSNs of the block's persons, BSNs of persons outside it, household lookups."""
    ctx, b, n, H, role, hhx = s.ctx, s.b, s.n, s.H, s.role, s.hhx
    # BSNs
    kand = _bsns(b * KANDIDATEN_PER_BLOK, (b + 1) * KANDIDATEN_PER_BLOK, ctx.bsn_b)
    assert len(kand) >= n, "blok te groot voor de BSN-ruimte"
    bsn = kand[:n]
    ext = _Extern(b, ctx.bsn_b)  # BSNs of persons outside the block

    # household lookups
    hoofd = np.full(H, -1, dtype=np.int64)
    hoofd[hhx[role == R_HOOFD]] = np.flatnonzero(role == R_HOOFD)
    partner = np.full(H, -1, dtype=np.int64)
    partner[hhx[role == R_PARTNER]] = np.flatnonzero(role == R_PARTNER)
    s.hoofd, s.partner, s.bsn, s.ext = hoofd, partner, bsn, ext
