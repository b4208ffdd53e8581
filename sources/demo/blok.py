"""One block of at most 1,000,000 persons, as a list of named steps.

A block is an independent "sub-municipality" (own addresses, households, dossiers) with its own random
stream `default_rng([seed, blok])`. The steps run in the order of `STAPPEN`, which is the order of the random
draws: reordering them changes the data (tests/test_demo_digest.py pins the bytes).
"""
from __future__ import annotations

from collections.abc import Callable

import polars as pl

from sources.demo import (
    bevolking, bevolkingsbestanden, geplant, huisvesting_bezetting, huisvesting_kostendelers, onderzoeken, rommel,
    vermogen_bank, vermogen_voertuigen, verrekening,
)
from sources.demo.toestand import Blok, _Ctx

# Planted categories (dossier level), as the themes declare them; the order is the order of the draws.
GEPLANT: dict[str, tuple[float, str]] = {**vermogen_voertuigen.GEVALLEN, **vermogen_bank.GEVALLEN,
                                         **huisvesting_bezetting.GEVALLEN, **huisvesting_kostendelers.GEVALLEN}


def trek_gevallen(s: Blok) -> None:
    """The planted cases of every theme, drawn among the active PW dossiers."""
    geplant.trek_gevallen(s, GEPLANT)


def vorige_levering(s: Blok) -> None:
    """The earlier gemeente delivery (peildatum - 1): without what started on the peildatum, and a few reported
    months less; and the block's totals in the summary."""
    ctx, frames, rng = s.ctx, s.frames, s.rng
    p_iso = ctx.peildatum.isoformat()
    s.vorig = {
        "uitkeringen.csv": frames["uitkeringen.csv"].filter(pl.col("datum_aanvang").fill_null("") != p_iso),
        "onderzoeken.csv": frames["onderzoeken.csv"].filter(pl.col("datum_start").fill_null("") != p_iso),
        "opgegeven_inkomsten.csv": frames["opgegeven_inkomsten.csv"].filter(
            pl.Series(rng.random(frames["opgegeven_inkomsten.csv"].height) >= 0.003)),
    }
    ctx.tel(ctx.geplant, "personen", s.n)
    ctx.tel(ctx.geplant, "dossiers", s.nd)
    ctx.tel(ctx.geplant, "dossiers_actief_pw", int((s.d_actief & (s.hh["regeling"][s.dh] == 0)).sum()))


STAPPEN: tuple[Callable[[Blok], None], ...] = (
    # addresses, households, dossiers
    bevolking.adressen,
    bevolking.huishoudens,
    bevolking.dossiers,
    # the planted cases and the households they change
    trek_gevallen,
    huisvesting_kostendelers.trek_groepen,
    bevolking.dakloos_en_overleden,
    huisvesting_bezetting.extra_personen,
    huisvesting_kostendelers.extra_personen,
    bevolking.inkorten,
    huisvesting_kostendelers.verhuizers,
    geplant.tel_huishoudens,
    # persons
    bevolking.personen_rollen,
    bevolking.leeftijden,
    bevolking.geslacht_en_nationaliteit,
    bevolking.overlijden,
    bevolking.studiefinanciering_status,
    bevolking.woonsituatie,
    bevolking.bsn_nummers,
    huisvesting_kostendelers.kostendelersnorm,
    huisvesting_bezetting.adressen_aanpassen,
    # the files
    bevolkingsbestanden.adressen_frame,
    bevolkingsbestanden.personen_frame,
    bevolkingsbestanden.vorige_perioden,
    bevolkingsbestanden.historische_perioden,
    bevolkingsbestanden.verblijfplaatsen,
    bevolkingsbestanden.relaties,
    bevolkingsbestanden.uitkeringen,
    vermogen_bank.rekeningen,
    vermogen_bank.geplante_saldi,
    vermogen_bank.vermogen_frame,
    vermogen_voertuigen.gewone_tenaamstellingen,
    vermogen_voertuigen.geplante_tenaamstellingen,
    vermogen_voertuigen.kentekens,
    vermogen_voertuigen.tenaamstellingen_frame,
    verrekening.polis,
    huisvesting_kostendelers.studiefinanciering,
    verrekening.opgegeven_inkomsten,
    onderzoeken.gewone_onderzoeken,
    onderzoeken.monitoring_onderzoeken,
    onderzoeken.overlap_onderzoeken,
    onderzoeken.uitkomsten,
    onderzoeken.geplante_uitsluitingen,
    onderzoeken.op_peildatum,
    onderzoeken.onderzoeken_frame,
    # messy cases, the monitoring's expected counts, the earlier delivery
    rommel.rommel,
    onderzoeken.tel,
    vorige_levering,
)


def maak_blok(ctx: _Ctx, b: int, n_c: int) -> dict[str, dict[str, pl.DataFrame]]:
    """The files of block `b` with `n_c` persons: `nu` (the current deliveries) and `vorig` (the earlier
    gemeente delivery)."""
    s = Blok(ctx, b, n_c)
    s.frames = {}
    for stap in STAPPEN:
        stap(s)
    return {"nu": s.frames, "vorig": s.vorig}

