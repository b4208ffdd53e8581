"""Volume: rows delivered against the previous accepted delivery of the same source and file.

The previous accepted delivery is the newest earlier folder in the landing that is one (at most TERUG folders
back): its counts from `bestand_tellingen` when it was ingested, else its manifest once verified (an
unverifiable folder is no basis, and the search goes on to the one before it); failing that the newest earlier
delivery that was ingested (a landing that no longer holds the earlier folders). So a fresh werkmap and one
that ran the earlier nights compare with the same delivery.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from checks.kader import Context, Controle, Definitie
from sources import levering as lv


TERUG = 10  # earlier delivery folders looked at, newest first, for the previous accepted one


@lru_cache(maxsize=16)
def _manifest_rijen(pad: str, bron: str, leverdatum) -> dict[str, int] | None:
    """Rows per file of a delivery folder that passes verification against its manifest, else None."""
    try:
        feiten, _ = lv.verifieer(Path(pad), bron, leverdatum)
    except lv.Afwijzing:
        return None
    return {naam: f["rijen"] for naam, f in feiten.items()}


def vorige(ctx: Context) -> tuple[object, int, str] | None:
    """(leverdatum, rows, where the count comes from) of the previous accepted delivery of this file."""
    bron, naam, huidig = ctx.spec.bron, ctx.spec.naam, ctx.levering.leverdatum
    eerder = [d for d in lv.leverdata(ctx.levering.pad.parent.parent, bron) if d < huidig] \
        if ctx.levering.pad is not None else []
    for v in reversed(eerder[-TERUG:]):
        rij = ctx.con.sql("SELECT geleverd FROM bestand_tellingen WHERE bron = ? AND leverdatum = ? AND bestand = ?",
                          params=[bron, v, naam]).fetchall()
        if rij:
            return v, int(rij[0][0]), "bestand_tellingen"
        rijen = _manifest_rijen(str(ctx.levering.pad.parent / v.isoformat()), bron, v)
        if rijen is not None and naam in rijen:
            return v, rijen[naam], "manifest (geverifieerd)"
    rij = ctx.con.sql("SELECT leverdatum, geleverd FROM bestand_tellingen WHERE bron = ? AND bestand = ? "
                      "AND leverdatum < ? ORDER BY leverdatum DESC LIMIT 1", params=[bron, naam, huidig]).fetchall()
    return (rij[0][0], int(rij[0][1]), "bestand_tellingen") if rij else None


def volume(ctx: Context) -> Controle:
    d = ctx.drempels["volume"]
    maximum, minimum = float(d["max_afwijking_percentage"]), int(d["min_rijen_vorige"])
    nu = int(ctx.inlezing.geleverd)
    drempel = f"hoogstens {maximum:g}% afwijking van de vorige geaccepteerde levering"
    eerder = vorige(ctx)
    if eerder is None:
        return Controle("volume", geslaagd=True, ernst=d["ernst"], drempel=drempel,
                        toelichting=f"niet van toepassing: geen vorige levering van {ctx.spec.bron}/{ctx.spec.naam}",
                        details={"geleverd": nu})
    leverdatum, toen, herkomst = eerder
    details = {"geleverd": nu, "vorige_leverdatum": str(leverdatum), "vorige_geleverd": toen, "herkomst": herkomst}
    if toen < minimum:
        return Controle("volume", geslaagd=True, ernst=d["ernst"], drempel=drempel, details=details,
                        toelichting=f"niet van toepassing: vorige levering ({leverdatum}) had {toen} rijen, "
                                    f"minder dan {minimum}")
    afwijking = 100.0 * (nu - toen) / toen
    return Controle(
        "volume", geslaagd=abs(afwijking) <= maximum, ernst=d["ernst"], waarde=round(afwijking, 2), drempel=drempel,
        toelichting=f"{nu} rijen geleverd, vorige levering ({leverdatum}) {toen}: {afwijking:+.1f}% "
                    f"(toegestaan ±{maximum:g}%)", details=details)


DEFINITIES = [Definitie("volume", "Volume: aantal rijen t.o.v. de vorige geaccepteerde levering", volume)]
