"""The messy cases of the demo deliveries, as data: every case named, with what it does to the value and the
contract rule it exercises (read from the contract in `sources/`, see `contractregel`).

Real deliveries are messy (../shared/contracts/extracts.md, the cases marked **messy**); the pipeline must
quarantine what is invalid with its reason and accept what is valid after normalisation. Three kinds:

* `BESTANDSNIVEAU`: the layout of a whole file (BOM, CRLF line ends, another column order, an extra column),
  applied by the writers (`sources.demo.schrijvers`).
* `ROMMEL`: row-level cases applied to a block's finished files, in this order (the order of the random
  draws), to a given fraction of the rows; every row gets at most one case.
* `BIJ_HET_MAKEN`: row-level cases made while a file is generated (orphans in the address history, sloppy
  kentekens), listed here for the overview.

Each applied case is counted in the summary as `<bestand>:<kolom>:<soort>`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from sources import contract
from sources.demo.hulp import _aantal
from sources.demo.toestand import Blok, _Ctx
from sources.register import ALLE


def _spec(bestand: str) -> contract.Bestand:
    return next(b for b in ALLE if b.naam == bestand)


# --------------------------------------------------------------------------------------------
# File level
# --------------------------------------------------------------------------------------------

BESTAND_MET_BOM = ("rdw", "tenaamstellingen.csv")
BESTAND_MET_CRLF = ("brp", "relaties.csv")
BESTAND_ANDERE_VOLGORDE = ("suwi", "polis.csv")
ANDERE_VOLGORDE = ["bsn", "soort", "bruto_cent", "periode_start", "periode_einde", "inkomstenverhouding_id",
                   "loonheffingennummer"]
BESTAND_EXTRA_KOLOM = ("brp", "adressen.csv")
EXTRA_KOLOM = "bouwjaar"
EXTRA_KOLOM_NA = "gebruiksdoel"  # the extra column comes right after this one

BESTANDSNIVEAU = {
    BESTAND_MET_BOM: "begint met een UTF-8 BOM (geldig)",
    BESTAND_MET_CRLF: "regeleinden \\r\\n (geldig)",
    BESTAND_ANDERE_VOLGORDE: "kolommen in een andere volgorde (geldig)",
    BESTAND_EXTRA_KOLOM: f"een onbekende extra kolom {EXTRA_KOLOM!r} (genegeerd met een waarschuwing)",
}


def kolommen(bron: str, naam: str) -> list[str]:
    """The header a file is written with: the contract's columns, or the messy layout of this file."""
    kol = _spec(naam).kolomnamen
    if (bron, naam) == BESTAND_ANDERE_VOLGORDE:
        assert sorted(ANDERE_VOLGORDE) == sorted(kol)
        kol = list(ANDERE_VOLGORDE)
    if (bron, naam) == BESTAND_EXTRA_KOLOM:
        kol.insert(kol.index(EXTRA_KOLOM_NA) + 1, EXTRA_KOLOM)
    return kol


# --------------------------------------------------------------------------------------------
# Row level
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Geval:
    """One messy case: in `bestand`.`kolom`, `fractie` of the rows get `soort` (what `wat` says)."""

    bestand: str
    kolom: str
    soort: str
    fractie: float
    wat: str

    @property
    def sleutel(self) -> str:
        """The case's key in the summary (`rommel`)."""
        return f"{self.bestand}:{self.kolom}:{self.soort}"


BSN_ELF, BSN_ACHT, BSN_SPATIE = "11-proef", "8 cijfers", "spatie"
NUL, MAAND13, FEB30 = "00000000", "maand 13", "30 februari"
DUPLICAAT, POSTCODE_LOS, EINDE_VOOR_START, VORDERING = (
    "duplicaat", "1234 ab", "einde voor start", "vordering zonder afwijking")
WEES, KENTEKEN_SLORDIG = "wees", "kleine letters zonder streepjes"

