"""Synthetic deliveries of all five sources in the landing contract (`systeemanalyse demo-data`).

`genereer(uit, schaal, seed, peildatum)` writes, for a fictitious municipality (or the whole
country), deliveries of brp, ib, suwi, rdw and gemeente in the layout

    <uit>/<bron>/<leverdatum>/<bestand>.csv + manifest.json

exactly as ../shared/contracts/extracts.md describes, plus one earlier gemeente delivery
(peildatum minus one day) so that a volume check has something to compare with.

Design
------
* Fully vectorised with numpy; polars only formats text and writes the CSV bytes. There is no
  Python loop per person or row, only over a handful of categories and over blocks.
* Persons are generated in blocks of at most 1,000,000 persons; every block is an independent
  "sub-municipality" (own addresses, households, dossiers) with its own random stream
  `default_rng([seed, blok])`. Blocks are appended to the open files, so memory stays bounded
  at national scale. Same arguments -> same bytes.
* Households first (type, size, head age, address), then the benefit dossiers (more often in
  some wijken, among single parents, the young and the 55+), then the planted non-compliance,
  which is drawn uniformly at random among the active PW dossiers so that the signals are not
  skewed by wijk, geboorteland or nationaliteit.
* Planted cases per theme (with near misses that must NOT give a signal) are listed in `GEPLANT`
  below; the messy cases are applied by `_Rommel` at the end of `_blok`. Both are counted in the
  summary that `genereer` returns (`geplant`, `rommel`).
* Empty field = unknown: every unknown value is written as an empty field (never `""`).

The Tabel 32/34 codes used are illustrative (plausible 4-digit codes); `NATIONALITEIT_GROEP`
tells which nationality codes are meant as Dutch, EU or other.
"""
from __future__ import annotations

import hashlib
import io
import json
import math
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

__all__ = ["genereer", "leverdata", "SCHALEN", "KOLOMMEN", "BRONBESTANDEN", "NATIONALITEIT_GROEP",
           "LAND_NEDERLAND"]

# --------------------------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------------------------

SCHALEN = {"gemeente": 244_000, "g4": 1_000_000, "landelijk": 18_000_000}
DOSSIERS_PER_PERSOON = {"gemeente": 0.0385, "g4": 0.0385, "landelijk": 406_000 / 18_000_000}
BLOK = 1_000_000  # persons per block
GEMEENTE = "0014"

KOLOMMEN: dict[tuple[str, str], list[str]] = {
    ("brp", "personen.csv"): ["bsn", "geboortedatum", "geslacht", "geboorteland", "nationaliteit",
                              "datum_overlijden"],
    ("brp", "verblijfplaatsen.csv"): ["bsn", "adres_id", "functie_adres", "datum_aanvang", "datum_einde"],
    ("brp", "relaties.csv"): ["bsn", "relatie_bsn", "soort", "datum_aanvang", "datum_einde"],
    ("brp", "adressen.csv"): ["adres_id", "postcode", "huisnummer", "huisletter", "huisnummertoevoeging",
                              "woonplaats", "wijk_code", "buurt_code", "gebruiksdoel", "oppervlakte_m2",
                              "status"],
    ("ib", "vermogen.csv"): ["bsn", "rekening_id", "soort", "land", "saldo_cent", "saldo_peildatum"],
    ("suwi", "polis.csv"): ["bsn", "inkomstenverhouding_id", "loonheffingennummer", "soort",
                            "periode_start", "periode_einde", "bruto_cent"],
    ("suwi", "studiefinanciering.csv"): ["bsn", "soort", "datum_aanvang", "datum_einde"],
    ("rdw", "tenaamstellingen.csv"): ["kenteken", "bsn", "datum_aanvang_tenaamstelling",
                                      "datum_einde_tenaamstelling", "voertuigsoort", "merk",
                                      "handelsbenaming", "datum_eerste_toelating", "catalogusprijs"],
    ("gemeente", "uitkeringen.csv"): ["dossier_id", "bsn", "partner_bsn", "regeling", "normcategorie",
                                      "kostendelers", "datum_aanvang", "datum_einde", "kwetsbaar"],
    ("gemeente", "onderzoeken.csv"): ["onderzoek_id", "signaal_id", "dossier_id", "bsn", "herkomst", "thema",
                                      "datum_start", "datum_einde", "uitkomst", "vordering_cent",
                                      "boete_cent", "waarschuwing"],
    ("gemeente", "opgegeven_inkomsten.csv"): ["dossier_id", "bsn", "periode", "bruto_cent"],
}

# File-level messy cases (the contract allows them; the pipeline must cope).
BESTAND_MET_BOM = ("rdw", "tenaamstellingen.csv")
BESTAND_MET_CRLF = ("brp", "relaties.csv")
BESTAND_ANDERE_VOLGORDE = ("suwi", "polis.csv")
ANDERE_VOLGORDE = ["bsn", "soort", "bruto_cent", "periode_start", "periode_einde", "inkomstenverhouding_id",
                   "loonheffingennummer"]
BESTAND_EXTRA_KOLOM = ("brp", "adressen.csv")
EXTRA_KOLOM = "bouwjaar"

THEMAS = ("vermogen_voertuigen", "vermogen_bank", "huisvesting_bezetting", "huisvesting_kostendelers")

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

# RDW: (voertuigsoort, merk, handelsbenaming, catalogusprijs in euros; 0 = usually unknown)
VOERTUIGSOORTEN = ["Personenauto", "Bedrijfsauto", "Motorfiets", "Bromfiets", "Aanhangwagen", "Oplegger",
                   "Driewielig motorrijtuig"]
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

HERKOMSTEN = ["themacontrole", "steekproef", "tip", "laa", "inkomstenverrekening", "overig"]
HERKOMST_P = [0.25, 0.08, 0.22, 0.12, 0.18, 0.15]
UITKOMSTEN = ["lopend", "geen_afwijking", "niet_naleving", "niet_meegewerkt"]
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
# name: (fraction, pool) ; pools: "alle", "klein" (<= 4 persons), "tot6" (<= 6), "tot7"
GEPLANT = {
    # vermogen_voertuigen
    "V_SIGNAAL": (0.013, "alle"),      # >= 3 distinct counted kentekens started within 12 months
    "V_TWEE": (0.008, "alle"),         # exactly 2 (near miss)
    "V_DUBBEL": (0.003, "alle"),       # 3 registrations, one kenteken twice (2 distinct)
    "V_SOORT": (0.003, "alle"),        # 2 counted + Bromfiets/Aanhangwagen/... (not counted)
    "V_OUD": (0.003, "alle"),          # 2 within + 1 started just before the 12-month window
    # vermogen_bank
    "B_SIGNAAL": (0.016, "alle"),      # newest balances sum > limit + 500
    "B_NET_ONDER": (0.005, "alle"),    # limit <= sum <= limit + 450 (near miss)
    "B_OUD_JAAR": (0.004, "alle"),     # an older year above the limit, newest low (near miss)
    # huisvesting_bezetting
    "Z_DRUK": (0.005, "tot6"),         # 8..11 persons with a current woonadres
    "Z_KLEIN": (0.004, "alle"),        # < 12 m2 per person
    "Z_BUITEN_GEBRUIK": (0.003, "alle"),
    "Z_GEEN_WOON": (0.003, "alle"),    # gebruiksdoel without woonfunctie
    "Z_ZEVEN": (0.002, "tot7"),        # exactly 7 persons (near miss)
    "Z_PRECIES_12": (0.002, "alle"),   # exactly 12 m2 per person (near miss)
    # huisvesting_kostendelers
    "K_HUISGENOOT": (0.012, "klein"),  # co-resident(s) 27+ not in kostendelers
    "K_26": (0.003, "klein"),          # co-resident aged 26 (near miss)
    "K_STUDENT": (0.003, "klein"),     # co-resident 27+ with ongoing WSF (near miss)
    "K_DEELDATUM": (0.002, "klein"),   # co-resident born YYYY0000, 26 in the resident's favour (near miss)
    "K_BRIEFADRES": (0.002, "klein"),  # co-resident 30+ with only a briefadres there (near miss)
    "K_VERHUISD": (0.002, "klein"),    # co-resident 30+ whose woonadres there ended (near miss)
}
K_GROEP_FRACTIE = 0.0035  # groups of 2-3 benefit households at one address (the plan's named case)


