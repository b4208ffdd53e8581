"""The public register entry per theme: `output/<peildatum>/register/<thema>.json` in publication standard
v1.0 of the national Algoritmeregister (field names of MinBZK/Algoritmeregister
backend/app/schemas/config/v1_0.json), generated from the theme definition, its parameters and
`filter_versie`, the latest bias verdict and the organisation's configuration. No BSN, no pseudonym.
"""
from __future__ import annotations

import json
import os
from datetime import date
from html import escape
from pathlib import Path

import jsonschema
from typing import Annotated, Literal

from pydantic import StringConstraints

from assets import lineage
from assets.themas import kader
from assets.themas.kader import BIJZONDERE_VELDEN, Thema
from assets.themas.register import THEMAS
from kern import opslag
from kern.configuratie import ConfiguratieFout, Model, lees_yaml, valideer

STANDAARD = "1.0"
ORGANISATIE_OMGEVING = "SYSTEEMANALYSE_ORGANISATIE"
STANDAARD_ORGANISATIE = Path(__file__).resolve().parent / "organisatie.yaml"

# The general legal basis (each theme adds its own, Thema.wettelijke_grondslag).
WETTELIJK = ("De gemeente voert de Participatiewet uit. Wie bijstand krijgt, moet wijzigingen doorgeven die "
             "gevolgen hebben voor de uitkering (inlichtingenplicht, artikel 17 Participatiewet). De gemeente mag "
             "onderzoeken of de verstrekte inlichtingen juist en volledig zijn (artikel 53a Participatiewet) en "
             "gegevens uit andere overheidsbronnen gebruiken via Suwinet (artikel 64 Participatiewet en Wet SUWI). "
             "De verwerking van persoonsgegevens valt onder de publieke taak (AVG artikel 6 lid 1 onder e).")
WETTEN = [{"title": "Participatiewet", "link": "https://wetten.overheid.nl/BWBR0015703"},
          {"title": "Wet structuur uitvoeringsorganisatie werk en inkomen (Wet SUWI)",
           "link": "https://wetten.overheid.nl/BWBR0013060"}]


class OrganisatieFout(ConfiguratieFout):
    """The organisation configuration is missing or incomplete."""


Tekst = Annotated[str, StringConstraints(min_length=1)]
Url = Annotated[str, StringConstraints(pattern=r"^https://\S+$")] | None


class Impacttoets(Model):
    titel: Tekst
    link: Url = None


class Organisatie(Model):
    """assets/organisatie.yaml: the organisation's part of every register entry (publication standard v1.0)."""

    organisatie: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    gemeentecode: str | None = None
    contact_email: Annotated[str, StringConstraints(pattern=r"^(https://\S+|[^@\s]+@[^@\s]+\.[^@\s]+)$")]
    website: Url = None
    register_url: Url = None
    verwerkingsregister_url: Url = None
    broncode_url: Url = None
    leverancier: str | None = None
    status: Literal["In ontwikkeling", "In gebruik", "Buiten gebruik"]
    publicatiecategorie: Literal["Hoog-risico AI-systeem", "Impactvolle algoritmes", "Overige algoritmes"]
    begin_datum: Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
    impacttoetsen: list[Impacttoets] = []
    themas: dict[str, dict] | None = None  # per theme overrides of the keys above


def laad_organisatie(pad: str | Path | None = None) -> dict:
    """The organisation file, validated: a broken one is an OrganisatieFout naming file, entry and key."""
    pad = Path(pad or os.environ.get(ORGANISATIE_OMGEVING) or STANDAARD_ORGANISATIE)
    org = lees_yaml(pad, "organisatiegegevens", OrganisatieFout)
    valideer(Organisatie, org, pad, "organisatiegegevens", OrganisatieFout, meervoud=True)
    for thema, eigen in (org.get("themas") or {}).items():  # an override must itself make a valid whole
        valideer(Organisatie, {**org, "themas": None, **(eigen or {})}, pad, f"organisatiegegevens (thema {thema})",
                 OrganisatieFout, meervoud=True)
    return org


def _p(*alineas: str) -> str:
    return "".join(f"<p>{escape(a, quote=False)}</p>" for a in alineas if a)