_WAT = {
    BSN_ELF: "het laatste cijfer van de BSN verandert (de 11-proef faalt)",
    BSN_ACHT: "de voorloopnul van de BSN valt weg (8 cijfers)",
    BSN_SPATIE: "de BSN krijgt spaties (123 456 789)",
    NUL: "de datum wordt 00000000 (of 0000-00-00)",
    MAAND13: "de maand van de datum wordt 13",
    FEB30: "de datum wordt 30 februari",
    DUPLICAAT: "de rij staat er twee keer in (dubbele sleutel)",
    POSTCODE_LOS: "postcode als '1234 ab' (geldig na normalisatie)",
    EINDE_VOOR_START: "een afgerond onderzoek eindigt in 1900, voor zijn start",
    VORDERING: "een vordering bij een onderzoek zonder afwijking",
    WEES: "adreshistorie van een persoon die niet in personen.csv staat",
    KENTEKEN_SLORDIG: "kenteken in kleine letters zonder streepjes (geldig na normalisatie)",
}


def _g(bestand: str, kolom: str, soort: str, fractie: float) -> Geval:
    return Geval(bestand, kolom, soort, fractie, _WAT[soort])


# In the order of application: the order of the random draws.
ROMMEL: tuple[Geval, ...] = (
    _g("personen.csv", "bsn", BSN_ELF, 0.0005),
    _g("personen.csv", "bsn", BSN_ACHT, 0.0004),
    _g("personen.csv", "bsn", BSN_SPATIE, 0.0004),
    _g("personen.csv", "geboortedatum", NUL, 0.0003),
    _g("personen.csv", "geboortedatum", MAAND13, 0.0003),
    _g("personen.csv", "geboortedatum", FEB30, 0.0003),
    _g("personen.csv", "bsn", DUPLICAAT, 0.0003),
    _g("verblijfplaatsen.csv", "bsn", BSN_ELF, 0.0005),
    _g("verblijfplaatsen.csv", "bsn", BSN_ACHT, 0.0003),
    _g("verblijfplaatsen.csv", "datum_aanvang", NUL, 0.0003),
    _g("verblijfplaatsen.csv", "datum_aanvang", MAAND13, 0.0003),
    _g("verblijfplaatsen.csv", "datum_aanvang", FEB30, 0.0003),
    _g("relaties.csv", "relatie_bsn", BSN_ELF, 0.0005),
    _g("relaties.csv", "relatie_bsn", BSN_SPATIE, 0.0003),
    _g("relaties.csv", "datum_aanvang", MAAND13, 0.0005),
    _g("adressen.csv", "adres_id", DUPLICAAT, 0.0003),
    _g("adressen.csv", "postcode", POSTCODE_LOS, 0.003),
    _g("vermogen.csv", "bsn", BSN_ELF, 0.001),
    _g("vermogen.csv", "bsn", BSN_ACHT, 0.0005),
    _g("vermogen.csv", "saldo_peildatum", MAAND13, 0.0005),
    _g("vermogen.csv", "saldo_peildatum", FEB30, 0.0005),
    _g("polis.csv", "bsn", BSN_ELF, 0.0005),
    _g("polis.csv", "bsn", BSN_SPATIE, 0.001),
    _g("polis.csv", "periode_start", FEB30, 0.0005),
    _g("studiefinanciering.csv", "bsn", BSN_ELF, 0.001),
    _g("studiefinanciering.csv", "datum_aanvang", MAAND13, 0.001),
    _g("tenaamstellingen.csv", "bsn", BSN_ELF, 0.001),
    _g("tenaamstellingen.csv", "bsn", BSN_ACHT, 0.001),
    _g("tenaamstellingen.csv", "datum_aanvang_tenaamstelling", NUL, 0.001),
    _g("tenaamstellingen.csv", "datum_aanvang_tenaamstelling", MAAND13, 0.001),
    _g("uitkeringen.csv", "partner_bsn", BSN_ELF, 0.001),
    _g("uitkeringen.csv", "bsn", BSN_SPATIE, 0.0005),
    _g("uitkeringen.csv", "datum_aanvang", NUL, 0.0005),
    _g("uitkeringen.csv", "datum_aanvang", MAAND13, 0.001),
    _g("uitkeringen.csv", "dossier_id", DUPLICAAT, 0.001),
    _g("onderzoeken.csv", "bsn", BSN_ELF, 0.001),
    _g("onderzoeken.csv", "datum_start", FEB30, 0.001),
    _g("onderzoeken.csv", "onderzoek_id", DUPLICAAT, 0.001),
    _g("onderzoeken.csv", "datum_einde", EINDE_VOOR_START, 0.001),
    _g("onderzoeken.csv", "vordering_cent", VORDERING, 0.001),
    _g("opgegeven_inkomsten.csv", "bsn", BSN_ELF, 0.0005),
    _g("opgegeven_inkomsten.csv", "bsn", BSN_ACHT, 0.0005),
)

