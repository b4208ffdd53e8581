"""The Great Expectations suite of every staged table, as data: the contract's rules plus plausibility,
date logic and referential integrity across sources.

Each `Verwachting` names one GX expectation and its kind (severity and `mostly` come from
checks/drempels.yaml). Facts that need more than one row or more than one table — uniqueness of a
key, existence in another source — are computed by DuckDB as a boolean column (`Afgeleid`) that GX
then validates batch by batch, so that no check needs the whole table in pandas at once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from sources.pseudoniem import LENGTE as PSEUDONIEM_LENGTE
from sources.contract import (BSN, CENT, ENUM, INT, KENTEKEN, POSTCODE, REGEX, Bestand, dubbele_sleutels,
                              sleutelwaarde)
from sources.register import ALLE

BSN_KOLOMMEN = ("bsn", "partner_bsn", "relatie_bsn")  # values never shown in examples


@dataclass(frozen=True)
class Afgeleid:
    """A boolean column computed in DuckDB over the staged rows `t`; NULL where it does not apply.

    `sql` may use {lev_<bron>}: the accepted leverdatum of that source for the peildatum; when a source it
    reads has no accepted delivery, the expectations on this column are not evaluated (and say so)."""

    naam: str
    sql: str
    bronnen: tuple[str, ...] = ()
    heel: bool = False  # needs more than its own row (the whole delivery, another table): computed once per suite


@dataclass(frozen=True)
class Verwachting:
    naam: str
    soort: str  # key into drempels.yaml verwachtingen.soorten
    gx: str  # GX expectation class, e.g. ExpectColumnValuesToNotBeNull
    kwargs: dict
    omschrijving: str
    afgeleid: Afgeleid | None = None

    @property
    def kolommen(self) -> tuple[str, ...]:
        return tuple(v for k, v in self.kwargs.items() if k in ("column", "column_A", "column_B"))


@dataclass(frozen=True)
class Suite:
    tabel: str
    bron: str
    verwachtingen: tuple[Verwachting, ...] = field(default_factory=tuple)

    @property
    def afgeleid(self) -> list[Afgeleid]:
        gezien = {}
        for v in self.verwachtingen:
            if v.afgeleid is not None:
                gezien.setdefault(v.afgeleid.naam, v.afgeleid)
        return list(gezien.values())


def _waar(naam: str, soort: str, afgeleid: Afgeleid, omschrijving: str) -> Verwachting:
    return Verwachting(naam, soort, "ExpectColumnValuesToBeInSet", {"column": afgeleid.naam, "value_set": [True]},
                       omschrijving, afgeleid)


def uniek(spec: Bestand) -> Verwachting:
    """The key occurs once in the delivery (`dubbele_sleutels`; a key as a struct value, whose NULL parts compare
    equal)."""
    dubbel = dubbele_sleutels(spec.sleutel, spec.tabel, f"leverdatum = {{lev_{spec.bron}}}")
    a = Afgeleid("sleutel_uniek", f"{sleutelwaarde(spec.sleutel, 't.')} NOT IN ({dubbel})", (spec.bron,), heel=True)
    return _waar("sleutel_uniek", "sleutel", a, f"sleutel ({', '.join(spec.sleutel)}) komt één keer voor")


def bestaat_in(van: Bestand, naam: str, kolom: str, tabel: str, doelkolom: str, bron: str,
               soort: str = "verwijzing", omschrijving: str = "") -> Verwachting:
    """`kolom` of the staged rows of file `van` occurs in `tabel`.`doelkolom` (of the source's accepted delivery).

    A file outside the BRP is much smaller than what it refers to (a municipality's 400 k dossiers against the BRP's
    18 M persons): it reads only the referred values it holds itself, so that DuckDB builds its hash table on the
    small side. The same verdict for every row (a NULL target value is kept, as `IN` treats it): at national scale
    the two of gemeente_uitkeringen take 0.9 s instead of 3.2 s."""
    doel = f"SELECT {doelkolom} FROM {tabel} WHERE leverdatum = {{lev_{bron}}}"
    bronnen = (bron,)
    if van.bron != "brp":
        doel += (f' AND ({doelkolom} IS NULL OR {doelkolom} IN (SELECT "{kolom}" FROM {van.tabel} '
                 f"WHERE leverdatum = {{lev_{van.bron}}}))")
        bronnen = tuple(dict.fromkeys((bron, van.bron)))
    a = Afgeleid(naam, f'CASE WHEN t."{kolom}" IS NULL THEN NULL ELSE t."{kolom}" IN ({doel}) END', bronnen,
                 heel=True)
    return _waar(naam, soort, a, omschrijving or f"{kolom} komt voor in {tabel}.{doelkolom}")


def hoort_bij_dossier(kolom: str = "bsn") -> Verwachting:
    a = Afgeleid("bsn_hoort_bij_dossier",
                 f'CASE WHEN t."{kolom}" IS NULL THEN NULL ELSE t."{kolom}" IN (SELECT bsn FROM gemeente_uitkeringen '
                 "WHERE leverdatum = {lev_gemeente} UNION ALL SELECT partner_bsn FROM gemeente_uitkeringen "
                 "WHERE leverdatum = {lev_gemeente} AND partner_bsn IS NOT NULL) END", ("gemeente",), heel=True)
    return _waar("bsn_hoort_bij_dossier", "herkomst", a,
                 f"{kolom} is aanvrager of partner van een dossier (alleen gegevens die nodig zijn)")


def _contract(spec: Bestand) -> list[Verwachting]:
    """The contract's own rules on the typed columns: required, key, value sets, formats, minimums."""
    uit: list[Verwachting] = []
    for k in spec.kolommen:
        if k.bijzonder:
            continue
        if k.verplicht or k.naam in spec.sleutel:
            soort = "sleutel" if k.naam in spec.sleutel else "verplicht"
            uit.append(Verwachting(f"{k.naam}_gevuld", soort, "ExpectColumnValuesToNotBeNull", {"column": k.naam},
                                   f"{k.naam} is gevuld"))
        # a BSN column is staged as its pseudonym (sources/pseudoniem.py): the row rules checked the BSN itself
        formaat = {BSN: rf"^[0-9a-f]{{{PSEUDONIEM_LENGTE}}}$", POSTCODE: r"^[1-9]\d{3}[A-Z]{2}$", KENTEKEN: r"^[A-Z0-9]{6}$",
                   REGEX: re.sub(r"\((?!\?)", "(?:", k.patroon or "")}.get(k.type)  # no groups: pandas warns
        if k.type == ENUM:
            uit.append(Verwachting(f"{k.naam}_waardenlijst", "waardenlijst", "ExpectColumnValuesToBeInSet",
                                   {"column": k.naam, "value_set": list(k.waarden)},
                                   f"{k.naam} is een van: {', '.join(k.waarden)}"))
        elif formaat:
            uit.append(Verwachting(f"{k.naam}_formaat", "formaat", "ExpectColumnValuesToMatchRegex",
                                   {"column": k.naam, "regex": formaat}, f"{k.naam} heeft het formaat {formaat}"))
        if k.type in (INT, CENT) and k.minimum is not None:
            uit.append(Verwachting(f"{k.naam}_minimum", "formaat", "ExpectColumnValuesToBeBetween",
                                   {"column": k.naam, "min_value": k.minimum}, f"{k.naam} is minstens {k.minimum}"))
    if spec.sleutel:
        uit.append(uniek(spec))
    return uit


def _tussen(naam: str, kolom: str, soort: str, minimum=None, maximum=None, omschrijving: str = "") -> Verwachting:
    kwargs = {"column": kolom}
    if minimum is not None:
        kwargs["min_value"] = minimum
    if maximum is not None:
        kwargs["max_value"] = maximum
    return Verwachting(naam, soort, "ExpectColumnValuesToBeBetween", kwargs, omschrijving)


def _na(naam: str, later: str, eerder: str, omschrijving: str) -> Verwachting:
    return Verwachting(naam, "datumlogica", "ExpectColumnPairValuesAToBeGreaterThanB",
                       {"column_A": later, "column_B": eerder, "or_equal": True,
                        "ignore_row_if": "either_value_is_missing"}, omschrijving)


def _niet_na_levering(kolom: str) -> Verwachting:
    a = Afgeleid(f"{kolom}_niet_na_levering", f't."{kolom}" IS NULL OR t."{kolom}" <= t.leverdatum')
    return _waar(a.naam, "datumlogica", a, f"{kolom} ligt niet na de leverdatum")


def _extra(spec: Bestand) -> list[Verwachting]:
    """Plausibility, date logic and references per table (beyond the contract)."""
    tabel = spec.tabel
    if tabel == "brp_personen":
        # a date range as a DuckDB flag: GX compares datetimes row by row in Python
        na_1880 = Afgeleid("geboortedatum_na_1880", "t.geboortedatum_vroegst >= DATE '1880-01-01'")
        return [_waar("geboortedatum_bereik", "bereik", na_1880, "geboortedatum ligt na 1880"),
                _niet_na_levering("geboortedatum_vroegst"),
                _na("overlijden_na_geboorte", "datum_overlijden_laatst", "geboortedatum_vroegst",
                    "datum_overlijden ligt niet voor de geboortedatum"), _niet_na_levering("datum_overlijden_vroegst")]
    if tabel == "brp_adressen":
        return [_tussen("oppervlakte_bereik", "oppervlakte_m2", "bereik", 1, 10_000, "oppervlakte tussen 1 en 10.000 m²"),
                _tussen("huisnummer_bereik", "huisnummer", "bereik", 1, 99_999, "huisnummer tussen 1 en 99.999")]
    if tabel == "brp_verblijfplaatsen":
        return [bestaat_in(spec, "bsn_in_brp", "bsn", "brp_personen", "bsn", "brp"),
                bestaat_in(spec, "adres_in_bag", "adres_id", "brp_adressen", "adres_id", "brp",
                           omschrijving="adres_id komt voor in de BAG-gegevens (brp_adressen)"),
                _na("einde_na_aanvang", "datum_einde_laatst", "datum_aanvang_vroegst",
                    "datum_einde ligt niet voor datum_aanvang"), _niet_na_levering("datum_aanvang_vroegst")]
    if tabel == "brp_relaties":
        return [bestaat_in(spec, "bsn_in_brp", "bsn", "brp_personen", "bsn", "brp"),
                _na("einde_na_aanvang", "datum_einde_laatst", "datum_aanvang_vroegst",
                    "datum_einde ligt niet voor datum_aanvang")]
    if tabel == "ib_vermogen":
        return [bestaat_in(spec, "bsn_in_brp", "bsn", "brp_personen", "bsn", "brp"), hoort_bij_dossier(),
                _tussen("saldo_bereik", "saldo_cent", "bereik", -100_000_000_00, 100_000_000_00,
                        "saldo tussen -100 en +100 miljoen euro"), _niet_na_levering("saldo_peildatum")]
    if tabel == "suwi_polis":
        return [bestaat_in(spec, "bsn_in_brp", "bsn", "brp_personen", "bsn", "brp"),
                _tussen("bruto_bereik", "bruto_cent", "bereik", -1_000_000_00, 1_000_000_00,
                        "bruto inkomen per periode tussen -1 en +1 miljoen euro"),
                _niet_na_levering("periode_start")]
    if tabel == "suwi_studiefinanciering":
        return [bestaat_in(spec, "bsn_in_brp", "bsn", "brp_personen", "bsn", "brp"),
                _niet_na_levering("datum_aanvang")]
    if tabel == "rdw_tenaamstellingen":
        return [bestaat_in(spec, "bsn_in_brp", "bsn", "brp_personen", "bsn", "brp"), hoort_bij_dossier(),
                _tussen("catalogusprijs_bereik", "catalogusprijs", "bereik", 0, 2_000_000,
                        "catalogusprijs tussen 0 en 2 miljoen euro"),
                _na("einde_na_aanvang", "datum_einde_tenaamstelling_laatst", "datum_aanvang_tenaamstelling_vroegst",
                    "einde van de tenaamstelling ligt niet voor de aanvang"),
                _niet_na_levering("datum_aanvang_tenaamstelling_vroegst")]
    if tabel == "gemeente_uitkeringen":
        return [bestaat_in(spec, "aanvrager_in_brp", "bsn", "brp_personen", "bsn", "brp",
                           omschrijving="de aanvrager komt voor in de BRP"),
                bestaat_in(spec, "partner_in_brp", "partner_bsn", "brp_personen", "bsn", "brp",
                           omschrijving="de partner komt voor in de BRP"),
                _tussen("kostendelers_bereik", "kostendelers", "bereik", 1, 20, "kostendelers tussen 1 en 20")]
    if tabel == "gemeente_onderzoeken":
        return [bestaat_in(spec, "dossier_bestaat", "dossier_id", "gemeente_uitkeringen", "dossier_id", "gemeente",
                           omschrijving="het dossier van het onderzoek bestaat in gemeente_uitkeringen"),
                _na("einde_na_start", "datum_einde", "datum_start", "datum_einde ligt niet voor datum_start"),
                _niet_na_levering("datum_start")]
    if tabel == "gemeente_opgegeven_inkomsten":
        return [bestaat_in(spec, "dossier_bestaat", "dossier_id", "gemeente_uitkeringen", "dossier_id", "gemeente",
                           omschrijving="het dossier van de opgave bestaat in gemeente_uitkeringen"),
                _tussen("bruto_bereik", "bruto_cent", "bereik", 0, 1_000_000_00,
                        "opgegeven bruto inkomen tussen 0 en 1 miljoen euro")]
    return []


def suite(spec: Bestand) -> Suite:
    return Suite(spec.tabel, spec.bron, tuple(_contract(spec) + _extra(spec)))


SUITES: dict[str, Suite] = {s.tabel: suite(s) for s in ALLE}