def _lijst(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{escape(i, quote=False)}</li>" for i in items) + "</ul>"


# --- the latest bias verdict ----------------------------------------------------------------------

def _kolommen(con, tabel: str) -> set[str]:
    return {r[0] for r in con.sql("SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' "
                                  "AND table_name = ?", params=[tabel]).fetchall()}


BIAS_KOLOMMEN = {"peildatum", "thema", "blokkerend", "redenen", "afwijkingen", "verklaard"}


def bias_oordeel(con, peildatum: date, thema_id: str) -> dict | None:
    """The bias audit's latest verdict up to this peildatum (table `bias_oordelen` of bias_audit/audit.py):
    whether it blocks, how many deviations and how many of them are explained, and its reasons. None when
    no audit has been stored yet."""
    if not opslag.bestaat_tabel(con, "bias_oordelen") or not BIAS_KOLOMMEN <= _kolommen(con, "bias_oordelen"):
        return None
    rij = opslag.eerste(con.sql(
        "SELECT peildatum, blokkerend, afwijkingen, verklaard, redenen FROM bias_oordelen WHERE thema = ? "
        "AND peildatum <= ? ORDER BY peildatum DESC", params=[thema_id, peildatum]))
    if rij is None:
        return None
    return {"peildatum": rij[0], "blokkerend": bool(rij[1]), "afwijkingen": int(rij[2] or 0),
            "verklaard": int(rij[3] or 0), "redenen": json.loads(rij[4] or "[]")}


def vrijgave_oordeel(con, peildatum: date, thema_id: str) -> dict | None:
    """The release decision of the latest run up to this peildatum, with its reasons."""
    if not opslag.bestaat_tabel(con, "vrijgaven"):
        return None
    rij = opslag.eerste(con.sql("SELECT peildatum, status, redenen FROM vrijgaven WHERE thema = ? AND peildatum <= ? "
                                "ORDER BY peildatum DESC", params=[thema_id, peildatum]))
    if rij is None:
        return None
    return {"peildatum": rij[0], "status": rij[1], "redenen": json.loads(rij[2] or "[]")}


SCHEMA = json.loads((Path(__file__).with_name("algoritmeregister_v1_0.schema.json")).read_text(encoding="utf-8"))


class RegisterFout(Exception):
    """An entry would not be accepted by the register (a length, an option list, a required field)."""


def valideer_entry(inhoud: dict, thema_id: str) -> None:
    """Check an entry against the v1.0 configuration's lengths, option lists and required fields before writing."""
    fouten = sorted(jsonschema.Draft202012Validator(SCHEMA).iter_errors(inhoud), key=lambda f: list(f.path))
    if fouten:
        raise RegisterFout(f"registerentry {thema_id} past niet in de standaard v1.0: " + "; ".join(
            f"{'/'.join(map(str, f.path)) or '(entry)'}: {f.message[:120]}" for f in fouten[:5]))


def _ingekort(redenen: list[str], lengte: int, aantal: int) -> tuple[list[str], int]:
    getoond = [r if len(r) <= lengte else r[: lengte - 1] + "…" for r in redenen[:aantal]]
    return getoond, len(redenen) - len(getoond)


def risicotekst(bias: dict | None, vrijgave: dict | None, maximum: int | None = None) -> str:
    """The `risks` field: fixed text plus the latest audit summarised by root cause, within the standard's length
    (the reasons are shortened, then fewer are listed, until it fits)."""
    maximum = maximum or SCHEMA["properties"]["risks"]["maxLength"]
    for lengte, aantal in ((200, 5), (160, 3), (120, 2), (90, 1), (60, 0)):
        tekst = _risicotekst(bias, vrijgave, lengte, aantal)
        if len(tekst) <= maximum:
            return tekst
    return tekst


def _risicotekst(bias: dict | None, vrijgave: dict | None, lengte: int, aantal: int) -> str:
    vast = _p(
        "Het grootste risico is dat de controle sommige groepen inwoners vaker selecteert dan andere "
        "(discriminatie), zoals bij SyRI. Daarom wordt bij elke run per stap van de trechter gemeten of "
        "groepen (leeftijd, geslacht, normcategorie, wijk, duur van de uitkering, en alleen voor deze toets "
        "geboorteland en nationaliteit) vaker geselecteerd worden dan de hele populatie. Een afwijking zonder "
        "vastgelegde, goedgekeurde verklaring blokkeert de lijst: dan gaat er niets naar toezichthouders. "
        "De Ethische commissie Data en Techniek ziet de rapporten, zonder BSN.",
        "Andere risico's en maatregelen: fouten in aangeleverde gegevens (elke levering wordt gecontroleerd; bij "
        "een fout wordt het thema niet vrijgegeven); onvolledige datums worden in het voordeel van de inwoner "
        "uitgelegd en het signaal zegt dat; een controlesteekproef laat zien of het thema beter werkt dan "
        "toeval; geboorteland en nationaliteit kan het thema technisch niet lezen.")
    delen = []
    if bias:
        zin = (f"Laatste bias-audit (peildatum {bias['peildatum']}): {bias['afwijkingen']} afwijking(en) gevonden, "
               f"waarvan {bias['verklaard']} met een goedgekeurde verklaring; ")
        if bias["blokkerend"]:
            redenen, meer = _ingekort(bias["redenen"], lengte, aantal)
            zin += ("het oordeel blokkeert de lijst. Redenen: " + "; ".join(redenen)
                    + (f"; en {meer} andere." if meer > 0 else "."))
        else:
            zin += "het oordeel blokkeert de lijst niet."
        delen.append(zin)
    if vrijgave:
        if vrijgave["status"] == "vrijgegeven":
            delen.append(f"Vrijgave bij de run van {vrijgave['peildatum']}: vrijgegeven; alle poorten, ook de "
                         "bias-audit, stonden open.")
        else:
            redenen, meer = _ingekort(vrijgave["redenen"], lengte, aantal)
            delen.append(f"Vrijgave bij de run van {vrijgave['peildatum']}: niet vrijgegeven (geblokkeerd). "
                         "Redenen: " + "; ".join(redenen) + (f"; en {meer} andere." if meer > 0 else "."))
    if not delen:
        delen.append("Er is nog geen run met een oordeel van de bias-audit.")
    return vast + _p(*delen)


# --- the entry ------------------------------------------------------------------------------------

def _parameters_in_woorden(thema: Thema, parameters: dict) -> str:
    return (json.dumps(parameters.get(thema.id), ensure_ascii=False, sort_keys=True, default=str)
            + "; algemeen: " + json.dumps(parameters.get("algemeen"), ensure_ascii=False, sort_keys=True))


def _gegevens(thema: Thema) -> str:
    items = [f"{lineage.BRONNAMEN[bron]}: " + ", ".join(lineage.omschrijving(v) for v in velden)
             for bron, velden in lineage.velden_per_bron(thema.alle_velden).items()]
    bijzonder = ", ".join(sorted(v.split(".")[2] for v in BIJZONDERE_VELDEN))
    return (_p("Het thema gebruikt alleen deze gegevens, van huishoudens met een actieve Participatiewet-uitkering"
               + (" en de bewoners van hun woonadres" if "brp.verblijfplaatsen.bsn" in thema.velden else "")
               + ". De uitkeringsadministratie wordt gelezen om die huishoudens te bepalen:")
            + _lijst(items)
            + _p(f"Niet gebruikt: {bijzonder} (bijzondere persoonsgegevens). Die zijn alleen beschikbaar voor de "
                 "bias-audit, via een aparte tabel die het thema niet kan lezen."))


def _werking(thema: Thema, parameters: dict, versie: str) -> str:
    stappen = [f"{i}. {oms} ({stap})" for i, (stap, oms) in enumerate(thema.alle_stappen)]
    herkomst = [f"{kolom}: " + ", ".join(velden)
                for kolom, velden in lineage.kolom_afhankelijkheden(thema).items() if kolom in ("reden", "bewijs",
                                                                                                "prioriteit")]
    return (_p("Regelgebaseerd en niet zelflerend: vaste, leesbare regels zonder model, score op "
               "persoonskenmerken of voorspelling. Invoer: de gegevens hieronder van de laatste goedgekeurde "
               "levering per bron. Uitvoer: een lijst met signalen, elk met een reden, de feiten en de gebruikte "
               "bronvelden.", f"Regel: {thema.regel_tekst(parameters)}", f"Prioriteit: {thema.prioriteit}", "Trechter:")
            + _lijst(stappen)
            + _p(f"Parameters: {_parameters_in_woorden(thema, parameters)}",
                 f"Versie van regel en parameters (filter_versie): {versie}. Elke wijziging van de regel of een "
                 "parameter geeft een nieuwe versie; elk signaal vermeldt de versie waarmee het is gemaakt.",
                 "Controlesteekproef: per run een willekeurige, reproduceerbare steekproef uit de populatie "
                 f"({parameters['algemeen']['steekproef_fractie']:.0%}, minimaal "
                 f"{parameters['algemeen']['steekproef_minimum']} dossiers), apart geleverd.",
                 "Herkomst per kolom van de signaallijst:")
            + _lijst(herkomst))


def entry(thema: Thema, parameters: dict, versie: str, organisatie: dict, risks: str) -> dict:
    """One register entry in publication standard v1.0; optional fields without a value are left out."""
    eigen = (organisatie.get("themas") or {}).get(thema.id) or {}
    org = {**organisatie, **eigen}
    toetsen = [{"title": t["titel"], **({"link": t["link"]} if t.get("link") else {})}
               for t in org.get("impacttoetsen") or []]
    waarden = {
        "name": f"Themacontrole bijstand: {thema.titel}",
        "description_short": (f"{thema.doel} Het algoritme maakt een lijst met signalen voor toezichthouders. "
                              "Een signaal is geen besluit: een medewerker bekijkt het en beslist of er een "
                              "onderzoek komt."),
        "organization": org["organisatie"],
        "category": list(thema.categorieen),
        "status": org["status"],
        "begin_date": str(org["begin_datum"]),
        "contact_email": org["contact_email"],
        "website": org.get("website"),
        "publication_category": org["publicatiecategorie"],
        "url": org.get("register_url"),
        "goal": _p(f"Doel: {thema.doel}",
                   "Impact: de gemeente vergelijkt gegevens uit betrouwbare bronnen met de bijstand. Past iets niet, "
                   "dan ontstaat een signaal met de reden en de feiten. Een toezichthouder kan dan een onderzoek "
                   "beginnen. Wie als kwetsbaar bekend is, gaat naar een vaste contactpersoon. Wie in de laatste "
                   f"{parameters['algemeen']['uitsluiting_geen_afwijking_maanden']} maanden op dit thema is onderzocht "
                   "zonder dat er iets mis was, krijgt geen nieuw signaal."),
        "proportionality": _p(
            "Voordeel: fouten worden vroeg gevonden, zodat terugvorderingen klein blijven, en inwoners die zich "
            "aan de regels houden worden zo min mogelijk lastiggevallen. De controle gebruikt alleen de gegevens "
            "die de regel nodig heeft, van huishoudens met bijstand.",
            "Nadeel: gegevens van inwoners worden gekoppeld. Daarom zijn de regels openbaar en leesbaar, heeft elk "
            "signaal een reden met feiten, kan elke inwoner opvragen wat er met zijn gegevens is gedaan, en wordt "
            "elke selectie getoetst op bias. Alternatief: steekproeven zonder selectie; die blijven als "
            "controlegroep bestaan, zodat de gemeente kan zien of het thema beter werkt dan toeval."),
        "human_intervention": _p(
            "Het algoritme beslist niets. Een toezichthouder beoordeelt elk signaal en beslist of er een onderzoek "
            "komt; de inwoner wordt daarbij gehoord. Dossiers van kwetsbare inwoners gaan naar een vaste "
            "contactpersoon. De lijst wordt pas vrijgegeven als de gegevens goedgekeurd zijn en de bias-audit "
            "geen onverklaarde afwijking vindt. Afwijkingen worden verklaard en goedgekeurd door een benoemde "
            "persoon, met een einddatum; de Ethische commissie Data en Techniek houdt toezicht."),
        "risks": risks,
        "lawful_basis": _p(WETTELIJK, thema.wettelijke_grondslag),
        "lawful_basis_grouping": WETTEN,
        "process_index_url": org.get("verwerkingsregister_url"),
        "impacttoetsen_grouping": toetsen or None,
        "impacttoetsen": _p("Bij elke run wordt per stap van de trechter een bias-audit gedaan; de resultaten gaan "
                            "naar de Ethische commissie Data en Techniek."),
        "source_data": _gegevens(thema),
        "methods_and_models": _werking(thema, parameters, versie),
        "provider": org.get("leverancier"),
        "publiccode": org.get("broncode_url"),
        "lang": "nld",
        "standard_version": STANDAARD,
        "source_id": f"systeemanalyse.{thema.id}",
        "tags": f"bijstand, Participatiewet, handhaving, themacontrole, {thema.id}",
    }
    return {k: v for k, v in waarden.items() if v not in (None, "", [])}


def _filter_versie(con, peildatum: date, thema: Thema, parameters: dict) -> str:
    rij = opslag.eerste(con.sql("SELECT filter_versie FROM thema_uitkomsten WHERE peildatum = ? AND thema = ?",
                                params=[peildatum, thema.id])) if opslag.bestaat_tabel(con, "thema_uitkomsten") else None
    return rij[0] if rij and rij[0] else kader.filter_versie(thema, parameters)


def register_onderdeel(con, peildatum, uitvoer, werkomgeving) -> dict:
    """Write output/<peildatum>/register/<thema>.json; return a dict merged into run.json."""
    parameters = kader.laad_parameters(werkomgeving.filters)
    try:
        organisatie = laad_organisatie()
    except OrganisatieFout as fout:  # the run's lists stand; the register entries wait for a fixed configuration
        return {"register": {"fout": str(fout)}}
    map_ = Path(uitvoer) / "register"
    map_.mkdir(parents=True, exist_ok=True)
    deel = {}
    for thema in THEMAS.values():
        versie = _filter_versie(con, peildatum, thema, parameters)
        inhoud = entry(thema, parameters, versie, organisatie,
                       risicotekst(bias_oordeel(con, peildatum, thema.id), vrijgave_oordeel(con, peildatum, thema.id)))
        valideer_entry(inhoud, thema.id)
        pad = opslag.schrijf_json(map_ / f"{thema.id}.json", inhoud)
        deel[thema.id] = {"pad": str(pad.relative_to(Path(uitvoer))), "filter_versie": versie}
    return {"register": deel}
