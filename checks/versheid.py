"""Freshness: how old the delivery a run uses is on its peildatum, per source (checks/drempels.yaml)."""
from __future__ import annotations

from checks.kader import Context, Controle, Definitie


def versheid(ctx: Context) -> Controle:
    d = ctx.drempels["versheid"]
    bron, leverdatum = ctx.spec.bron, ctx.levering.leverdatum
    maximum = int(d["max_dagen"][bron])
    dagen = (ctx.peildatum - leverdatum).days
    return Controle(
        "versheid", geslaagd=0 <= dagen <= maximum, ernst=d["ernst"], waarde=float(dagen),
        drempel=f"levering hoogstens {maximum} dagen oud op de peildatum",
        toelichting=f"levering {bron}/{leverdatum.isoformat()} is {dagen} dagen oud op peildatum "
                    f"{ctx.peildatum.isoformat()} (maximaal {maximum})",
        details={"leverdatum": leverdatum.isoformat(), "peildatum": ctx.peildatum.isoformat(), "dagen": dagen,
                 "max_dagen": maximum})


DEFINITIES = [Definitie("versheid", "Versheid: leeftijd van de levering op de peildatum", versheid)]
