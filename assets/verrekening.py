"""Income settlement (not enforcement): polis income above reported income, per dossier and month.

Polis income is reliable enough that residents are not blamed for unreported white income; the excess
is settled with the next month (domain.md). This list goes to income consultants, never to signals.
"""
from __future__ import annotations

from datetime import date

import polars as pl

from assets.themas import kader
from assets.themas.kader import Invoer

VELDEN = ("suwi.polis.bsn", "suwi.polis.periode_einde", "suwi.polis.bruto_cent",
          "gemeente.opgegeven_inkomsten.dossier_id", "gemeente.opgegeven_inkomsten.periode",
          "gemeente.opgegeven_inkomsten.bruto_cent")
BRONNEN = ("gemeente", "suwi")
KOLOMMEN = ["dossier_id", "bsn", "periode", "inkomen_polis", "inkomen_opgegeven", "verschil", "bronnen"]


def maanden(peildatum: date, aantal: int) -> list[str]:
    """The `aantal` calendar months up to and including the peildatum's month, as YYYY-MM."""
    index = peildatum.year * 12 + peildatum.month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - aantal + 1, index + 1)]


def bereken(inv: Invoer, par: dict) -> pl.DataFrame:
    q, p = par["verrekening"], inv.peildatum
    periodes = maanden(p, q["maanden"])
    pop = kader.populatie(inv)
    # a polis period counts in the month in which it ends; only periods ended by the peildatum
    polis = (kader.huishouden(pop).lazy()
             .join(inv.lees("suwi", "polis", "bsn", "periode_einde", "bruto_cent")
                   .filter(pl.col("periode_einde") <= p), on="bsn")
             .with_columns(pl.col("periode_einde").dt.strftime("%Y-%m").alias("periode"))
             .filter(pl.col("periode").is_in(periodes))
             .group_by("dossier_id", "periode").agg((pl.col("bruto_cent").sum() / 100).alias("inkomen_polis")))
    opgegeven = (inv.lees("gemeente", "opgegeven_inkomsten", "dossier_id", "periode", "bruto_cent")
                 .group_by("dossier_id", "periode").agg((pl.col("bruto_cent").sum() / 100).alias("inkomen_opgegeven")))
    bronnen = ", ".join(VELDEN)
    return (polis.join(opgegeven, on=["dossier_id", "periode"], how="left")
            .join(pop.lazy().select("dossier_id", "bsn", "datum_aanvang"), on="dossier_id")
            # only months in which the dossier was running
            .filter(pl.col("periode") >= pl.col("datum_aanvang").dt.strftime("%Y-%m"))
            .with_columns(pl.col("inkomen_opgegeven").fill_null(0.0))
            .with_columns((pl.col("inkomen_polis") - pl.col("inkomen_opgegeven")).round(2).alias("verschil"))
            .filter(pl.col("verschil") > q["tolerantie_euro"])
            .with_columns(pl.lit(bronnen).alias("bronnen"))
            .select(KOLOMMEN).sort("dossier_id", "periode").collect())
