"""Column-level lineage of the themes in words and as a picture: which source fields feed which output
column of a signal list, for the ethics report, the algoritmeregister and a resident's inzage.

Pure functions of the theme definitions: no data, no BSN, no network.
"""
from __future__ import annotations

from xml.sax.saxutils import escape

from assets.themas.kader import BIJZONDERE_VELDEN, GEMEENSCHAPPELIJKE_VELDEN, Thema

BRONNAMEN = {
    "brp": "Basisregistratie Personen (BRP) met BAG-adresgegevens",
    "ib": "Inlichtingenbureau (bank- en beleggingssaldi, box 3)",
    "suwi": "Suwinet (UWV-polisadministratie en DUO-studiefinanciering)",
    "rdw": "RDW (kentekenregistratie)",
    "gemeente": "Uitkeringsadministratie van de gemeente",
}

# Every source field a theme may read, in words a resident can follow. A theme that declares a field
# missing here fails the tests: nothing is read that cannot be explained.
VELDEN: dict[str, str] = {
    "gemeente.uitkeringen.dossier_id": "dossiernummer van de uitkering",
    "gemeente.uitkeringen.bsn": "BSN van de aanvrager van de uitkering",
    "gemeente.uitkeringen.partner_bsn": "BSN van de partner in de uitkering",
    "gemeente.uitkeringen.regeling": "regeling van de uitkering (Participatiewet of andere)",
    "gemeente.uitkeringen.normcategorie": "normcategorie (alleenstaande, alleenstaande ouder, gehuwden)",
    "gemeente.uitkeringen.kostendelers": "toegepast aantal kostendelers",
    "gemeente.uitkeringen.datum_aanvang": "begindatum van de uitkering",
    "gemeente.uitkeringen.datum_einde": "einddatum van de uitkering",
    "gemeente.uitkeringen.kwetsbaar": "markering 'kwetsbaar' (vaste contactpersoon)",
    "gemeente.onderzoeken.dossier_id": "dossiernummer van eerdere onderzoeken",
    "gemeente.onderzoeken.thema": "thema van eerdere onderzoeken",
    "gemeente.onderzoeken.uitkomst": "uitkomst van eerdere onderzoeken",
    "gemeente.onderzoeken.datum_start": "begindatum van eerdere onderzoeken",
    "gemeente.onderzoeken.datum_einde": "einddatum van eerdere onderzoeken",
    "gemeente.onderzoeken.bsn": "BSN bij eerdere onderzoeken (alleen om een onleesbare regel aan een dossier te koppelen)",
    "brp.personen.bsn": "BSN in de BRP",
    "brp.personen.datum_overlijden": "datum van overlijden (BRP)",
    "brp.personen.geboortedatum": "geboortedatum (BRP)",
    "brp.verblijfplaatsen.bsn": "BSN bij de adresgeschiedenis (BRP)",
    "brp.verblijfplaatsen.adres_id": "adres waar iemand ingeschreven staat (BRP)",
    "brp.verblijfplaatsen.functie_adres": "soort adres: woonadres of briefadres (BRP)",
    "brp.verblijfplaatsen.datum_aanvang": "datum van inschrijving op het adres (BRP)",
    "brp.verblijfplaatsen.datum_einde": "datum van vertrek van het adres (BRP)",
    "brp.adressen.adres_id": "adrescode (BAG)",
    "brp.adressen.postcode": "postcode van het adres (BAG)",
    "brp.adressen.huisnummer": "huisnummer (BAG)",
    "brp.adressen.huisletter": "huisletter (BAG)",
    "brp.adressen.huisnummertoevoeging": "huisnummertoevoeging (BAG)",
    "brp.adressen.woonplaats": "woonplaats (BAG)",
    "brp.adressen.gebruiksdoel": "gebruiksdoel van het gebouw (BAG)",
    "brp.adressen.oppervlakte_m2": "oppervlakte van de woning in m² (BAG)",
    "brp.adressen.status": "status van het verblijfsobject (BAG)",
    "rdw.tenaamstellingen.kenteken": "kenteken van voertuigen op uw naam (RDW)",
    "rdw.tenaamstellingen.bsn": "BSN bij de tenaamstelling (RDW)",
    "rdw.tenaamstellingen.datum_aanvang_tenaamstelling": "datum waarop het voertuig op naam is gezet (RDW)",
    "rdw.tenaamstellingen.voertuigsoort": "soort voertuig (RDW)",
    "rdw.tenaamstellingen.merk": "merk van het voertuig (RDW)",
    "rdw.tenaamstellingen.catalogusprijs": "catalogusprijs van het voertuig (RDW)",
    "ib.vermogen.bsn": "BSN bij de rekeningen (Inlichtingenbureau)",
    "ib.vermogen.rekening_id": "rekeningcode, geen rekeningnummer (Inlichtingenbureau)",
    "ib.vermogen.soort": "soort rekening (Inlichtingenbureau)",
    "ib.vermogen.land": "land van de bank (Inlichtingenbureau)",
    "ib.vermogen.saldo_cent": "saldo van de rekening (Inlichtingenbureau)",
    "ib.vermogen.saldo_peildatum": "datum van het saldo (Inlichtingenbureau)",
    "suwi.studiefinanciering.bsn": "BSN bij de studiefinanciering (DUO)",
    "suwi.studiefinanciering.soort": "soort studiefinanciering: WSF of WTOS (DUO)",
    "suwi.studiefinanciering.datum_aanvang": "begindatum van de studiefinanciering (DUO)",
    "suwi.studiefinanciering.datum_einde": "einddatum van de studiefinanciering (DUO)",
}

