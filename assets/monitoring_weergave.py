"""The monitoring report for people: chart geometry (inline SVG, no request leaves the machine), the plan's
directions and changes against the previous year, and small counts suppressed — rendered by
kern/sjablonen/monitoring.html."""
from __future__ import annotations

from typing import TYPE_CHECKING

from assets.monitoring_statistiek import onderdruk
from assets.themas.register import THEMAS
from kern import sjablonen

if TYPE_CHECKING:
    from assets.monitoring import Monitoring

OMLAAG, OMHOOG, VOLGEN = "omlaag", "omhoog", "volgen"
PIJL = {OMLAAG: "↓ omlaag", OMHOOG: "↑ omhoog", VOLGEN: "geen richting (volgen)"}
HERKOMST_TEKST = {"themacontrole": "themacontrole (signalen)", "steekproef": "controlesteekproef", "tip": "tip",
                  "laa": "LAA (landelijke aanpak adreskwaliteit)", "inkomstenverrekening": "inkomstenverrekening",
                  "overig": "overig"}
JAREN_IN_TABEL = 4


def titel(thema: str) -> str:
    return f"{THEMAS[thema].titel} ({thema})" if thema in THEMAS else thema


# --- the interval chart ---------------------------------------------------------------------------

def intervalfiguur(themas: dict[str, dict], drempel: int, breedte: int = 520) -> dict:
    """Per theme two bars (signals, control sample): the point estimate and its 95% interval on 0-100%."""
    links, rij, rijen = 340, 22, []
    for i, (t, d) in enumerate(themas.items()):
        for j, (arm, naam) in enumerate((("signalen", "signalen"), ("steekproef", "steekproef"))):
            a = d[arm]
            n = a["afgerond"] - a["niet_meegewerkt"]
            y = 30 + (2 * i + j) * rij + i * 12
            toon = a["trefkans"] is not None and n >= drempel
            rijen.append({"label": f"{THEMAS[t].titel if t in THEMAS else t} — {naam}", "y": y, "soort": arm,
                          "toon": toon, "x": links + (a["trefkans"] or 0) * breedte,
                          "x1": links + (a["ci_laag"] or 0) * breedte, "x2": links + (a["ci_hoog"] or 0) * breedte,
                          "tekst": f"{sjablonen.nl_getal(100 * a['trefkans'], 1)}%" if toon else "te weinig gegevens"})
    hoogte = 30 + len(rijen) * rij + len(themas) * 12 + 20
    assen = [{"x": links + f * breedte, "label": f"{int(f * 100)}%"} for f in (0, 0.25, 0.5, 0.75, 1)]
    return {"rijen": rijen, "hoogte": hoogte, "breedte": links + breedte + 90, "assen": assen, "links": links,
            "as_y": hoogte - 18}


# --- the UpSet-style matrix of theme overlaps ------------------------------------------------------

def upsetfiguur(combinaties: list[dict], lijsten: dict[str, int], drempel: int) -> dict | None:
    """Columns: each combination of released lists a dossier is on (exactly those), bar = number of
    dossiers; rows: the themes; a filled dot where the column includes the theme. A bar below the
    threshold is drawn at the threshold's height, dashed, labelled "<10": it never reveals a small count."""
    themas = [t for t in THEMAS if t in lijsten]
    if not themas or not combinaties:
        return None
    kolom, links, balk_h, rij = 46, 440, 140, 24
    hoogste = max(max(c["dossiers"], drempel) for c in combinaties)
    kolommen = []
    for i, c in enumerate(combinaties):
        x = links + i * kolom + kolom / 2
        klein = c["dossiers"] < drempel
        h = balk_h * max(c["dossiers"], drempel) / hoogste
        leden = [themas.index(t) for t in c["themas"]]
        kolommen.append({"x": x, "h": h, "y": 20 + balk_h - h, "klein": klein,
                         "label": onderdruk(c["dossiers"], drempel), "leden": leden,
                         "y_min": 20 + balk_h + 20 + min(leden) * rij, "y_max": 20 + balk_h + 20 + max(leden) * rij})
    rijen = [{"y": 20 + balk_h + 20 + k * rij, "label": titel(t), "lijst": onderdruk(lijsten[t], drempel)}
             for k, t in enumerate(themas)]
    return {"kolommen": kolommen, "rijen": rijen, "kolom": kolom, "links": links, "basis": 20 + balk_h,
            "breedte": links + len(kolommen) * kolom + 20, "hoogte": 20 + balk_h + 20 + len(themas) * rij + 10}


