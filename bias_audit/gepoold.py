"""The final step pooled over the last runs of the same filter_versie (domain.md, "Power that is honest").

One municipality's final lists are small, so a single run can only see large skews. Pooling the last runs
(default 12) of the same filter_versie counts each dossier once: selected when it was on the final list in
any of those runs, against every dossier in the population of any of them (counting a dossier once per run
would treat the same person as independent observations). Each dossier takes its attributes from the most
recent of those runs. The pooled test has its own share of the false-alarm budget and blocks like any other.
"""
from __future__ import annotations

from datetime import date

import polars as pl

from bias_audit import kenmerken
from kern import opslag


def runs(con, peildatum: date, thema: str, filter_versie: str, aantal: int) -> list[date]:
    """The peildata (newest first, this one included) of the last runs of this theme with this filter_versie whose
    funnel members are still there: retention (pipelines/opschonen.py) keeps a run's outcome but deletes its
    members, and a run that adds no dossier to the pool must not be named as pooled."""
    if not opslag.bestaat_tabel(con, "thema_uitkomsten") or not opslag.bestaat_tabel(con, "funnel_leden"):
        return []
    return [r[0] for r in con.sql(
        "SELECT peildatum FROM thema_uitkomsten t WHERE thema = ? AND filter_versie = ? AND berekend "
        "AND peildatum <= ? AND EXISTS (SELECT 1 FROM funnel_leden f WHERE f.thema = t.thema AND f.peildatum = "
        "t.peildatum) ORDER BY peildatum DESC LIMIT ?", params=[thema, filter_versie, peildatum, aantal]
    ).fetchall()]


def leden_en_kenmerken(con, thema: str, peildata: list[date], laatste_stap: int
                       ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A two-step funnel (0: pooled population, 1: pooled final list), each dossier once, and its attributes."""
    leden = con.sql(
        "SELECT dossier_id, CASE WHEN stap_nr = 0 THEN 0 ELSE 1 END AS stap_nr FROM funnel_leden "
        "WHERE thema = ? AND peildatum IN (SELECT unnest(?::DATE[])) AND stap_nr IN (0, ?) "
        "GROUP BY ALL ORDER BY ALL", params=[thema, peildata, laatste_stap]).pl()
    laatste = ", ".join(f'arg_max("{k}", peildatum) AS "{k}"' for k in kenmerken.KENMERKEN)
    km = con.sql(f"SELECT dossier_id, {laatste} FROM {kenmerken.TABEL} WHERE peildatum IN (SELECT unnest(?::DATE[])) "
                 "GROUP BY dossier_id ORDER BY dossier_id", params=[peildata]).pl()
    return leden.with_columns(pl.col("stap_nr").cast(pl.Int64)), km