# --------------------------------------------------------------------------------------------
# Date helpers (days since 1970-01-01, vectorised)
# --------------------------------------------------------------------------------------------

EPOCH = date(1970, 1, 1)
GEEN = -(10**9)  # "no date" in day-number arrays (day numbers themselves may be negative: before 1970)


def _dag(d: date) -> int:
    return (d - EPOCH).days


def _ymd(z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Civil date from days since epoch (H. Hinnant's algorithm)."""
    z = np.asarray(z, dtype=np.int64) + 719468
    era = np.floor_divide(z, 146097)
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = np.where(mp < 10, mp + 3, mp - 9)
    return y + (m <= 2), m, d


def _dagen(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    y = np.asarray(y, dtype=np.int64)
    m = np.asarray(m, dtype=np.int64)
    d = np.asarray(d, dtype=np.int64)
    y = y - (m <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    mp = np.where(m > 2, m - 3, m + 9)
    doy = (153 * mp + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _maanden_terug(d: date, maanden: int) -> date:
    """The same day `maanden` months earlier (the month's last day when that day does not exist)."""
    j, m = divmod(d.year * 12 + d.month - 1 - maanden, 12)
    return date(j, m + 1, min(d.day, [31, 29 if j % 4 == 0 and (j % 100 != 0 or j % 400 == 0) else 28, 31, 30, 31,
                                       30, 31, 31, 30, 31, 30, 31][m]))


def _maand_index(z: np.ndarray) -> np.ndarray:
    y, m, _ = _ymd(z)
    return y * 12 + (m - 1)


def _maand_start(mi: np.ndarray) -> np.ndarray:
    mi = np.asarray(mi, dtype=np.int64)
    return _dagen(mi // 12, mi % 12 + 1, np.ones_like(mi))


def _jaren_terug(z: np.ndarray, jaren: int | np.ndarray) -> np.ndarray:
    """The same calendar day `jaren` years earlier (29 Feb -> 28 Feb)."""
    y, m, d = _ymd(z)
    y2 = y - jaren
    d = np.where((m == 2) & (d == 29), 28, d)
    return _dagen(y2, m, d)


# --------------------------------------------------------------------------------------------
# Text helpers (polars, vectorised)
# --------------------------------------------------------------------------------------------

def _leeg(s: pl.Series, masker: np.ndarray) -> pl.Series:
    """Set the masked positions to null (= empty field)."""
    if not masker.any():
        return s
    return pl.select(pl.when(pl.Series(masker)).then(None).otherwise(s).alias(s.name)).to_series()


def _iso(dagen: np.ndarray, leeg: np.ndarray | None = None) -> pl.Series:
    s = pl.Series(np.asarray(dagen, dtype=np.int32)).cast(pl.Date).cast(pl.String)
    return _leeg(s, leeg) if leeg is not None else s


def _gba_int(dagen: np.ndarray) -> np.ndarray:
    y, m, d = _ymd(dagen)
    return y * 10000 + m * 100 + d


def _gba(waarden: np.ndarray, leeg: np.ndarray | None = None) -> pl.Series:
    s = pl.Series(np.asarray(waarden, dtype=np.int64)).cast(pl.String).str.zfill(8)
    return _leeg(s, leeg) if leeg is not None else s


def _bsn_tekst(bsn: np.ndarray) -> pl.Series:
    return pl.Series(np.asarray(bsn, dtype=np.int64)).cast(pl.String).str.zfill(9)


def _code(prefix: str, nummers: np.ndarray, breedte: int) -> pl.Series:
    return prefix + pl.Series(np.asarray(nummers, dtype=np.int64)).cast(pl.String).str.zfill(breedte)


def _kies(waarden: list[str], idx: np.ndarray) -> pl.Series:
    """Strings by index (categorical lookup)."""
    return pl.Series(waarden, dtype=pl.String).gather(pl.Series(np.asarray(idx, dtype=np.int64)))


# --------------------------------------------------------------------------------------------
# BSN
# --------------------------------------------------------------------------------------------

_BSN_A = 48_271_237  # coprime with 10: k -> (A k + B) mod 10^8 is a bijection
KANDIDATEN_PER_BLOK = 1_200_000
EXTERN_BASIS = 40_000_000
EXTERN_PER_BLOK = 1_500_000


def _bsns(k0: int, k1: int, b: int) -> np.ndarray:
    """All valid BSNs (as int) for candidate numbers k0..k1-1, in candidate order.

    The 8-digit prefix p = (A k + B) mod 10^8 is a bijection, so BSNs from disjoint candidate
    ranges never collide. The check digit makes the weighted sum divisible by 11; prefixes whose
    check digit would be 10 are skipped.
    """
    k = np.arange(k0, k1, dtype=np.int64)
    p = (k * _BSN_A + b) % 100_000_000
    q = p.copy()
    s = np.zeros_like(p)
    for gewicht in range(2, 10):
        s += (q % 10) * gewicht
        q //= 10
    d9 = s % 11
    ok = (d9 != 10) & (p != 0)
    return (p * 10 + d9)[ok]


# --------------------------------------------------------------------------------------------
# Output files
# --------------------------------------------------------------------------------------------

class _Bestand:
    """One CSV file, written in blocks, hashed while writing."""

    def __init__(self, pad: Path, kolommen: list[str], *, bom: bool = False, crlf: bool = False):
        self.pad = pad
        self.kolommen = kolommen
        self.eol = "\r\n" if crlf else "\n"
        self.h = hashlib.sha256()
        self.rijen = 0
        self.bytes = 0
        self.f = open(pad, "wb")
        self._schrijf((b"\xef\xbb\xbf" if bom else b"") + (";".join(kolommen) + self.eol).encode("utf-8"))

    def _schrijf(self, b: bytes) -> None:
        self.f.write(b)
        self.h.update(b)
        self.bytes += len(b)

    def voeg_toe(self, df: pl.DataFrame) -> None:
        if df.height == 0:
            return
        buf = io.BytesIO()
        df.select(self.kolommen).write_csv(buf, include_header=False, separator=";", quote_char='"',
                                           line_terminator=self.eol, null_value="")
        self._schrijf(buf.getvalue())
        self.rijen += df.height

    def sluit(self) -> dict:
        self.f.close()
        return {"naam": self.pad.name, "rijen": self.rijen, "sha256": self.h.hexdigest()}


class _Levering:
    def __init__(self, uit: Path, bron: str, leverdatum: date, namen: list[str]):
        self.bron = bron
        self.leverdatum = leverdatum
        self.map = uit / bron / leverdatum.isoformat()
        self.map.mkdir(parents=True, exist_ok=True)
        self.bestanden: dict[str, _Bestand] = {}
        for naam in namen:
            kol = list(KOLOMMEN[(bron, naam)])
            if (bron, naam) == BESTAND_ANDERE_VOLGORDE:
                kol = list(ANDERE_VOLGORDE)
            if (bron, naam) == BESTAND_EXTRA_KOLOM:
                kol.insert(9, EXTRA_KOLOM)
            self.bestanden[naam] = _Bestand(self.map / naam, kol, bom=(bron, naam) == BESTAND_MET_BOM,
                                            crlf=(bron, naam) == BESTAND_MET_CRLF)

    def sluit(self) -> dict[str, dict]:
        items = [b.sluit() for b in self.bestanden.values()]
        manifest = {"bron": self.bron, "leverdatum": self.leverdatum.isoformat(), "gemeente": GEMEENTE,
                    "bestanden": items}
        (self.map / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        return {f"{self.bron}/{self.leverdatum.isoformat()}/{b.pad.name}": {"rijen": b.rijen, "bytes": b.bytes}
                for b in self.bestanden.values()}


# --------------------------------------------------------------------------------------------
# Context
# --------------------------------------------------------------------------------------------

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


def _vermogensgrens(jaar: int) -> tuple[int, int]:
    if jaar <= 2023:
        return 760_500, 1_521_000
    return 757_500, 1_515_000  # 2024 amounts, carried forward for later years


def _blokken(n: int) -> list[int]:
    k = max(1, math.ceil(n / BLOK))
    basis = n // k
    return [basis + (1 if i < n - basis * k else 0) for i in range(k)]


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


# --------------------------------------------------------------------------------------------
# Generic vectorised helpers
# --------------------------------------------------------------------------------------------

def _uitvouwen(aantallen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For segment counts, return (owner index, position within segment) per element."""
    aantallen = np.asarray(aantallen, dtype=np.int64)
    eigenaar = np.repeat(np.arange(len(aantallen), dtype=np.int64), aantallen)
    starts = np.cumsum(aantallen) - aantallen
    pos = np.arange(len(eigenaar), dtype=np.int64) - np.repeat(starts, aantallen)
    return eigenaar, pos


def _seg_cumsum(waarden: np.ndarray, aantallen: np.ndarray) -> np.ndarray:
    """Cumulative sum restarting at every segment (segments given by their counts)."""
    waarden = np.asarray(waarden, dtype=np.int64)
    cum = np.cumsum(waarden)
    aantallen = np.asarray(aantallen, dtype=np.int64)
    start = np.repeat(np.cumsum(aantallen) - aantallen, aantallen)
    return cum - (cum[start] - waarden[start]) if len(waarden) else cum


def _aantal(rng_n: int, fractie: float, minimum_bij: int = 100) -> int:
    k = int(round(rng_n * fractie))
    if k == 0 and rng_n >= minimum_bij and fractie > 0:
        k = 1
    return k


def _ri(rng: np.random.Generator, a, b, n=None):
    """Random integers in [a, b) (array bounds allowed)."""
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    return (a + np.floor(rng.random(n if n is not None else np.broadcast(a, b).shape) *
                         np.maximum(b - a, 1))).astype(np.int64)


# --------------------------------------------------------------------------------------------
# Messy cases
# --------------------------------------------------------------------------------------------

class _Rommel:
    """Applies row-level messy cases to a frame of text columns, counting what it did."""

    def __init__(self, ctx: _Ctx, rng: np.random.Generator, bestand: str, df: pl.DataFrame):
        self.ctx = ctx
        self.rng = rng
        self.bestand = bestand
        self.df = df
        self.bezet = np.zeros(df.height, dtype=bool)

    def _rijen(self, fractie: float, geschikt: np.ndarray | None = None) -> np.ndarray:
        n = self.df.height
        k = _aantal(n, fractie)
        vrij = ~self.bezet if geschikt is None else (~self.bezet & geschikt)
        kand = np.flatnonzero(vrij)
        k = min(k, len(kand))
        if k == 0:
            return np.zeros(0, dtype=np.int64)
        idx = np.sort(self.rng.choice(kand, size=k, replace=False))
        self.bezet[idx] = True
        return idx

    def _zet(self, kolom: str, idx: np.ndarray, nieuw: pl.Series, soort: str) -> None:
        if len(idx) == 0:
            return
        s = self.df.get_column(kolom).clone()
        s.scatter(idx, nieuw)
        self.df = self.df.with_columns(s)
        self.ctx.tel(self.ctx.rommel, f"{self.bestand}:{kolom}:{soort}", len(idx))

    def _niet_leeg(self, kolom: str) -> np.ndarray:
        return self.df.get_column(kolom).is_not_null().to_numpy()

    def bsn(self, kolom: str, elf: float = 0.0, acht: float = 0.0, spatie: float = 0.0) -> None:
        s = self.df.get_column(kolom)
        ok = self._niet_leeg(kolom)
        if elf:
            idx = self._rijen(elf, ok)
            v = s.gather(idx)
            last = v.str.slice(8, 1).cast(pl.Int64)
            delta = pl.Series(self.rng.integers(1, 10, len(idx)))
            self._zet(kolom, idx, v.str.slice(0, 8) + ((last + delta) % 10).cast(pl.String), "11-proef")
        if acht:
            idx = self._rijen(acht, ok & s.str.starts_with("0").fill_null(False).to_numpy())
            self._zet(kolom, idx, s.gather(idx).str.slice(1), "8 cijfers")
        if spatie:
            idx = self._rijen(spatie, ok)
            v = s.gather(idx)
            self._zet(kolom, idx, v.str.slice(0, 3) + " " + v.str.slice(3, 3) + " " + v.str.slice(6), "spatie")

    def datum(self, kolom: str, iso: bool, nul: float = 0.0, maand13: float = 0.0, feb30: float = 0.0) -> None:
        s = self.df.get_column(kolom)
        ok = self._niet_leeg(kolom)
        sep = "-" if iso else ""
        if nul:
            idx = self._rijen(nul, ok)
            self._zet(kolom, idx, pl.Series(["0000-00-00" if iso else "00000000"] * len(idx)), "00000000")
        if maand13:
            idx = self._rijen(maand13, ok)
            v = s.gather(idx)
            dag = v.str.slice(8 if iso else 6, 2)
            self._zet(kolom, idx, v.str.slice(0, 4) + sep + "13" + sep + dag, "maand 13")
        if feb30:
            idx = self._rijen(feb30, ok)
            v = s.gather(idx)
            self._zet(kolom, idx, v.str.slice(0, 4) + sep + "02" + sep + "30", "30 februari")

    def dubbel(self, sleutel: str, fractie: float) -> None:
        idx = self._rijen(fractie)
        if len(idx) == 0:
            return
        self.df = pl.concat([self.df, self.df[idx]], how="vertical")
        self.bezet = np.concatenate([self.bezet, np.ones(len(idx), dtype=bool)])
        self.ctx.tel(self.ctx.rommel, f"{self.bestand}:{sleutel}:duplicaat", len(idx))


# --------------------------------------------------------------------------------------------
# One block
# --------------------------------------------------------------------------------------------

def _blok(ctx: _Ctx, b: int, n_c: int) -> dict[str, pl.DataFrame]:
    rng = np.random.default_rng([ctx.seed, b])
    P = ctx.P
    Py, Pm, Pd = ctx.peildatum.year, ctx.peildatum.month, ctx.peildatum.day
    brp_dag = _dag(ctx.lever["brp"])
    jaar = 365.25
    tel = ctx.tellers

    # ---------------------------------------------------------------- addresses (BAG)
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

    # ---------------------------------------------------------------- households
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

    # ---------------------------------------------------------------- dossiers (household level)
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

    # ---------------------------------------------------------------- planted (household level)
    h_cat = np.zeros(H, dtype=np.int64)  # index into GEPLANT (+1); 0 = none
    gebruikt = np.zeros(H, dtype=bool)
    pools = {"alle": np.ones(H, bool), "klein": h_size <= 4, "tot6": h_size <= 6, "tot7": h_size <= 7}
    namen = list(GEPLANT)
    geplant_idx: dict[str, np.ndarray] = {}

    # Planted cases are drawn by systematic sampling from the candidates sorted by wijk, age band,
    # duration on benefit, household type and country of birth (NL/other), then at random: every
    # wijk and group gets its proportional share, so the planted non-compliance carries no pattern
    # by wijk or origin.
    leeftijdsband = np.digitize(h_age, [27, 40, 55, 67])
    duurband = np.digitize(P - h_start, [365, 3 * 365, 5 * 365])
    strata = (((h_wijk * 5 + leeftijdsband) * 4 + duurband) * 6 + h_type) * 2 + (h_origin != 0)

    def trek(fractie: float, pool: np.ndarray) -> np.ndarray:
        k = _aantal(n_act, fractie, minimum_bij=50)
        kand = act_pw[(~gebruikt[act_pw]) & pool[act_pw]]
        k = min(k, len(kand))
        if k == 0:
            return np.zeros(0, np.int64)
        kand = kand[np.lexsort((rng.random(len(kand)), strata[kand]))]
        stap = len(kand) / k
        sel = np.sort(kand[np.floor(rng.random() * stap + stap * np.arange(k)).astype(np.int64)])
        gebruikt[sel] = True
        return sel

    for i, naam in enumerate(namen):
        frac, pool = GEPLANT[naam]
        sel = trek(frac, pools[pool])
        h_cat[sel] = i + 1
        geplant_idx[naam] = sel
    # groups of benefit households at one address
    # hosts are 27+ (so that every mover's A rises); movers of any age (a young mover's own A rises,
    # the host's only when the mover is 27+)
    gasten = trek(K_GROEP_FRACTIE, (h_size <= 3) & (h_age >= 27))
    n_mee = np.where(rng.random(len(gasten)) < 0.9, 1, 2)
    meeverhuizers = trek(n_mee.sum() / max(n_act, 1), h_size <= 3) if len(gasten) else np.zeros(0, np.int64)
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

    # extra persons per household
    c = {n: i + 1 for i, n in enumerate(namen)}
    n_extra = np.zeros(H, dtype=np.int64)
    n_extra[h_cat == c["Z_DRUK"]] = (8 - h_size + rng.integers(0, 4, H))[h_cat == c["Z_DRUK"]]
    n_extra[h_cat == c["Z_ZEVEN"]] = (7 - h_size)[h_cat == c["Z_ZEVEN"]]
    n_extra[h_cat == c["K_HUISGENOOT"]] = np.where(rng.random(H) < 0.8, 1, 2)[h_cat == c["K_HUISGENOOT"]]
    for naam in ("K_26", "K_STUDENT", "K_DEELDATUM", "K_BRIEFADRES", "K_VERHUISD"):
        n_extra[h_cat == c[naam]] = 1
    n_extra = np.maximum(n_extra, 0)

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
    # movers: new address = host's address; keep the old one for the history
    hh["oud_addr"] = hh["addr"].copy()
    hh["verhuis"] = np.full(H, -1, dtype=np.int64)
    mv = np.flatnonzero(hh["gast"] >= 0)
    hh["addr"][mv] = hh["addr"][hh["gast"][mv]]
    hh["verhuis"][mv] = P - rng.integers(60, 900, len(mv))
    for naam in namen:
        ctx.tel(ctx.geplant, naam, int((hh["cat"] == c[naam]).sum()))
    ctx.tel(ctx.geplant, "K_GROEP_adressen", int(((hh["gast"] < 0) & hh["groep"]).sum()))
    ctx.tel(ctx.geplant, "K_GROEP_dossiers", int(hh["groep"].sum()))
    ctx.tel(ctx.geplant, "dakloos_briefadres", int(hh["dakloos"].sum()))
    ctx.tel(ctx.geplant, "overleden_aanvrager", int(hh["dood"].sum()))

    # ---------------------------------------------------------------- persons
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

    # BSNs
    kand = _bsns(b * KANDIDATEN_PER_BLOK, (b + 1) * KANDIDATEN_PER_BLOK, ctx.bsn_b)
    assert len(kand) >= n, "blok te groot voor de BSN-ruimte"
    bsn = kand[:n]
    extern = _bsns(EXTERN_BASIS + b * EXTERN_PER_BLOK, EXTERN_BASIS + (b + 1) * EXTERN_PER_BLOK, ctx.bsn_b)
    ext_pos = 0

    def ext(k: int) -> np.ndarray:
        nonlocal ext_pos
        v = extern[ext_pos: ext_pos + k]
        ext_pos += k
        assert len(v) == k
        return v

    # household lookups
    hoofd = np.full(H, -1, dtype=np.int64)
    hoofd[hhx[role == R_HOOFD]] = np.flatnonzero(role == R_HOOFD)
    partner = np.full(H, -1, dtype=np.int64)
    partner[hhx[role == R_PARTNER]] = np.flatnonzero(role == R_PARTNER)

    # ---------------------------------------------------------------- kostendelers A
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

    # ---------------------------------------------------------------- address adjustments (bezetting)
    dos_addr = app_addr  # per household
    m = hh["cat"] == c["Z_KLEIN"]
    ad = dos_addr[m & (dos_addr >= 0)]
    cw = np.maximum(cnt_w[ad], 1)
    opp_klein = _ri(rng, np.maximum(4, 5 * cw), 12 * cw, len(ad))
    opp_min = 12 * cnt_w + 3
    opp = np.where(cnt_w > 0, np.maximum(opp, opp_min), opp)
    opp[ad] = opp_klein
    m = hh["cat"] == c["Z_PRECIES_12"]
    ad = dos_addr[m & (dos_addr >= 0)]
    opp[ad] = 12 * np.maximum(cnt_w[ad], 1)
    ad = dos_addr[(hh["cat"] == c["Z_BUITEN_GEBRUIK"]) & (dos_addr >= 0)]
    status[ad] = ST_BUITEN
    ad = dos_addr[(hh["cat"] == c["Z_GEEN_WOON"]) & (dos_addr >= 0)]
    doel[ad] = rng.integers(N_WOON, len(GEBRUIKSDOELEN), len(ad))

    # ---------------------------------------------------------------- frames: adressen
    gem_codes = [g[0] for g in gem]
    wijk2 = pl.Series(wijk_nr[a_wijk]).cast(pl.String).str.zfill(2)
    gcode = _kies(gem_codes, a_gem)
    gidx_global = np.array([int(g) for g in gem_codes])[a_gem]
    if len(gem) == 1 and gem_codes[0] == GEMEENTE:
        pc4 = 9711 + ((wijk_nr[a_wijk] - 1) * 4 + a_buurt) % 88
        wp_lijst = ["Groningen", "Haren", "Ten Boer"]
        nw = wijk_nr.max()
        wn = wijk_nr[a_wijk]
        wp_idx = np.where((wn == nw) & (nw >= 5), 2, np.where((wn == nw - 1) & (nw >= 5), 1, 0))
        woonplaats = _kies(wp_lijst, wp_idx)
    else:
        pc4 = 1000 + (gidx_global * 97 + wijk_nr[a_wijk] * 7 + a_buurt) % 8999
        woonplaats = _kies([g[1] for g in gem], a_gem)
    letters = np.array(list("ABCDEGHJKLMNPRSTVWXZ"))
    li = straat % 400
    pc = (pl.Series(pc4).cast(pl.String) + pl.Series(letters[li // 20]) + pl.Series(letters[li % 20]))
    adres_nr = tel["adres"] + volg + 1
    adres_id = gcode + "20" + pl.Series(adres_nr).cast(pl.String).str.zfill(10)
    r = rng.random(n_addr)
    huisletter = _leeg(_kies(["A", "B", "C"], rng.integers(0, 3, n_addr)), r >= 0.04)
    r = rng.random(n_addr)
    toev = _leeg(_kies(["1", "2", "3", "H", "BIS", "I", "II"], rng.integers(0, 7, n_addr)), r >= 0.06)
    adressen = pl.DataFrame({
        "adres_id": adres_id,
        "postcode": pc,
        "huisnummer": pl.Series(huisnummer, dtype=pl.Int64),
        "huisletter": huisletter,
        "huisnummertoevoeging": toev,
        "woonplaats": woonplaats,
        "wijk_code": "WK" + gcode + wijk2,
        "buurt_code": "BU" + gcode + wijk2 + pl.Series(a_buurt).cast(pl.String).str.zfill(2),
        "gebruiksdoel": _kies(GEBRUIKSDOELEN, doel),
        EXTRA_KOLOM: pl.Series(rng.integers(1850, 2026, n_addr), dtype=pl.Int64),
        "oppervlakte_m2": pl.Series(opp, dtype=pl.Int64),
        "status": _kies(STATUSSEN, status),
    })
    tel["adres"] += n_addr

    # ---------------------------------------------------------------- frames: personen
    bsn_s = _bsn_tekst(bsn)
    personen = pl.DataFrame({
        "bsn": bsn_s,
        "geboortedatum": _gba(gba_geb),
        "geslacht": _kies(["M", "V", "O"], gesl),
        "geboorteland": _kies([x_[0] for x_ in LANDEN], land_idx),
        "nationaliteit": _leeg(_kies(nat_codes, nat_idx), nat_onbekend),
        "datum_overlijden": _gba(_gba_int(np.maximum(dood, 0)), dood < 0),
    })

    # ---------------------------------------------------------------- verblijfplaatsen
    # previous periods (adults), forced previous period for movers, birth address for children
    r = rng.random(n)
    n_prev = np.select([r < 0.40, r < 0.75, r < 0.92], [0, 1, 2], 3)
    n_prev = np.where((age >= 18) & (role != R_HIST), n_prev, 0)
    is_mover = in_hh & (hh["gast"][hv] >= 0)
    kind_voor = in_hh & (geb < cur_start - 30) & (age < 18)
    n_prev = np.where(kind_voor, 1, n_prev)
    vp_p, vp_j = _uitvouwen(n_prev)
    L = rng.integers(200, 3000, len(vp_p))
    # children: one period from birth to move-in
    kv = kind_voor[vp_p]
    L = np.where(kv, cur_start[vp_p] - geb[vp_p], L)
    # movers: the most recent previous period is at the old address since the household's move-in
    mv1 = is_mover[vp_p] & (vp_j == 0)
    L = np.where(mv1, np.maximum(cur_start[vp_p] - hh["inn"][hv][vp_p], 30), L)
    cum_in = _seg_cumsum(L, n_prev)
    v_start = cur_start[vp_p] - cum_in
    v_einde = v_start + L - 1
    volw = np.floor(16 * jaar).astype(np.int64)
    keep = kv | (v_start >= geb[vp_p] + volw)
    v_adr = rng.integers(0, n_addr, len(vp_p))
    v_adr = np.where(mv1, hh["oud_addr"][hv][vp_p], v_adr)
    v_leeg = (rng.random(len(vp_p)) < 0.05) & ~mv1
    v_b = (rng.random(len(vp_p)) < 0.02) & ~mv1
    # movers without a previous period get one (n_prev may be 0 for them)
    # (handled: movers' n_prev forced below if needed)
    prev = dict(p=vp_p[keep], adr=v_adr[keep], leeg=v_leeg[keep], b=v_b[keep], s=v_start[keep],
                e=v_einde[keep])
    # historic persons: 1-3 periods, all ended at move-out/death
    hist = np.flatnonzero(role == R_HIST)
    nh = rng.integers(1, 4, len(hist))
    h_p, h_j = _uitvouwen(nh)
    hp_ = hist[h_p]
    Lh = rng.integers(200, 4000, len(hp_))
    cumh = _seg_cumsum(Lh, nh)
    eind_h = np.where(dood[hp_] >= 0, dood[hp_], hist_uit[hp_])
    h_e = eind_h - cumh + Lh
    h_s = h_e - Lh + 1
    h_e = np.where(h_j == 0, eind_h, h_e)
    keep_h = (h_s >= geb[hp_]) | (h_j == 0)
    h_s = np.maximum(h_s, geb[hp_])
    # movers that got no previous period: add one explicitly
    mv_geen = np.flatnonzero(is_mover & (n_prev == 0) & (cur_start - 1 > geb))
    # verhuisd-extra: a current period elsewhere (empty adres_id = abroad, or a vacant address)
    vh = np.flatnonzero(xkind == X_VERHUISD)
    leeg_adr = np.flatnonzero(bewoonbaar & (cnt_w == 0))
    vh_adr = leeg_adr[rng.integers(0, max(len(leeg_adr), 1), len(vh))] if len(leeg_adr) else np.zeros(len(vh), np.int64)
    vh_leeg = rng.random(len(vh)) < 0.4
    cur_rows = np.flatnonzero(in_hh)
    vb_p = np.concatenate([cur_rows, prev["p"], hp_[keep_h], mv_geen, vh])
    vb_adr = np.concatenate([cur_addr[cur_rows], prev["adr"], rng.integers(0, n_addr, keep_h.sum()),
                             hh["oud_addr"][hv][mv_geen], vh_adr])
    vb_leeg = np.concatenate([np.zeros(len(cur_rows), bool), prev["leeg"], rng.random(keep_h.sum()) < 0.1,
                              np.zeros(len(mv_geen), bool), vh_leeg])
    vb_b = np.concatenate([cur_b[cur_rows], prev["b"], np.zeros(keep_h.sum(), bool), np.zeros(len(mv_geen), bool),
                           np.zeros(len(vh), bool)])
    vb_s = np.concatenate([cur_start[cur_rows], prev["s"], h_s[keep_h],
                           np.minimum(hh["inn"][hv][mv_geen], cur_start[mv_geen] - 31), cur_einde[vh] + 1])
    vb_e = np.concatenate([np.where(cur_einde[cur_rows] < 0, GEEN, cur_einde[cur_rows]), prev["e"], h_e[keep_h],
                           cur_start[mv_geen] - 1, np.full(len(vh), GEEN)])
    vb_s = np.maximum(vb_s, geb[vb_p])
    geldig = (vb_e == GEEN) | (vb_e >= vb_s)
    vb_p, vb_adr, vb_leeg, vb_b, vb_s, vb_e = (a_[geldig] for a_ in (vb_p, vb_adr, vb_leeg, vb_b, vb_s, vb_e))
    o = np.lexsort((vb_s, vb_p))
    vb_p, vb_adr, vb_leeg, vb_b, vb_s, vb_e = vb_p[o], vb_adr[o], vb_leeg[o], vb_b[o], vb_s[o], vb_e[o]
    vbp = pl.DataFrame({
        "bsn": bsn_s.gather(pl.Series(vb_p)),
        "adres_id": _leeg(adres_id.gather(pl.Series(vb_adr)), vb_leeg),
        "functie_adres": _kies(["W", "B"], vb_b.astype(np.int64)),
        "datum_aanvang": _gba(_gba_int(vb_s)),
        "datum_einde": _gba(_gba_int(np.where(vb_e == GEEN, 0, vb_e)), vb_e == GEEN),
    })
    # orphans: persons with an address history but not in personen.csv (ended periods)
    k = _aantal(vbp.height, 0.0005)
    if k:
        ob = ext(k)
        os_ = P - rng.integers(400, 4000, k)
        wees = pl.DataFrame({
            "bsn": _bsn_tekst(ob),
            "adres_id": adres_id.gather(pl.Series(rng.integers(0, n_addr, k))),
            "functie_adres": pl.Series(["W"] * k),
            "datum_aanvang": _gba(_gba_int(os_)),
            "datum_einde": _gba(_gba_int(os_ + rng.integers(30, 390, k))),
        })
        vbp = pl.concat([vbp, wees])
        ctx.tel(ctx.rommel, "verblijfplaatsen.csv:bsn:wees", k)

    # ---------------------------------------------------------------- relaties
    ouder1 = hoofd[hv]
    ouder2 = partner[hv]
    kind_m = (role == R_KIND) & in_hh
    kinderen = np.flatnonzero(kind_m)
    met2 = kinderen[(ouder2[kinderen] >= 0) & (rng.random(len(kinderen)) < 0.85)]
    getrouwd = np.flatnonzero((role == R_HOOFD) & in_hh & (partner[hv] >= 0) & hh["getrouwd"][hv])
    gpart = partner[hhx[getrouwd]]
    huw = P - np.floor(rng.random(len(getrouwd)) *
                       np.maximum(np.minimum(age[getrouwd], age[gpart]) - 19, 0.5) * jaar).astype(np.int64) - 30
    huw = np.minimum(huw, brp_dag - 1)
    gescheiden = np.flatnonzero((role == R_HOOFD) & in_hh & (((ptype == T_ALLEEN) & (age >= 30) &
                                (rng.random(n) < 0.15)) | ((ptype == T_EENOUDER) & (rng.random(n) < 0.30))))
    sch_jaren = 2 + rng.random(len(gescheiden)) * np.maximum(age[gescheiden] - 22, 1)
    sch_s = P - np.floor(sch_jaren * jaar).astype(np.int64)
    sch_s = np.maximum(sch_s, geb[gescheiden] + int(18 * jaar))
    sch_e = np.minimum(sch_s + rng.integers(365, 15 * 365, len(gescheiden)), P - 60)
    sch_e = np.maximum(sch_e, sch_s + 1)
    volwassen = np.flatnonzero(np.isin(role, [R_HOOFD, R_PARTNER, R_HUISGENOOT, R_EXTRA, R_HIST]))
    r = rng.random(len(volwassen))
    ext_ouders = np.concatenate([volwassen[r < 0.50], volwassen[r < 0.15]])
    eenouder_kind = kinderen[(ptype[kinderen] == T_EENOUDER) & (rng.random(len(kinderen)) < 0.7)]
    ext_andere_ouder = ext(H)  # one per household (only used for single-parent children)
    g_sch = ext(len(gescheiden))
    g_ouders = ext(len(ext_ouders))
    rel_bsn = np.concatenate([ouder1[kinderen], kinderen, ouder2[met2], met2, getrouwd, gpart, gescheiden,
                              ext_ouders, eenouder_kind])
    rel_rel_is_int = np.concatenate([kinderen, ouder1[kinderen], met2, ouder2[met2], gpart, getrouwd])
    rel_bsn_v = bsn[rel_bsn]
    rel_rel_v = np.concatenate([bsn[rel_rel_is_int], g_sch, g_ouders, ext_andere_ouder[hhx[eenouder_kind]]])
    soort = np.concatenate([np.full(len(kinderen), 1), np.full(len(kinderen), 2), np.full(len(met2), 1),
                            np.full(len(met2), 2), np.zeros(2 * len(getrouwd), np.int64),
                            np.zeros(len(gescheiden), np.int64), np.full(len(ext_ouders), 2),
                            np.full(len(eenouder_kind), 2)])
    r_s_int = np.concatenate([gba_geb[kinderen], gba_geb[kinderen], gba_geb[met2], gba_geb[met2],
                              _gba_int(huw), _gba_int(huw), _gba_int(sch_s), gba_geb[ext_ouders],
                              gba_geb[eenouder_kind]])
    r_e = np.concatenate([np.full(2 * len(kinderen) + 2 * len(met2) + 2 * len(getrouwd), GEEN), sch_e,
                          np.full(len(ext_ouders) + len(eenouder_kind), GEEN)])
    o = np.argsort(rel_bsn, kind="stable")
    relaties = pl.DataFrame({
        "bsn": _bsn_tekst(rel_bsn_v[o]),
        "relatie_bsn": _bsn_tekst(rel_rel_v[o]),
        "soort": _kies(["H", "K", "O"], soort[o]),
        "datum_aanvang": _gba(r_s_int[o]),
        "datum_einde": _gba(_gba_int(np.where(r_e[o] == GEEN, 0, r_e[o])), r_e[o] == GEEN),
    })

    # ---------------------------------------------------------------- uitkeringen
    dh = np.flatnonzero(hh["dos"])
    nd = len(dh)
    d_nr = tel["dossier"] + 1 + rng.permutation(nd)
    tel["dossier"] += nd
    d_id = _code("D", d_nr, 7)
    is_paar = partner[dh] >= 0
    kind18 = np.bincount(hhx[kind_m & (age < 18)], minlength=H)[dh] > 0
    normcat = np.where(is_paar, 2, np.where(kind18, 1, 0))
    kwetsbaar = (rng.random(nd) < 0.03).astype(np.int64)
    d_einde = hh["einde"][dh]
    uitkeringen = pl.DataFrame({
        "dossier_id": d_id,
        "bsn": bsn_s.gather(pl.Series(hoofd[dh])),
        "partner_bsn": _leeg(bsn_s.gather(pl.Series(np.maximum(partner[dh], 0))), ~is_paar),
        "regeling": _kies(["PW", "IOAW", "IOAZ", "BBZ"], hh["regeling"][dh]),
        "normcategorie": _kies(["alleenstaande", "alleenstaande_ouder", "gehuwden"], normcat),
        "kostendelers": pl.Series(kostendelers[dh], dtype=pl.Int64),
        "datum_aanvang": _iso(hh["start"][dh]),
        "datum_einde": _iso(np.maximum(d_einde, 0), d_einde < 0),
        "kwetsbaar": pl.Series(kwetsbaar, dtype=pl.Int64),
    })
    d_sort = np.argsort(d_nr)
    uitkeringen = uitkeringen[d_sort]
    # per household: dossier row (for the dossier-linked tables)
    h_d = np.full(H, -1, dtype=np.int64)
    h_d[dh] = np.arange(nd)
    d_cat = hh["cat"][dh]
    d_actief = hh["actief"][dh]
    d_normcat = normcat

    # persons of active dossiers (applicant and partner)
    da = np.flatnonzero(d_actief)
    dp_p = np.concatenate([hoofd[dh[da]], partner[dh[da]][partner[dh[da]] >= 0]])
    dp_d = np.concatenate([da, da[partner[dh[da]] >= 0]])
    dp_rol = np.concatenate([np.zeros(len(da), np.int64), np.ones(int((partner[dh[da]] >= 0).sum()), np.int64)])
    o = np.lexsort((dp_rol, dp_d))
    dp_p, dp_d, dp_rol = dp_p[o], dp_d[o], dp_rol[o]

    # ---------------------------------------------------------------- ib: vermogen
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
    # planted balances
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
        "soort": _kies(["betaalrekening", "spaarrekening", "beleggingsrekening", "overig"], ac_soort[rj_a]),
        "land": _kies(["NL", "DE", "BE", "TR", "MA", "PL", "ES", "GB"], ac_land[rj_a]),
        "saldo_cent": pl.Series(saldo, dtype=pl.Int64),
        "saldo_peildatum": _iso(sd),
    })

    # ---------------------------------------------------------------- rdw: tenaamstellingen
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
    # planted rows: (dossier, n counted in window, n excluded kinds, n just outside, duplicate)
    pl_rows = []
    for naam, k_in, k_soort, k_oud, k_dup in (("V_SIGNAAL", None, 0, 0, 0), ("V_TWEE", 2, 0, 0, 0),
                                            ("V_DUBBEL", 2, 0, 0, 1), ("V_SOORT", 2, None, 0, 0),
                                            ("V_OUD", 2, 0, 1, 0)):
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

    # ---------------------------------------------------------------- suwi: polis
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
        "soort": _kies(["uitkering", "loon"], ir_loon[po_r].astype(np.int64)),
        "periode_start": _iso(po_s),
        "periode_einde": _iso(po_e),
        "bruto_cent": pl.Series(po_bruto, dtype=pl.Int64),
    })

    # ---------------------------------------------------------------- suwi: studiefinanciering
    dos_hh = np.zeros(H, dtype=bool)
    dos_hh[dh[da]] = True
    dos_adres = np.zeros(n_addr, dtype=bool)
    aa = app_addr[dh[da]]
    dos_adres[aa[aa >= 0]] = True
    sf_p = np.flatnonzero((sf != SF_GEEN) & ((in_hh & dos_hh[hv]) | (w_nu & dos_adres[np.maximum(cur_addr, 0)])))
    sf_e = sf_einde[sf_p]
    studie = pl.DataFrame({
        "bsn": bsn_s.gather(pl.Series(sf_p)),
        "soort": _kies(["WSF", "WTOS"], (sf[sf_p] == SF_WTOS).astype(np.int64)),
        "datum_aanvang": _iso(sf_start[sf_p]),
        "datum_einde": _iso(np.maximum(sf_e, 0), sf_e < 0),
    })

    # ---------------------------------------------------------------- gemeente: opgegeven_inkomsten
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

    # ---------------------------------------------------------------- gemeente: onderzoeken
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
    # planted overlap: tips and LAA investigations (no theme) on planted signal dossiers, 11 months back
    sig_alle = np.flatnonzero(np.isin(d_cat, [c[x_] for x_ in ("V_SIGNAAL", "B_SIGNAAL", "Z_DRUK", "Z_KLEIN",
                                                               "Z_BUITEN_GEBRUIK", "Z_GEEN_WOON", "K_HUISGENOOT")])
                              | hh["groep"][dh])
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
    # lead time by origin, shorter in recent years; outcome by origin (and theme for themacontrole)
    lo = np.array([DOORLOOPTIJD[h][0] for h in HERKOMSTEN])[her]
    hi = np.array([DOORLOOPTIJD[h][1] for h in HERKOMSTEN])[her]
    s_jaar = _ymd(oz_s)[0]
    factor = np.select([s_jaar == Py, s_jaar == Py - 1], [DOORLOOPTIJD_FACTOR_JAAR[1], DOORLOOPTIJD_FACTOR_JAAR[0]], 1.0)
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
    # planted: exclusions and near misses per theme for the planted signal dossiers
    thema_sig = {0: ["V_SIGNAAL"], 1: ["B_SIGNAAL"], 2: ["Z_DRUK", "Z_KLEIN", "Z_BUITEN_GEBRUIK", "Z_GEEN_WOON"],
                 3: ["K_HUISGENOOT"]}
    extra_d, extra_t, extra_s, extra_e, extra_u, extra_h = [], [], [], [], [], []
    for th, cats in thema_sig.items():
        sig_d = np.flatnonzero(np.isin(d_cat, [c[x_] for x_ in cats]) | ((th == 3) & hh["groep"][dh]))
        rr_ = rng.random(len(sig_d))
        for lo, hi, soort_ in ((0.0, 0.10, "geen_recent"), (0.10, 0.15, "lopend"), (0.15, 0.19, "geen_oud"),
                               (0.19, 0.22, "nn_recent")):
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

    # ---------------------------------------------------------------- messy cases
    frames = {}
    R = _Rommel(ctx, rng, "personen.csv", personen)
    R.bsn("bsn", elf=0.0005, acht=0.0004, spatie=0.0004)
    R.datum("geboortedatum", iso=False, nul=0.0003, maand13=0.0003, feb30=0.0003)
    R.dubbel("bsn", 0.0003)
    frames["personen.csv"] = R.df
    R = _Rommel(ctx, rng, "verblijfplaatsen.csv", vbp)
    R.bsn("bsn", elf=0.0005, acht=0.0003)
    R.datum("datum_aanvang", iso=False, nul=0.0003, maand13=0.0003, feb30=0.0003)
    frames["verblijfplaatsen.csv"] = R.df
    R = _Rommel(ctx, rng, "relaties.csv", relaties)
    R.bsn("relatie_bsn", elf=0.0005, spatie=0.0003)
    R.datum("datum_aanvang", iso=False, maand13=0.0005)
    frames["relaties.csv"] = R.df
    R = _Rommel(ctx, rng, "adressen.csv", adressen)
    R.dubbel("adres_id", 0.0003)
    idx = R._rijen(0.003)
    if len(idx):
        v = adressen.get_column("postcode").gather(idx)
        R._zet("postcode", idx, v.str.slice(0, 4) + " " + v.str.slice(4).str.to_lowercase(), "1234 ab")
    frames["adressen.csv"] = R.df
    R = _Rommel(ctx, rng, "vermogen.csv", vermogen)
    R.bsn("bsn", elf=0.001, acht=0.0005)
    R.datum("saldo_peildatum", iso=True, maand13=0.0005, feb30=0.0005)
    frames["vermogen.csv"] = R.df
    R = _Rommel(ctx, rng, "polis.csv", polis)
    R.bsn("bsn", elf=0.0005, spatie=0.001)
    R.datum("periode_start", iso=True, feb30=0.0005)
    frames["polis.csv"] = R.df
    R = _Rommel(ctx, rng, "studiefinanciering.csv", studie)
    R.bsn("bsn", elf=0.001)
    R.datum("datum_aanvang", iso=True, maand13=0.001)
    frames["studiefinanciering.csv"] = R.df
    R = _Rommel(ctx, rng, "tenaamstellingen.csv", tenaam)
    R.bsn("bsn", elf=0.001, acht=0.001)
    R.datum("datum_aanvang_tenaamstelling", iso=False, nul=0.001, maand13=0.001)
    frames["tenaamstellingen.csv"] = R.df
    R = _Rommel(ctx, rng, "uitkeringen.csv", uitkeringen)
    R.bsn("partner_bsn", elf=0.001)
    R.bsn("bsn", spatie=0.0005)
    R.datum("datum_aanvang", iso=True, nul=0.0005, maand13=0.001)
    R.dubbel("dossier_id", 0.001)
    frames["uitkeringen.csv"] = R.df
    R = _Rommel(ctx, rng, "onderzoeken.csv", onderzoeken)
    R.bsn("bsn", elf=0.001)
    R.datum("datum_start", iso=True, feb30=0.001)
    R.dubbel("onderzoek_id", 0.001)
    # rows that contradict themselves (quarantined, never counted by the monitoring)
    afgerond_ = R.df.get_column("uitkomst").is_in(["geen_afwijking", "niet_naleving", "niet_meegewerkt"]).to_numpy()
    idx = R._rijen(0.001, afgerond_ & R._niet_leeg("datum_einde") & R._niet_leeg("datum_start"))
    R._zet("datum_einde", idx, R.df.get_column("datum_start").gather(idx).str.replace(r"^(\d{4})", "1900"),
           "einde voor start")
    idx = R._rijen(0.001, (R.df.get_column("uitkomst") == "geen_afwijking").to_numpy())
    R._zet("vordering_cent", idx, pl.Series([125000] * len(idx), dtype=pl.Int64), "vordering zonder afwijking")
    frames["onderzoeken.csv"] = R.df
    _tel_onderzoeken(ctx, R.df.filter(pl.Series(~R.bezet)))
    R = _Rommel(ctx, rng, "opgegeven_inkomsten.csv", opgegeven)
    R.bsn("bsn", elf=0.0005, acht=0.0005)
    frames["opgegeven_inkomsten.csv"] = R.df

    # earlier gemeente delivery (peildatum - 1): without what started on the peildatum, and a few
    # reported months less
    p_iso = ctx.peildatum.isoformat()
    vorig = {
        "uitkeringen.csv": frames["uitkeringen.csv"].filter(pl.col("datum_aanvang").fill_null("") != p_iso),
        "onderzoeken.csv": frames["onderzoeken.csv"].filter(pl.col("datum_start").fill_null("") != p_iso),
        "opgegeven_inkomsten.csv": frames["opgegeven_inkomsten.csv"].filter(
            pl.Series(rng.random(frames["opgegeven_inkomsten.csv"].height) >= 0.003)),
    }
    ctx.tel(ctx.geplant, "personen", n)
    ctx.tel(ctx.geplant, "dossiers", nd)
    ctx.tel(ctx.geplant, "dossiers_actief_pw", int((d_actief & (hh["regeling"][dh] == 0)).sum()))
    return {"nu": frames, "vorig": vorig}


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


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------

BRONBESTANDEN = {
    "brp": ["personen.csv", "verblijfplaatsen.csv", "relaties.csv", "adressen.csv"],
    "ib": ["vermogen.csv"],
    "suwi": ["polis.csv", "studiefinanciering.csv"],
    "rdw": ["tenaamstellingen.csv"],
    "gemeente": ["uitkeringen.csv", "onderzoeken.csv", "opgegeven_inkomsten.csv"],
}


def leverdata(peildatum: date) -> dict[str, date]:
    """The delivery date per source for a peildatum (all <= peildatum)."""
    ib = date(peildatum.year, 1, 15)
    if ib > peildatum:
        ib = date(peildatum.year - 1, 1, 15)
    return {"brp": peildatum - timedelta(days=3), "ib": ib, "suwi": peildatum - timedelta(days=5),
            "rdw": peildatum - timedelta(days=2), "gemeente": peildatum}


def genereer(uit: Path, schaal: str | int = "gemeente", seed: int = 20261031,
             peildatum: date = date(2026, 10, 31)) -> dict:
    """Write synthetic deliveries of all five sources under `uit`; return a summary.

    `schaal`: "gemeente" (~244,000 persons), "g4" (~1,000,000), "landelijk" (~18,000,000) or an int
    number of persons. Deterministic: the same arguments give the same bytes.
    """
    t0 = time.perf_counter()
    uit = Path(uit)
    if isinstance(schaal, str) and schaal.isdigit():
        schaal = int(schaal)
    if isinstance(schaal, (int, np.integer)) and not isinstance(schaal, bool):
        n = int(schaal)
        naam = "personen"
        fractie = DOSSIERS_PER_PERSOON["gemeente"]
    elif schaal in SCHALEN:
        n = SCHALEN[schaal]
        naam = schaal
        fractie = DOSSIERS_PER_PERSOON[schaal]
    else:
        raise ValueError(f"onbekende schaal {schaal!r}: kies gemeente, g4, landelijk of een aantal personen")
    if n < 500:
        raise ValueError("schaal moet minstens 500 personen zijn")
    if n > 30_000_000:
        raise ValueError("schaal hoogstens 30.000.000 personen")
    blokken = _blokken(n)
    lever = leverdata(peildatum)
    ib_jaar = lever["ib"].year
    ctx = _Ctx(seed=int(seed), peildatum=peildatum, P=_dag(peildatum), lever=lever, dossierfractie=fractie,
               vermogensgrens=_vermogensgrens(peildatum.year), ib_jaar=ib_jaar,
               gemeenten=_gemeenten(naam, blokken, int(seed)),
               bsn_b=int(np.random.default_rng([int(seed), 424_242]).integers(0, 100_000_000)))
    leveringen = {bron: _Levering(uit, bron, lever[bron], namen) for bron, namen in BRONBESTANDEN.items()}
    vorige = _Levering(uit, "gemeente", peildatum - timedelta(days=1), BRONBESTANDEN["gemeente"])
    for b, n_c in enumerate(blokken):
        res = _blok(ctx, b, n_c)
        for bron, namen in BRONBESTANDEN.items():
            for nm in namen:
                leveringen[bron].bestanden[nm].voeg_toe(res["nu"][nm])
        for nm, df in res["vorig"].items():
            vorige.bestanden[nm].voeg_toe(df)
        del res
    bestanden: dict[str, dict] = {}
    for lev in leveringen.values():
        bestanden.update(lev.sluit())
    bestanden.update(vorige.sluit())
    return {
        "schaal": naam if naam != "personen" else n,
        "personen": n,
        "seed": int(seed),
        "peildatum": peildatum.isoformat(),
        "leverdata": {k: v.isoformat() for k, v in lever.items()} | {
            "gemeente_vorige": (peildatum - timedelta(days=1)).isoformat()},
        "blokken": len(blokken),
        "bestanden": bestanden,
        "geplant": dict(ctx.geplant),
        "rommel": dict(ctx.rommel),
        "onderzoeken": dict(sorted(ctx.onderzoeken.items())),
        "seconden": round(time.perf_counter() - t0, 3),
    }