# Made while generating (sources.demo.bevolking.verblijfplaatsen, sources.demo.vermogen_voertuigen.kentekens).
BIJ_HET_MAKEN: tuple[Geval, ...] = (
    _g("verblijfplaatsen.csv", "bsn", WEES, 0.0005),
    _g("tenaamstellingen.csv", "kenteken", KENTEKEN_SLORDIG, 0.015),
)


def contractregel(geval: Geval) -> str:
    """The contract rule the case exercises: the quarantine reason as the contract in `sources/` words it, or
    the normalisation that makes the value valid. Raises when the contract has no such rule for the column."""
    spec = _spec(geval.bestand)
    k = spec.kolom(geval.kolom)

    def reden(fragment: str, redenen: list[str]) -> str:
        gevonden = [r for r in redenen if fragment in r]
        if len(gevonden) != 1:
            raise ValueError(f"{geval.sleutel}: het contract heeft geen regel '{fragment}' voor deze kolom")
        return gevonden[0]

    kolomregels = [r for r, _ in contract.validiteitsregels(k)]
    if geval.soort in (BSN_ELF, BSN_ACHT, BSN_SPATIE):
        fragment = {BSN_ELF: "11-proef", BSN_ACHT: "8 cijfers", BSN_SPATIE: "spaties"}[geval.soort]
        return reden(fragment, kolomregels if k.type == contract.BSN else [])
    if geval.soort in (NUL, MAAND13, FEB30):
        return reden("geen geldige", kolomregels if k.type in (contract.DATUM, contract.GBADATUM) else [])
    if geval.soort == DUPLICAAT:
        if spec.sleutel != (geval.kolom,):
            raise ValueError(f"{geval.sleutel}: {geval.kolom} is niet de sleutel van {geval.bestand}")
        return f"sleutel {geval.kolom}: duplicaat (alle exemplaren)"
    if geval.soort in (EINDE_VOOR_START, VORDERING):
        fragment = {EINDE_VOOR_START: "ligt voor", VORDERING: "zonder afwijking"}[geval.soort]
        return reden(fragment, [r.reden for r in spec.regels if r.reden.startswith(f"{geval.kolom}: ")])
    if geval.soort == WEES:
        v = next((v for v in spec.verwijzingen if v.kolom == geval.kolom), None)
        if v is None:
            raise ValueError(f"{geval.sleutel}: het contract verwijst niet vanuit {geval.kolom}")
        return f"{v.kolom}: komt niet voor in {v.bestand}"
    normalisatie = {POSTCODE_LOS: contract.POSTCODE, KENTEKEN_SLORDIG: contract.KENTEKEN}
    if normalisatie.get(geval.soort) != k.type:
        raise ValueError(f"{geval.sleutel}: {geval.kolom} wordt volgens het contract niet genormaliseerd")
    return f"{geval.kolom}: geldig na normalisatie ({k.type})"


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

    def pas_toe(self, g: Geval) -> None:
        """Apply one case to `g.fractie` of the rows that no earlier case touched (and that suit it)."""
        TOEPASSING[g.soort](self, g.kolom, g.fractie, g.soort)

    # one method per kind of messy case: (column, fraction, kind)

    def bsn_elf(self, kolom: str, fractie: float, soort: str) -> None:
        idx = self._rijen(fractie, self._niet_leeg(kolom))
        v = self.df.get_column(kolom).gather(idx)
        last = v.str.slice(8, 1).cast(pl.Int64)
        delta = pl.Series(self.rng.integers(1, 10, len(idx)))
        self._zet(kolom, idx, v.str.slice(0, 8) + ((last + delta) % 10).cast(pl.String), soort)

    def bsn_acht(self, kolom: str, fractie: float, soort: str) -> None:
        s = self.df.get_column(kolom)
        idx = self._rijen(fractie, self._niet_leeg(kolom) & s.str.starts_with("0").fill_null(False).to_numpy())
        self._zet(kolom, idx, s.gather(idx).str.slice(1), soort)

    def bsn_spatie(self, kolom: str, fractie: float, soort: str) -> None:
        idx = self._rijen(fractie, self._niet_leeg(kolom))
        v = self.df.get_column(kolom).gather(idx)
        self._zet(kolom, idx, v.str.slice(0, 3) + " " + v.str.slice(3, 3) + " " + v.str.slice(6), soort)

    def _iso(self, kolom: str) -> bool:
        """A `datum` column (JJJJ-MM-DD) rather than a `gbadatum` one (JJJJMMDD), as the contract says."""
        return _spec(self.bestand).kolom(kolom).type == contract.DATUM

    def datum_nul(self, kolom: str, fractie: float, soort: str) -> None:
        idx = self._rijen(fractie, self._niet_leeg(kolom))
        self._zet(kolom, idx, pl.Series(["0000-00-00" if self._iso(kolom) else "00000000"] * len(idx)), soort)

    def datum_maand13(self, kolom: str, fractie: float, soort: str) -> None:
        iso = self._iso(kolom)
        sep = "-" if iso else ""
        idx = self._rijen(fractie, self._niet_leeg(kolom))
        v = self.df.get_column(kolom).gather(idx)
        dag = v.str.slice(8 if iso else 6, 2)
        self._zet(kolom, idx, v.str.slice(0, 4) + sep + "13" + sep + dag, soort)

    def datum_feb30(self, kolom: str, fractie: float, soort: str) -> None:
        sep = "-" if self._iso(kolom) else ""
        idx = self._rijen(fractie, self._niet_leeg(kolom))
        v = self.df.get_column(kolom).gather(idx)
        self._zet(kolom, idx, v.str.slice(0, 4) + sep + "02" + sep + "30", soort)

    def duplicaat(self, kolom: str, fractie: float, soort: str) -> None:
        idx = self._rijen(fractie)
        if len(idx) == 0:
            return
        self.df = pl.concat([self.df, self.df[idx]], how="vertical")
        self.bezet = np.concatenate([self.bezet, np.ones(len(idx), dtype=bool)])
        self.ctx.tel(self.ctx.rommel, f"{self.bestand}:{kolom}:{soort}", len(idx))

    def postcode_los(self, kolom: str, fractie: float, soort: str) -> None:
        idx = self._rijen(fractie)
        v = self.df.get_column(kolom).gather(idx)
        self._zet(kolom, idx, v.str.slice(0, 4) + " " + v.str.slice(4).str.to_lowercase(), soort)

    def einde_voor_start(self, kolom: str, fractie: float, soort: str) -> None:
        afgerond = self.df.get_column("uitkomst").is_in(["geen_afwijking", "niet_naleving", "niet_meegewerkt"])
        idx = self._rijen(fractie, afgerond.to_numpy() & self._niet_leeg(kolom) & self._niet_leeg("datum_start"))
        self._zet(kolom, idx, self.df.get_column("datum_start").gather(idx).str.replace(r"^(\d{4})", "1900"), soort)

    def vordering(self, kolom: str, fractie: float, soort: str) -> None:
        idx = self._rijen(fractie, (self.df.get_column("uitkomst") == "geen_afwijking").to_numpy())
        self._zet(kolom, idx, pl.Series([125000] * len(idx), dtype=pl.Int64), soort)


TOEPASSING = {BSN_ELF: _Rommel.bsn_elf, BSN_ACHT: _Rommel.bsn_acht, BSN_SPATIE: _Rommel.bsn_spatie,
              NUL: _Rommel.datum_nul, MAAND13: _Rommel.datum_maand13, FEB30: _Rommel.datum_feb30,
              DUPLICAAT: _Rommel.duplicaat, POSTCODE_LOS: _Rommel.postcode_los,
              EINDE_VOOR_START: _Rommel.einde_voor_start, VORDERING: _Rommel.vordering}


def rommel(s: Blok) -> None:
    """Apply `ROMMEL` to the block's files, file by file in the table's order; `s.geldig[bestand]` marks the
    rows no case touched."""
    s.geldig = {}
    for bestand in dict.fromkeys(g.bestand for g in ROMMEL):
        r = _Rommel(s.ctx, s.rng, bestand, s.frames[bestand])
        for g in ROMMEL:
            if g.bestand == bestand:
                r.pas_toe(g)
        s.frames[bestand] = r.df
        s.geldig[bestand] = ~r.bezet