# Output columns of a signal list that come from source data, with what they mean.
UITVOERKOLOMMEN = {
    "dossier_id": "dossiernummer",
    "bsn": "BSN van de aanvrager (alleen in de vrijgegeven lijst)",
    "reden": "reden: één zin met de feiten",
    "bewijs": "bewijs: de feiten (JSON)",
    "prioriteit": "prioriteit",
    "kwetsbaar": "kwetsbaar: naar vaste contactpersoon",
}


def omschrijving(veld: str) -> str:
    """A source field in words; an unknown field is an error, never silently shown as code."""
    return VELDEN[veld]


def kolom_afhankelijkheden(thema: Thema) -> dict[str, tuple[str, ...]]:
    """Output column -> source fields, the same mapping `assets.analyse.kolom_lineage` gives Dagster."""
    deps = thema.kolom_lineage
    return {k: deps[k] for k in UITVOERKOLOMMEN if k in deps}


def velden_per_bron(velden: tuple[str, ...] | list[str]) -> dict[str, list[str]]:
    """Fields grouped by source, in the order of BRONNAMEN."""
    groepen: dict[str, list[str]] = {b: [] for b in BRONNAMEN}
    for v in velden:
        groepen[v.split(".")[0]].append(v)
    return {b: vs for b, vs in groepen.items() if vs}


# --- the diagram ----------------------------------------------------------------------------------

KLEUREN = {"brp": "#1f77b4", "ib": "#2ca02c", "suwi": "#9467bd", "rdw": "#d62728", "gemeente": "#ff7f0e"}
_RIJ, _KOP, _LINKS_B, _RECHTS_X, _RECHTS_B, _BREEDTE = 22, 26, 330, 620, 370, 1000


