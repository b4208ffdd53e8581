"""Who surely lives where on the peildatum: the address facts both housing themes share.

Partial dates count in the resident's favour: a person counts at an address only when the period
surely covers the peildatum (latest possible start <= P, earliest possible end > P), and a person
who may have died by P does not count.
"""
from __future__ import annotations

import hashlib

import polars as pl


from assets.themas.kader import Invoer, gba_onvolledig

VELDEN = ("brp.verblijfplaatsen.bsn", "brp.verblijfplaatsen.adres_id", "brp.verblijfplaatsen.functie_adres",
          "brp.verblijfplaatsen.datum_aanvang", "brp.verblijfplaatsen.datum_einde")


def woonadressen(inv: Invoer, *, personen: pl.Series | None = None, adressen: pl.Series | None = None
                 ) -> pl.DataFrame:
    """Current woonadres (functie W, with a BAG object) per living person: bsn, adres_id, aanvang, onvolledig.

    Limited inside DuckDB to the given persons or addresses: a theme reads the households it checks and
    the residents of their addresses, not every address in the country.
    """
    p = inv.peildatum
    binnen = {k: v for k, v in (("bsn", personen), ("adres_id", adressen)) if v is not None}
    woon = (inv.lees("brp", "verblijfplaatsen", "bsn", "adres_id", "functie_adres", "datum_aanvang",
                     "datum_aanvang_laatst", "datum_einde", "datum_einde_vroegst", binnen=binnen)
            .filter((pl.col("functie_adres") == "W") & pl.col("adres_id").is_not_null()
                    & (pl.col("datum_aanvang_laatst") <= p)
                    & (pl.col("datum_einde").is_null() | (pl.col("datum_einde_vroegst") > p)))
            .select("bsn", "adres_id", pl.col("datum_aanvang_laatst").alias("aanvang"),
                    (gba_onvolledig("datum_aanvang") | gba_onvolledig("datum_einde").fill_null(False))
                    .alias("adres_onvolledig"))
            .collect())
    overleden = inv.lees("brp", "personen", "bsn", "datum_overlijden_vroegst", binnen={"bsn": woon["bsn"]}) \
        .filter(pl.col("datum_overlijden_vroegst") <= p).select("bsn").collect()
    return woon.join(overleden, on="bsn", how="anti")


_GEDEELD: dict[str, tuple[pl.DataFrame, pl.DataFrame]] = {}  # a few entries: one per database and peildatum


def bewoners(inv: Invoer, huishoudens: pl.Series) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The woonadressen of the given persons, and everyone who surely lives at those addresses.

    Derived once per peildatum and BRP delivery for a set of persons and shared by both housing themes,
    which ask it for the same households. Kept in the process's memory, not in DuckDB: analysis tables
    hold no BSN (tests/lineage/test_pseudoniem.py); a run's steps share one process (in-process executor)."""
    # the BRP delivery as staged (content and rule version): a corrected delivery on the same date is a new key
    sleutel = hashlib.sha256("\n".join([inv.levering_id("brp"), inv.peildatum.isoformat(),
                                        *sorted(huishoudens.drop_nulls().unique().to_list())]).encode()).hexdigest()
    if sleutel not in _GEDEELD:
        eigen = woonadressen(inv, personen=huishoudens)
        while len(_GEDEELD) >= 4:
            _GEDEELD.pop(next(iter(_GEDEELD)))
        _GEDEELD[sleutel] = (eigen, woonadressen(inv, adressen=eigen["adres_id"]))
    return _GEDEELD[sleutel]


def adresregel(postcode, huisnummer, huisletter, toevoeging, woonplaats) -> str:
    nummer = f"{huisnummer or ''}{huisletter or ''}" + (f"-{toevoeging}" if toevoeging else "")
    return " ".join(x for x in (postcode or "", nummer, f"({woonplaats})" if woonplaats else "") if x)