# --- indicators with the plan's direction ---------------------------------------------------------------

def _verandering(nu, vorig, richting: str, klein: bool, opmaak) -> dict:
    if not isinstance(nu, (int, float)) or not isinstance(vorig, (int, float)) or klein:
        return {"tekst": "–", "koers": None}
    delta = nu - vorig
    tekst = ("+" if delta > 0 else "") + opmaak(delta)
    if richting == VOLGEN or delta == 0:
        return {"tekst": tekst, "koers": None}
    return {"tekst": tekst, "koers": (delta < 0) == (richting == OMLAAG)}


def indicatorrijen(indicatoren: dict[str, dict], drempel: int) -> tuple[list[str], list[dict]]:
    """Rows for the table of the last JAREN_IN_TABEL years: text per year (suppressed where small), the
    plan's direction and the change of the last year against the one before."""
    jaren = sorted(indicatoren)[-JAREN_IN_TABEL:]

    def rij(naam: str, uitleg: str, richting: str, waarde, aantal=None, opmaak=sjablonen.nl_getal,
            verschil=None) -> dict:
        aantal = aantal or waarde  # a count row: the value is its own count
        waarden = [waarde(indicatoren[j]) for j in jaren]
        aantallen = [aantal(indicatoren[j]) for j in jaren]
        klein = [a < drempel for a in aantallen]
        # a count below the threshold reads "<10"; an amount, share or duration based on so few reads "–"
        cellen = [(onderdruk(a, drempel) if waarde is aantal else "–") if k else ("–" if w is None else opmaak(w))
                  for w, a, k in zip(waarden, aantallen, klein)]
        verandering = _verandering(waarden[-1], waarden[-2], richting, klein[-1] or klein[-2],
                                   verschil or opmaak) if len(jaren) > 1 \
            else {"tekst": "–", "koers": None}
        return {"naam": naam, "uitleg": uitleg, "richting": PIJL[richting], "cellen": cellen, **verandering}

    def aantal_vord(i): return i["vorderingen"]["aantal"]

    getal, euro = sjablonen.nl_getal, sjablonen.nl_euro
    rijen = [
        rij("Vorderingen: aantal", "afgeronde onderzoeken van dat jaar met een vordering (vordering_cent > 0)",
            OMLAAG, aantal_vord),
        rij("Vorderingen: totaal", "som van die vorderingen", OMLAAG, lambda i: i["vorderingen"]["totaal_euro"],
            aantal_vord, euro),
        rij("Vorderingen: gemiddeld", "gemiddelde vordering", OMLAAG, lambda i: i["vorderingen"]["gemiddeld_euro"],
            aantal_vord, euro),
        rij("Vorderingen: mediaan", "middelste vordering; kwartielen in de volgende regel", OMLAAG,
            lambda i: i["vorderingen"]["mediaan_euro"], aantal_vord, euro),
        rij("Vorderingen: kwartielen", "25% en 75% van de vorderingen ligt onder deze bedragen (lineaire "
            "interpolatie)", OMLAAG, lambda i: i["vorderingen"]["kwartielen_euro"], aantal_vord,
            lambda k: f"{euro(k[0])} – {euro(k[2])}"),
        rij("Vorderingen bij beëindiging", "vorderingen van dat jaar op dossiers waarvan de uitkering in "
            "datzelfde jaar eindigde", OMLAAG, lambda i: i["vorderingen"]["bij_beeindiging"]),
        rij("Boetes", "afgeronde onderzoeken met een boete (boete_cent > 0)", VOLGEN, lambda i: i["boetes"]),
        rij("Waarschuwingen", "afgeronde onderzoeken met een waarschuwing", VOLGEN, lambda i: i["waarschuwingen"]),
    ]
    for h in indicatoren[jaren[-1]]["per_herkomst"] if jaren else ():
        ht = HERKOMST_TEKST.get(h, h)
        rijen += [
            rij(f"Gestart — {ht}", "onderzoeken gestart in dat jaar", VOLGEN,
                lambda i, h=h: i["per_herkomst"][h]["gestart"]),
            rij(f"Afgerond — {ht}", "onderzoeken afgerond in dat jaar", VOLGEN,
                lambda i, h=h: i["per_herkomst"][h]["afgerond"]),
            rij(f"Aandeel niet-naleving — {ht}", "van de afgeronde onderzoeken: het deel met niet-naleving", OMHOOG,
                lambda i, h=h: i["per_herkomst"][h]["aandeel_niet_naleving"],
                lambda i, h=h: i["per_herkomst"][h]["afgerond"], lambda w: f"{getal(100 * w, 1)}%",
                lambda d: f"{getal(100 * d, 1)} procentpunt"),
            rij(f"Doorlooptijd (mediaan) — {ht}", "dagen van start tot einde, middelste waarde", OMLAAG,
                lambda i, h=h: i["per_herkomst"][h]["doorlooptijd_mediaan_dagen"],
                lambda i, h=h: i["per_herkomst"][h]["afgerond"], lambda w: f"{getal(w, 1)} dagen"),
        ]
    return jaren, rijen


