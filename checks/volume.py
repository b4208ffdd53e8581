"""Volume: rows delivered against the previous accepted delivery of the same source and file.

The previous delivery is the folder before this one (`vorige_leverdatum`): its counts from
`bestand_tellingen` when it was ingested, else its manifest once verified (an unverifiable folder is
no basis); failing that the newest earlier delivery that was ingested.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from checks.kader import Context, Controle, Definitie
from sources import levering as lv


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
    v = ctx.levering.vorige_leverdatum
    if v is not None:
        rij = ctx.con.sql("SELECT geleverd FROM bestand_tellingen WHERE bron = ? AND leverdatum = ? AND bestand = ?",
                          params=[bron, v, naam]).fetchall()
        if rij:
            return v, int(rij[0][0]), "bestand_tellingen"
        if ctx.levering.pad is not None:
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
