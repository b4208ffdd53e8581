"""Pandera row-model results at table level: the share of delivered rows quarantined per file."""
from __future__ import annotations

from checks.kader import Context, Controle, Definitie


def quarantaine_percentage(ctx: Context) -> Controle:
    d = ctx.drempels["quarantaine"]
    i = ctx.inlezing
    pct = 100.0 * i.quarantaine / i.geleverd if i.geleverd else 0.0
    redenen = {}
    for combinatie, n in i.redenen.items():
        for reden in combinatie.split("; "):
            redenen[reden] = redenen.get(reden, 0) + n
    voorbeelden = ctx.con.sql(
        "SELECT regel, reden FROM quarantaine WHERE bron = ? AND leverdatum = ? AND bestand = ? ORDER BY regel LIMIT 5",
        params=[ctx.spec.bron, ctx.levering.leverdatum, ctx.spec.naam]).fetchall()
    return Controle(
        "rijmodel", geslaagd=pct <= d["max_percentage"], ernst=d["ernst"], waarde=round(pct, 4),
        drempel=f"<= {d['max_percentage']}% in quarantaine",
        toelichting=f"{i.quarantaine} van {i.geleverd} rijen in quarantaine ({pct:.2f}%)",
        details={"geleverd": i.geleverd, "geaccepteerd": i.geaccepteerd, "quarantaine": i.quarantaine,
                 # most frequent first, equal counts by reason: the same order on every run (the counts of a
                 # delivery taken over from an earlier ingestion come from a GROUP BY, in no fixed order)
                 "redenen": dict(sorted(redenen.items(), key=lambda kv: (-kv[1], kv[0]))),
                 "voorbeelden": [f"regel {r}: {x}" for r, x in voorbeelden]})


DEFINITIES = [Definitie("rijmodel", "Pandera-rijmodel: aandeel rijen in quarantaine", quarantaine_percentage)]