def trendtabel(trends: list[dict], drempel: int) -> tuple[list[str], list[dict]]:
    peildata = sorted({r["peildatum"].isoformat() for r in trends})
    per = {(r["thema"], r["peildatum"].isoformat()): r for r in trends}
    rijen = []
    for t in THEMAS:
        cellen = []
        for p in peildata:
            r = per.get((t, p))
            if r is None:
                cellen.append({"lijst": "–", "signalen": "–", "steekproef": "–", "gemarkeerd": False})
                continue
            pct = (lambda x: "–" if x is None else f"{sjablonen.nl_getal(100 * x, 1)}%")
            lijst = onderdruk(r["lijst"], drempel) if r["status"] == "vrijgegeven" and r["lijst"] is not None else \
                r["status"].replace("_", " ")  # geblokkeerd, niet berekend
            cellen.append({"lijst": lijst,
                           "signalen": pct(r["trefkans_signalen"]), "steekproef": pct(r["trefkans_steekproef"]),
                           "gemarkeerd": bool(r["gemarkeerd"])})
        rijen.append({"thema": titel(t), "cellen": cellen})
    return peildata, rijen


def html(m: "Monitoring") -> str:
    drempel = m.instellingen.onderdrukken_onder
    jaren, indicatorregels = indicatorrijen(m.rapport["indicatoren"], drempel)
    peildata, trendregels = trendtabel(m.trends, drempel)
    return sjablonen.render(
        "monitoring.html", r=m.rapport, inst=m.instellingen, titel=titel, herkomst_tekst=HERKOMST_TEKST,
        tel=lambda n: onderdruk(n, drempel), intervallen=intervalfiguur(m.rapport["themas"], drempel),
        upset=upsetfiguur(m.overlap.combinaties, m.overlap.lijsten, drempel), jaren=jaren,
        indicatorregels=indicatorregels, peildata=peildata, trendregels=trendregels, quarantaine=m.quarantaine,
        herleidbaarheid=m.herleidbaarheid,
        gemarkeerd=m.gemarkeerd)