def lineage_svg(thema: Thema) -> str:
    """An inline SVG (offline, no scripts, no external references): the theme's source fields on the left,
    grouped by source file, the signal-list columns on the right, one line per lineage edge. Fields that
    only select the population or the exclusions have no line; the special data is shown as not used."""
    deps = kolom_afhankelijkheden(thema)
    velden = list(thema.alle_velden)
    y, posities, vakken = 40, {}, []
    for bestand in dict.fromkeys(".".join(v.split(".")[:2]) for v in velden):
        leden = [v for v in velden if v.startswith(bestand + ".")]
        vakken.append((bestand, y, leden))
        y += _KOP
        for v in leden:
            posities[v] = y + _RIJ / 2
            y += _RIJ
        y += 10
    links_eind = y
    kolommen = list(deps)
    stap = max(40, (links_eind - 40) / max(len(kolommen), 1))
    rechts = {k: 40 + stap * i + stap / 2 for i, k in enumerate(kolommen)}
    hoogte = int(max(links_eind, 40 + stap * len(kolommen)) + 70)

    delen = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_BREEDTE} {hoogte}" width="{_BREEDTE}" '
        f'height="{hoogte}" role="img" aria-labelledby="lineage-{thema.id}-titel" '
        f'font-family="sans-serif" font-size="12" data-thema="{escape(thema.id)}">',
        f'<title id="lineage-{thema.id}-titel">Herkomst per kolom: {escape(thema.titel)} ({escape(thema.id)})</title>',
        f'<text x="10" y="22" font-size="14" font-weight="bold">Bronvelden</text>',
        f'<text x="{_RECHTS_X}" y="22" font-size="14" font-weight="bold">Kolommen van de signaallijst</text>',
    ]
    for (kolom, bronnen) in deps.items():
        for v in bronnen:
            if v not in posities:
                raise ValueError(f"{thema.id}: lineage noemt {v}, maar het thema declareert dat veld niet")
            y1, y2 = posities[v], rechts[kolom]
            kleur = KLEUREN[v.split(".")[0]]
            delen.append(f'<path d="M{10 + _LINKS_B},{y1:.1f} C{(10 + _LINKS_B + _RECHTS_X) / 2:.1f},{y1:.1f} '
                         f'{(10 + _LINKS_B + _RECHTS_X) / 2:.1f},{y2:.1f} {_RECHTS_X},{y2:.1f}" fill="none" '
                         f'stroke="{kleur}" stroke-opacity="0.55" stroke-width="1.5" data-van="{escape(v)}" '
                         f'data-naar="{escape(kolom)}"/>')
    gebruikt = {v for bronnen in deps.values() for v in bronnen}
    for bestand, y0, leden in vakken:
        bron = bestand.split(".")[0]
        kleur = KLEUREN[bron]
        delen.append(f'<rect x="10" y="{y0}" width="{_LINKS_B}" height="{_KOP + _RIJ * len(leden)}" rx="4" '
                     f'fill="{kleur}" fill-opacity="0.08" stroke="{kleur}"/>')
        delen.append(f'<text x="18" y="{y0 + 17}" font-weight="bold" fill="{kleur}">{escape(bestand)}</text>')
        for v in leden:
            kolom = v.split(".")[2]
            alleen_selectie = v not in gebruikt
            extra = " — populatie/uitsluitingen" if alleen_selectie and v in GEMEENSCHAPPELIJKE_VELDEN else (
                " — selectie" if alleen_selectie else "")
            delen.append(f'<text x="22" y="{posities[v] + 4:.1f}" data-veld="{escape(v)}"'
                         + (' fill="#777"' if alleen_selectie else "") + f'>{escape(kolom)}'
                         f'<tspan fill="#777">{escape(extra)}</tspan><title>{escape(omschrijving(v))}</title></text>')
    for kolom, y2 in rechts.items():
        delen.append(f'<rect x="{_RECHTS_X}" y="{y2 - 13:.1f}" width="{_RECHTS_B}" height="26" rx="4" fill="#f4f4f4" '
                     f'stroke="#444"/>')
        delen.append(f'<text x="{_RECHTS_X + 8}" y="{y2 + 4:.1f}" data-kolom="{escape(kolom)}">'
                     f'{escape(UITVOERKOLOMMEN[kolom])}</text>')
    bijzonder = ", ".join(sorted(v.split(".")[2] for v in BIJZONDERE_VELDEN))
    delen.append(f'<text x="10" y="{hoogte - 24}" fill="#b00">Niet gebruikt door dit thema (bijzondere '
                 f'persoonsgegevens, alleen voor de bias-audit): {escape(bijzonder)}</text>')
    delen.append(f'<text x="10" y="{hoogte - 8}" fill="#777">Grijs: veld bepaalt alleen wie in de trechter zit, '
                 f'niet de inhoud van een kolom.</text>')
    delen.append("</svg>")
    return "\n".join(delen)


# --- the page -------------------------------------------------------------------------------------

def lineage_html(themas: list[Thema], parameters: dict, peildatum=None) -> str:
    """One printable page with every theme's diagram and its lineage per column in words (kern/sjablonen)."""
    from kern.sjablonen import render

    return render("lineage.html", peildatum=peildatum, themas=[{
        "id": t.id, "titel": t.titel, "regel": t.regel_tekst(parameters), "svg": lineage_svg(t),
        "kolommen": [(UITVOERKOLOMMEN[k], [{"veld": v, "omschrijving": omschrijving(v)} for v in velden])
                     for k, velden in kolom_afhankelijkheden(t).items()]} for t in themas])


def lineage_onderdeel(con, peildatum, uitvoer, werkomgeving) -> dict:
    """Write output/<peildatum>/lineage.html; return a dict merged into run.json."""
    from pathlib import Path

    from assets.themas.kader import laad_parameters
    from assets.themas.register import THEMAS
    from kern.opslag import schrijf_tekst

    pad = Path(uitvoer) / "lineage.html"
    schrijf_tekst(pad, lineage_html(list(THEMAS.values()), laad_parameters(werkomgeving.filters), peildatum))
    return {"lineage": pad.name}
