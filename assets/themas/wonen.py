"""Who surely lives where on the peildatum: the address facts both housing themes share.

Partial dates count in the resident's favour: a person counts at an address only when the period
surely covers the peildatum (latest possible start <= P, earliest possible end > P), and a person
who may have died by P does not count.
"""
from __future__ import annotations

import polars as pl

from assets.themas.kader import Invoer, gba_onvolledig

VELDEN = ("brp.verblijfplaatsen.bsn", "brp.verblijfplaatsen.adres_id", "brp.verblijfplaatsen.functie_adres",
          "brp.verblijfplaatsen.datum_aanvang", "brp.verblijfplaatsen.datum_einde")


def woonadressen(inv: Invoer) -> pl.LazyFrame:
    """Current woonadres (functie W, with a BAG object) per living person: bsn, adres_id, aanvang, onvolledig."""
    p = inv.peildatum
    overleden = inv.lees("brp", "personen", "bsn", "datum_overlijden_vroegst") \
        .filter(pl.col("datum_overlijden_vroegst") <= p).select("bsn")
    return (inv.lees("brp", "verblijfplaatsen", "bsn", "adres_id", "functie_adres", "datum_aanvang",
                     "datum_aanvang_laatst", "datum_einde", "datum_einde_vroegst")
            .filter((pl.col("functie_adres") == "W") & pl.col("adres_id").is_not_null()
                    & (pl.col("datum_aanvang_laatst") <= p)
                    & (pl.col("datum_einde").is_null() | (pl.col("datum_einde_vroegst") > p)))
            .join(overleden, on="bsn", how="anti")
            .select("bsn", "adres_id", pl.col("datum_aanvang_laatst").alias("aanvang"),
                    (gba_onvolledig("datum_aanvang") | gba_onvolledig("datum_einde").fill_null(False))
                    .alias("adres_onvolledig")))


def adresregel(postcode, huisnummer, huisletter, toevoeging, woonplaats) -> str:
    nummer = f"{huisnummer or ''}{huisletter or ''}" + (f"-{toevoeging}" if toevoeging else "")
    return " ".join(x for x in (postcode or "", nummer, f"({woonplaats})" if woonplaats else "") if x)
