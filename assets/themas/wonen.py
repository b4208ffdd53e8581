"""Who surely lives where on the peildatum: the address facts both housing themes share.

Partial dates count in the resident's favour: a person counts at an address only when the period
surely covers the peildatum (latest possible start <= P, earliest possible end > P), and a person
who may have died by P does not count.
"""
from __future__ import annotations

import hashlib

import polars as pl

from kern import opslag

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


def bewoners(inv: Invoer, huishoudens: pl.Series) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The woonadressen of the given persons, and everyone who surely lives at those addresses.

    Derived once per peildatum and BRP delivery for a set of persons, kept in DuckDB (`wonen_eigen`,
    `wonen_bewoners`) and shared by both housing themes, which ask it for the same households."""
    sleutel = hashlib.sha256("\n".join([inv.peildatum.isoformat(), str(inv.leverdatum("brp")),
                                        *sorted(huishoudens.drop_nulls().unique().to_list())]).encode()).hexdigest()
    con = inv.con
    if opslag.bestaat_tabel(con, "wonen_bewoners") and con.sql(
            "SELECT 1 FROM wonen_sleutels WHERE peildatum = ? AND sleutel = ?", params=[inv.peildatum, sleutel]).fetchall():
        return tuple(con.sql(f"SELECT * EXCLUDE (peildatum, sleutel, volgorde) FROM {t} WHERE peildatum = ? AND "
                             "sleutel = ? ORDER BY volgorde", params=[inv.peildatum, sleutel]).pl()
                     for t in ("wonen_eigen", "wonen_bewoners"))
    eigen = woonadressen(inv, personen=huishoudens)
    woon = woonadressen(inv, adressen=eigen["adres_id"])
    con.execute("BEGIN TRANSACTION")
    try:
        for tabel, frame in (("wonen_eigen", eigen), ("wonen_bewoners", woon)):
            opslag.verwijder(con, tabel, {"peildatum": inv.peildatum})
            opslag.voeg_toe(con, tabel, frame.with_row_index("volgorde").with_columns(
                pl.lit(inv.peildatum).alias("peildatum"), pl.lit(sleutel).alias("sleutel")),
                [("volgorde", "BIGINT"), ("bsn", "VARCHAR"), ("adres_id", "VARCHAR"), ("aanvang", "DATE"),
                 ("adres_onvolledig", "BOOLEAN"), ("peildatum", "DATE"), ("sleutel", "VARCHAR")])
        opslag.verwijder(con, "wonen_sleutels", {"peildatum": inv.peildatum})
        opslag.voeg_toe(con, "wonen_sleutels", pl.DataFrame({"peildatum": [inv.peildatum], "sleutel": [sleutel]}))
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return eigen, woon


def adresregel(postcode, huisnummer, huisletter, toevoeging, woonplaats) -> str:
    nummer = f"{huisnummer or ''}{huisletter or ''}" + (f"-{toevoeging}" if toevoeging else "")
    return " ".join(x for x in (postcode or "", nummer, f"({woonplaats})" if woonplaats else "") if x)
