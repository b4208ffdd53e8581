"""Income settlement (not enforcement): polis income above reported income, per dossier and month.

Polis income is reliable enough that residents are not blamed for unreported white income; the excess
is settled with the next month (domain.md). This list goes to income consultants, never to signals.
"""
from __future__ import annotations

from datetime import date

import polars as pl

from assets.themas import kader
from assets.themas.kader import Invoer
from sources.pseudoniem import KLANTEN

VELDEN = ("suwi.polis.bsn", "suwi.polis.periode_einde", "suwi.polis.bruto_cent",
          "gemeente.opgegeven_inkomsten.dossier_id", "gemeente.opgegeven_inkomsten.periode",
          "gemeente.opgegeven_inkomsten.bruto_cent")
BRONNEN = ("gemeente", "suwi")
# The staged tables it reads (the population from the dossiers, polis, reported income): a failed check on another
# file of these sources (an investigation, a study grant) does not withhold the list (outputs.md lists it without
# a condition)
TABELLEN = tuple(sorted({"_".join(v.split(".")[:2]) for v in VELDEN} | {"gemeente_uitkeringen"}))
KOLOMMEN = ["dossier_id", "bsn", "periode", "inkomen_polis", "inkomen_opgegeven", "verschil", "bronnen"]


def maanden(peildatum: date, aantal: int) -> list[str]:
    """The `aantal` calendar months up to and including the peildatum's month, as YYYY-MM."""
    index = peildatum.year * 12 + peildatum.month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - aantal + 1, index + 1)]


def bereken_polars(inv: Invoer, par: dict) -> pl.DataFrame:
    """The reference rendering in Polars (kept to hold `bereken` equal to it, tests/themas/test_verrekening.py)."""
    q, p = par["verrekening"], inv.peildatum
    periodes = maanden(p, q["maanden"])
    pop = kader.populatie(inv)
    # a polis period counts in the month in which it ends; only periods ended by the peildatum
    polis = (kader.huishouden(pop).lazy()
             .join(inv.lees("suwi", "polis", "bsn", "periode_einde", "bruto_cent")
                   .filter(pl.col("periode_einde") <= p), on="bsn")
             .with_columns(pl.col("periode_einde").dt.strftime("%Y-%m").alias("periode"))
             .filter(pl.col("periode").is_in(periodes))
             .group_by("dossier_id", "periode")  # sums in 128 bits, as DuckDB's sum of BIGINT: no wrapping
             .agg((pl.col("bruto_cent").cast(pl.Int128).sum() / 100).round(2).alias("inkomen_polis")))
    opgegeven = (inv.lees("gemeente", "opgegeven_inkomsten", "dossier_id", "periode", "bruto_cent")
                 .group_by("dossier_id", "periode")
                 .agg((pl.col("bruto_cent").cast(pl.Int128).sum() / 100).round(2).alias("inkomen_opgegeven")))
    bronnen = ", ".join(VELDEN)
    # persons are staged by pseudonym: the list for the income consultants carries the applicant's BSN
    klanten = kader.verbinding_van(inv).sql(f"SELECT ph AS bsn, bsn AS klant_bsn FROM {KLANTEN} WHERE leverdatum = ?",
                                              params=[inv.leverdatum("gemeente")]).pl().lazy()
    return (polis.join(opgegeven, on=["dossier_id", "periode"], how="left")
            .join(pop.lazy().select("dossier_id", "bsn", "datum_aanvang"), on="dossier_id")
            .join(klanten, on="bsn").with_columns(pl.col("klant_bsn").alias("bsn"))
            # only months in which the dossier was running
            .filter(pl.col("periode") >= pl.col("datum_aanvang").dt.strftime("%Y-%m"))
            .with_columns(pl.col("inkomen_opgegeven").fill_null(0.0))
            .with_columns((pl.col("inkomen_polis") - pl.col("inkomen_opgegeven")).round(2).alias("verschil"))
            .filter(pl.col("verschil") > q["tolerantie_euro"])
            .with_columns(pl.lit(bronnen).alias("bronnen"))
            .select(KOLOMMEN).sort("dossier_id", "periode").collect())


def bereken(inv: Invoer, par: dict) -> pl.DataFrame:
    """The settlement list in one set-based DuckDB query: the same rule as `bereken_polars`."""
    q, p = par["verrekening"], inv.peildatum
    periodes = maanden(p, q["maanden"])
    # Invoer's guard: every column the query reads is a declared field (lazy scans: nothing is read here)
    inv.lees("gemeente", "uitkeringen", "dossier_id", "bsn", "partner_bsn", "regeling", "datum_aanvang", "datum_einde")
    inv.lees("suwi", "polis", "bsn", "periode_einde", "bruto_cent")
    inv.lees("gemeente", "opgegeven_inkomsten", "dossier_id", "periode", "bruto_cent")
    lg, ls = inv.leverdatum("gemeente"), inv.leverdatum("suwi")
    return kader.verbinding_van(inv).sql("""
        WITH pop AS (
            SELECT dossier_id, bsn, partner_bsn, datum_aanvang FROM gemeente_uitkeringen
            WHERE leverdatum = $lg AND regeling = 'PW' AND datum_aanvang <= $p AND (datum_einde IS NULL OR datum_einde >= $p)),
        hh AS (SELECT dossier_id, bsn FROM pop
               UNION ALL SELECT dossier_id, partner_bsn FROM pop WHERE partner_bsn IS NOT NULL),
        -- a polis period counts in the month in which it ends; only periods ended by the peildatum
        polis AS (
            SELECT hh.dossier_id, strftime(x.periode_einde, '%Y-%m') AS periode, round(sum(x.bruto_cent)::DOUBLE / 100, 2) AS inkomen_polis
            FROM hh JOIN suwi_polis x ON x.bsn = hh.bsn
            WHERE x.leverdatum = $ls AND x.periode_einde <= $p AND list_contains($periodes, strftime(x.periode_einde, '%Y-%m'))
            GROUP BY ALL),
        opgegeven AS (
            SELECT dossier_id, periode, round(sum(bruto_cent)::DOUBLE / 100, 2) AS inkomen_opgegeven FROM gemeente_opgegeven_inkomsten
            WHERE leverdatum = $lg GROUP BY ALL)
        -- cents to euros, rounded to the cent: the double nearest to the amount (0.95, never 0.9500000000000001)
        SELECT dossier_id, k.bsn, periode, inkomen_polis, coalesce(inkomen_opgegeven, 0.0) AS inkomen_opgegeven,
               round(inkomen_polis - coalesce(inkomen_opgegeven, 0.0), 2) AS verschil, $bronnen AS bronnen
        FROM polis LEFT JOIN opgegeven USING (dossier_id, periode) JOIN pop USING (dossier_id)
        -- persons are staged by pseudonym: the list for the income consultants carries the applicant's BSN
        JOIN klant_bsn k ON k.ph = pop.bsn AND k.leverdatum = $lg  -- sources.pseudoniem.KLANTEN
        -- only months in which the dossier was running
        WHERE periode >= strftime(pop.datum_aanvang, '%Y-%m')
          AND round(inkomen_polis - coalesce(inkomen_opgegeven, 0.0), 2) > $tolerantie
        ORDER BY dossier_id, periode""",
        params={"lg": lg, "ls": ls, "p": p, "periodes": periodes, "bronnen": ", ".join(VELDEN),
                "tolerantie": float(q["tolerantie_euro"])}).pl().select(KOLOMMEN)
