"""`systeemanalyse inzage`: what the system did with one resident's data (AVG art. 15), per run.

Computes the resident's keyed pseudonym and looks them up by it everywhere: from ingestion on, every table keys
persons by pseudonym (sources/pseudoniem.py). Never prints anyone else's BSN, nor facts about other persons.
Exit codes: 0 answered (also: never seen); 2 invalid BSN or no werkmap/database; 1 the database cannot
be read or the pseudonymisation key does not belong to the runs.
"""
from __future__ import annotations

import json
import os
import sys
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from assets import lineage
from assets.themas import kader, wonen
from assets.themas.kader import Invoer, Thema
from assets.themas.register import THEMAS
from kern.omgeving import SLEUTEL, SLEUTELBESTAND
from kern import logboek, opslag, publicatie
from kern.sjablonen import nl_datum
from kern.slot import werkmap_slot
from pipelines.afsluitcodes import FOUTE_INVOER, MISLUKT, OK
from sources import pseudoniem

# Facts about other persons inside a signal's evidence (e.g. co-residents' birth dates) stay out of a
# resident's inzage; the evidence keeps their number (e.g. medebewoners_geteld).
ANDERE_PERSONEN = frozenset({"getelde_medebewoners"})


class SleutelFout(Exception):
    """The pseudonymisation key at hand is not the one the runs used: the answer would be wrong."""


def elfproef(bsn: str) -> bool:
    """9 digits, 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 divisible by 11, not 000000000 (extracts contract)."""
    if len(bsn) != 9 or not bsn.isascii() or not bsn.isdigit() or bsn == "000000000":
        return False
    return sum(w * int(c) for w, c in zip((9, 8, 7, 6, 5, 4, 3, 2, -1), bsn)) % 11 == 0


def gemaskeerd(bsn: str) -> str:
    return "*****" + bsn[-4:]


def themanaam(thema: Thema) -> str:
    return f"{thema.titel} ({thema.id})"


def _velden(velden) -> list[dict]:
    return [{"veld": v, "omschrijving": lineage.omschrijving(v)} for v in velden]


def _sleutel(werkmap: Path) -> bytes | None:
    """The key the runs used: from the environment, else the werkmap's key file; never creates one."""
    if os.environ.get(SLEUTEL) or os.environ.get(SLEUTELBESTAND) or (werkmap / pseudoniem.BESTAND).exists():
        return pseudoniem.sleutel(werkmap)
    return None


def _rijen(con, sql: str, params: list) -> list[dict]:
    return con.sql(sql, params=params).pl().to_dicts()


def _tabel(con, naam: str) -> bool:
    return opslag.bestaat_tabel(con, naam)


# --- one run --------------------------------------------------------------------------------------

def _leverdata(con, peildatum: date) -> dict[str, date]:
    return opslag.geaccepteerde_leveringen(con, peildatum)


def _dossiers(con, peildatum: date, ph: str | None) -> list[dict]:
    if ph is None or not _tabel(con, "populatie"):
        return []
    return _rijen(con, "SELECT dossier_id, CASE WHEN aanvrager_ph = ? THEN 'aanvrager' ELSE 'partner' END AS rol "
                       "FROM populatie WHERE peildatum = ? AND (aanvrager_ph = ? OR partner_ph = ?) ORDER BY dossier_id",
                  [ph, peildatum, ph, ph])


def _uitkeringen(con, leverdata: dict, bsn: str | None) -> list[dict]:
    """The resident's dossiers in the run's delivery of the benefits administration (any regeling, any period);
    `bsn` is the resident's pseudonym, as the staged table holds persons."""
    if bsn is None or "gemeente" not in leverdata or not _tabel(con, "gemeente_uitkeringen"):
        return []
    return _rijen(con, "SELECT dossier_id, CASE WHEN bsn = ? THEN 'aanvrager' ELSE 'partner' END AS rol, regeling, "
                       "datum_aanvang, datum_einde FROM gemeente_uitkeringen WHERE leverdatum = ? "
                       "AND (bsn = ? OR partner_bsn = ?) ORDER BY dossier_id",
                  [bsn, leverdata["gemeente"], bsn, bsn])


def _controleer_sleutel(con, peildatum: date, leverdata: dict, sleutel: bytes | None) -> None:
    """Every staged file of the run records the fingerprint of the key that made its pseudonyms
    (`codeversie` ends in it): with another key no resident would be found, and the answer would be wrong."""
    kenmerken = {r[0] for r in con.sql(
        "SELECT DISTINCT split_part(codeversie, '-', 2) FROM bestand_tellingen WHERE list_contains(?, "
        "bron || '|' || leverdatum::VARCHAR)", params=[[f"{b}|{d}" for b, d in leverdata.items()]]).fetchall()}
    if kenmerken and (sleutel is None or kenmerken != {pseudoniem.kenmerk(sleutel)}):
        raise SleutelFout(f"de pseudoniemsleutel hoort niet bij de run van {peildatum}: zet "
                          f"{SLEUTEL} op de sleutel waarmee die run is gedraaid (of verwijder hem om de sleutel "
                          f"in de werkmap te gebruiken)")


def _waarom_niet(u: dict, peildatum: date) -> str:
    if u["regeling"] != "PW":
        return f"regeling {u['regeling']}, geen Participatiewet"
    if u["datum_aanvang"] and u["datum_aanvang"] > peildatum:
        return f"begint pas op {nl_datum(u['datum_aanvang'])}"
    return f"beëindigd op {nl_datum(u['datum_einde'])}" if u["datum_einde"] else "niet actief op de peildatum"


def _feiten(bewijs: str | None):
    feiten = json.loads(bewijs or "{}")
    return {k: v for k, v in feiten.items() if k not in ANDERE_PERSONEN} if isinstance(feiten, dict) else feiten


def _vrijgave(con, peildatum: date, thema_id: str) -> dict | None:
    if not _tabel(con, "vrijgaven"):
        return None
    rij = opslag.eerste(con.sql("SELECT status, redenen FROM vrijgaven WHERE peildatum = ? AND thema = ?",
                                params=[peildatum, thema_id]))
    return {"status": rij[0], "redenen": json.loads(rij[1] or "[]")} if rij else None


def _uitkomst(con, peildatum: date, thema_id: str) -> dict | None:
    if not _tabel(con, "thema_uitkomsten"):
        return None
    rij = opslag.eerste(con.sql("SELECT berekend, reden, filter_versie FROM thema_uitkomsten WHERE peildatum = ? "
                                "AND thema = ?", params=[peildatum, thema_id]))
    return {"berekend": rij[0], "reden": rij[1], "filter_versie": rij[2]} if rij else None


def _signaal(con, peildatum: date, thema_id: str, dossier_id: str, soort: str) -> dict | None:
    if not _tabel(con, "signalen"):
        return None
    rijen = _rijen(con, "SELECT signaal_id, reden, bewijs, bronnen, kwetsbaar FROM signalen WHERE peildatum = ? "
                        "AND thema = ? AND dossier_id = ? AND soort = ?", [peildatum, thema_id, dossier_id, soort])
    return rijen[0] if rijen else None


def thema_voor_dossier(con, peildatum: date, thema: Thema, dossier: dict, ph: str) -> dict:
    """Where the resident's dossier went in one theme's funnel, and what the theme read for it."""
    uit = {"thema": thema.id, "titel": thema.titel, "naam": themanaam(thema), "dossier_id": dossier["dossier_id"],
           "rol": dossier["rol"], "vrijgave": _vrijgave(con, peildatum, thema.id)}
    uitkomst = _uitkomst(con, peildatum, thema.id)
    if uitkomst is None or not uitkomst["berekend"]:
        return {**uit, "uitkomst": "niet_berekend",
                "reden": uitkomst["reden"] if uitkomst else "het thema is voor deze run niet berekend",
                "gelezen_velden": _velden(kader.GEMEENSCHAPPELIJKE_VELDEN)}
    stappen = _rijen(con, "SELECT stap_nr, stap, omschrijving FROM funnel_stappen WHERE peildatum = ? AND thema = ? "
                          "ORDER BY stap_nr", [peildatum, thema.id])
    if not stappen:
        return {**uit, "uitkomst": "niet_berekend", "reden": "de trechter van dit thema is voor deze run niet bewaard",
                "gelezen_velden": _velden(kader.GEMEENSCHAPPELIJKE_VELDEN)}
    bereikt = {r[0] for r in con.sql(
        "SELECT stap_nr FROM funnel_leden WHERE peildatum = ? AND thema = ? AND dossier_id = ? "
        "AND (aanvrager_ph = ? OR partner_ph = ?)", params=[peildatum, thema.id, dossier["dossier_id"], ph, ph])
        .fetchall()}
    uit |= {"filter_versie": uitkomst["filter_versie"], "gelezen_velden": _velden(thema.alle_velden),
            "stappen_doorlopen": [s for s in stappen if s["stap_nr"] in bereikt]}
    laatste = max(bereikt, default=-1)
    volgende = next((s for s in stappen if s["stap_nr"] == laatste + 1), None)
    if laatste == stappen[-1]["stap_nr"]:
        s = _signaal(con, peildatum, thema.id, dossier["dossier_id"], "signaal")
        uit |= {"uitkomst": "signaal", "reden": s["reden"] if s else None, "feiten": _feiten(s and s["bewijs"]),
                "bronnen": s["bronnen"] if s else None, "kwetsbaar": s["kwetsbaar"] if s else None,
                "signaal_id": s["signaal_id"] if s else None}
    elif volgende is not None and volgende["stap"] == "na_uitsluitingen":
        rij = opslag.eerste(con.sql("SELECT reden FROM uitsluitingen WHERE peildatum = ? AND thema = ? "
                                    "AND dossier_id = ?", params=[peildatum, thema.id, dossier["dossier_id"]]))
        uit |= {"uitkomst": "uitgesloten", "afgevallen_bij": volgende, "reden": rij[0] if rij else None}
    else:
        uit |= {"uitkomst": "afgevallen", "afgevallen_bij": volgende}
    st = _signaal(con, peildatum, thema.id, dossier["dossier_id"], "steekproef")
    uit["steekproef"] = st is not None
    return uit


def medebewoner_velden(thema: Thema) -> list[str]:
    """What a housing theme reads about every person living at a household's address: the address history,
    death date, and the theme's own person and address fields (wonen.bewoners reads them for all residents)."""
    if not set(wonen.VELDEN) <= set(thema.velden):
        return []
    return [v for v in thema.alle_velden
            if v in wonen.VELDEN or v.startswith(("brp.adressen.", "suwi.studiefinanciering."))
            or v in ("brp.personen.datum_overlijden", "brp.personen.geboortedatum")]


def medebewoner(con, peildatum: date, bsn: str, eigen_dossiers: set[str]) -> list[dict]:
    """Housing themes that read the resident as a co-resident at the address of another household of the
    population: computed with the themes' own address code (`wonen`) on the run's delivery."""
    woonthemas = [t for t in THEMAS.values() if medebewoner_velden(t)]
    berekend = [t for t in woonthemas if (_uitkomst(con, peildatum, t.id) or {}).get("berekend")]
    if not berekend:
        return []
    try:
        inv = Invoer(con, peildatum, wonen.VELDEN)
        mijn = wonen.woonadressen(inv, personen=pl.Series([bsn]))
        if mijn.is_empty():
            return []
        bewoners = wonen.woonadressen(inv, adressen=mijn["adres_id"])
        huishoudens = kader.huishouden(kader.populatie(inv))
    except kader.BronNietBeschikbaar:
        return []
    anderen = (huishoudens.join(bewoners.filter(pl.col("bsn") != bsn), on="bsn")  # persons by pseudonym
               .filter(~pl.col("dossier_id").is_in(list(eigen_dossiers))))
    if anderen.is_empty():
        return []
    dossiers = anderen["dossier_id"].unique().to_list()
    uit = []
    for t in berekend:
        met_signaal = opslag.eerste(con.sql(
            "SELECT count(DISTINCT dossier_id) FROM signalen WHERE peildatum = ? AND thema = ? AND soort = 'signaal' "
            "AND list_contains(?, dossier_id)", params=[peildatum, t.id, dossiers]))[0]
        uit.append({"thema": t.id, "titel": t.titel, "naam": themanaam(t), "adressen": anderen["adres_id"].n_unique(),
                    "huishoudens": len(dossiers), "huishoudens_met_signaal": met_signaal,
                    "vrijgave": _vrijgave(con, peildatum, t.id), "gelezen_velden": _velden(medebewoner_velden(t))})
    return uit


def _bekend_in_brp(con, leverdata: dict, bsn: str | None) -> bool:
    if bsn is None or "brp" not in leverdata or not _tabel(con, "brp_personen"):
        return False
    return opslag.eerste(con.sql("SELECT 1 FROM brp_personen WHERE leverdatum = ? AND bsn = ?",
                                 params=[leverdata["brp"], bsn])) is not None


def run_overzicht(con, peildatum: date, ph: str | None, sleutel: bytes | None = None) -> dict:
    """One run, the resident looked up by pseudonym `ph` (the staged tables hold no BSN of a non-client)."""
    leverdata = _leverdata(con, peildatum)
    _controleer_sleutel(con, peildatum, leverdata, sleutel)
    dossiers = _dossiers(con, peildatum, ph)
    uitkeringen = _uitkeringen(con, leverdata, ph)
    eigen = {d["dossier_id"] for d in dossiers}
    themas = [thema_voor_dossier(con, peildatum, t, d, ph) for d in dossiers for t in THEMAS.values()]
    return {
        "peildatum": peildatum.isoformat(),
        "in_populatie": bool(dossiers),
        "dossiers": dossiers,
        "andere_dossiers": [{"dossier_id": u["dossier_id"], "rol": u["rol"], "waarom_niet": _waarom_niet(u, peildatum)}
                            for u in uitkeringen if u["dossier_id"] not in eigen],
        "themas": themas,
        "medebewoner": medebewoner(con, peildatum, ph, eigen) if ph else [],
        "bekend_in_brp": _bekend_in_brp(con, leverdata, ph),
        "populatiecontrole_velden": _velden(kader.GEMEENSCHAPPELIJKE_VELDEN),
    }


def _opgeschoond(werkmap: Path, peildatum: date) -> str | None:
    """The day retention removed this run's person-level data (pipelines/opschonen.py), or None: its published
    run.json says so. What the tables then hold of the run is no answer about a resident."""
    huidig = publicatie.huidige(werkmap, peildatum)
    return publicatie.lees_run_json(huidig).get("opgeschoond") if huidig else None


def opgeschoonde_run(peildatum: date, datum: str) -> dict:
    """A run whose person-level data retention removed: nothing can be said of the resident, and that is said."""
    return {"peildatum": peildatum.isoformat(), "opgeschoond": datum, "in_populatie": False, "dossiers": [],
            "andere_dossiers": [], "themas": [], "medebewoner": [], "bekend_in_brp": False,
            "populatiecontrole_velden": []}


def stel_op(con, werkmap: Path, bsn: str) -> dict:
    sleutel = _sleutel(werkmap)
    ph = pseudoniem.pseudoniem(bsn, sleutel) if sleutel else None
    peildata = [r[0] for r in con.sql("SELECT DISTINCT peildatum FROM run_bronnen ORDER BY peildatum").fetchall()]
    runs = [opgeschoonde_run(p, weg) if (weg := _opgeschoond(werkmap, p)) else run_overzicht(con, p, ph, sleutel)
            for p in peildata]
    gezien = any(r["in_populatie"] or r["medebewoner"] or r["andere_dossiers"] or r["bekend_in_brp"] for r in runs)
    return {"bsn": gemaskeerd(bsn), "runs": runs, "gezien": gezien,
            "bijzondere_gegevens": "Geboorteland en nationaliteit worden door geen enkel thema gebruikt; alleen de "
                                   "bias-audit gebruikt ze, zonder BSN, om te controleren of groepen niet vaker "
                                   "geselecteerd worden."}


# --- text for the resident ------------------------------------------------------------------------

def _feitregels(waarde, inspringing: str = "      ") -> list[str]:
    regels = []
    if isinstance(waarde, dict):
        for k, v in waarde.items():
            if isinstance(v, (dict, list)):
                regels.append(f"{inspringing}{k.replace('_', ' ')}:")
                regels += _feitregels(v, inspringing + "  ")
            else:
                regels.append(f"{inspringing}{k.replace('_', ' ')}: {v}")
    elif isinstance(waarde, list):
        for i, v in enumerate(waarde, 1):
            if isinstance(v, dict):
                regels.append(f"{inspringing}{i}. " + "; ".join(f"{k.replace('_', ' ')}: {w}" for k, w in v.items()))
            else:
                regels.append(f"{inspringing}{i}. {v}")
    return regels


def _vrijgavezin(v: dict | None, steekproef: bool = False) -> str:
    if v is None:
        return "Over vrijgave van de lijst is nog niets vastgelegd; er is niets aan een toezichthouder doorgegeven."
    if v["status"] == "vrijgegeven":
        return "De lijst van dit thema is vrijgegeven aan de toezichthouders."
    redenen = v["redenen"][:3] + ([f"en {len(v['redenen']) - 3} andere reden(en)"] if len(v["redenen"]) > 3 else [])
    # the control sample of a computed theme goes out also when its list is blocked (assets/vrijgave.py)
    doorgegeven = ("alleen de controlesteekproef, met uw dossier als willekeurig gekozen dossier, is aan de "
                   "toezichthouders doorgegeven" if steekproef else "er is niets aan een toezichthouder doorgegeven")
    return (f"De signaallijst van dit thema is NIET vrijgegeven (geblokkeerd); {doorgegeven}. Reden: "
            + "; ".join(redenen) + ".")


def tekst(o: dict) -> str:
    r = [f"Inzage systeemanalyse (AVG artikel 15) voor BSN {o['bsn']}", ""]
    if not o["runs"]:
        return "\n".join(r + ["Er zijn in deze werkmap nog geen runs gedraaid. Er zijn geen gegevens van u verwerkt."])
    weg = [run for run in o["runs"] if run.get("opgeschoond")]
    if not o["gezien"]:
        bewaard = len(o["runs"]) - len(weg)
        if not weg:
            r.append(f"Het systeem heeft dit BSN in geen enkele run gezien ({bewaard} run(s) bekeken). Bij elke "
                     "run is alleen gecontroleerd wie een actieve Participatiewet-uitkering had; daar hoorde u niet "
                     "bij. Geen thema heeft gegevens van u gebruikt.")
            return "\n".join(r)
        # of a cleaned run nothing can be said either way: the answer is limited to the runs still kept
        r.append(f"Van {len(weg)} oudere run(s) (peildatum {', '.join(run['peildatum'] for run in weg)}) zijn de "
                 "gegevens op persoonsniveau na de bewaartermijn verwijderd: of uw gegevens daarin zijn gebruikt, "
                 "is niet meer na te gaan.")
        if bewaard:
            r.append(f"In de {bewaard} run(s) waarvan de gegevens nog bewaard zijn, heeft het systeem dit BSN niet "
                     "gezien. Bij die runs is alleen gecontroleerd wie een actieve Participatiewet-uitkering had; "
                     "daar hoorde u niet bij. In die runs heeft geen thema gegevens van u gebruikt.")
        return "\n".join(r)
    for run in o["runs"]:
        p = date.fromisoformat(run["peildatum"])
        r.append(f"Run met peildatum {nl_datum(p)} ({run['peildatum']})")
        if run.get("opgeschoond"):
            weg_op = nl_datum(date.fromisoformat(run["opgeschoond"]))
            r += [f"  De gegevens op persoonsniveau van deze run zijn op {weg_op} "
                  "verwijderd na de bewaartermijn (systeemanalyse opschonen). Of en hoe uw gegevens in deze run zijn "
                  "gebruikt, is daardoor niet meer na te gaan; bewaard zijn alleen aantallen zonder persoonsgegevens.",
                  ""]
            continue
        for a in run["andere_dossiers"]:
            r.append(f"  Dossier {a['dossier_id']} ({a['rol']}) hoorde niet bij de populatie: {a['waarom_niet']}.")
        if not run["in_populatie"]:
            r.append("  U hoorde niet bij de populatie (huishoudens met een actieve Participatiewet-uitkering op de "
                     "peildatum). Er is alleen gecontroleerd of u daarbij hoorde; geen thema heeft uw gegevens "
                     "gebruikt" + (", behalve als medebewoner (zie hieronder)." if run["medebewoner"] else "."))
        for d in run["dossiers"]:
            r.append(f"  U hoorde bij de populatie: dossier {d['dossier_id']}, als {d['rol']}.")
        if run["dossiers"]:
            r.append("  Om dat vast te stellen, en voor de uitsluitingen, is van uw huishouden gelezen: "
                     + "; ".join(v["omschrijving"] for v in run["populatiecontrole_velden"]) + ".")
        for t in run["themas"]:
            r.append(f"  Thema {t['naam']} — dossier {t['dossier_id']}")
            if t["uitkomst"] == "niet_berekend":
                r.append(f"    Dit thema is voor deze run niet uitgevoerd: {t['reden']}. Er zijn voor dit thema geen "
                         "gegevens van u gebruikt buiten de controle of u bij de populatie hoorde.")
                continue
            if t["uitkomst"] == "signaal":
                r.append("    Uitkomst: er is een SIGNAAL gemaakt: een reden voor een toezichthouder om naar uw "
                         "situatie te kijken. Een signaal is geen besluit.")
                r.append(f"    Reden: {t['reden']}")
                r.append("    Feiten:")
                r += _feitregels(t["feiten"])
                if t.get("kwetsbaar"):
                    r.append("    Uw dossier is gemarkeerd als kwetsbaar: het signaal gaat naar uw vaste contactpersoon.")
            elif t["uitkomst"] == "uitgesloten":
                r.append(f"    Uitkomst: geen signaal. Uw dossier voldeed aan de regel, maar is uitgesloten: {t['reden']}.")
            else:
                b = t["afgevallen_bij"]
                r.append(f"    Uitkomst: geen signaal. Uw dossier viel af bij stap {b['stap_nr']} ({b['stap']}): "
                         f"\"{b['omschrijving']}\" gold niet voor uw dossier.")
            if t["steekproef"]:
                r.append("    Uw dossier is ook willekeurig gekozen voor de controlesteekproef van dit thema. Dat is "
                         "geen aanwijzing dat u iets fout deed.")
            r.append(f"    {_vrijgavezin(t['vrijgave'], t['steekproef'])}")
            eigen = [v["omschrijving"] for v in t["gelezen_velden"] if v["veld"] not in kader.GEMEENSCHAPPELIJKE_VELDEN]
            r.append("    Daarnaast las (of zocht) dit thema voor uw huishouden: " + "; ".join(eigen) + ".")
        for m in run["medebewoner"]:
            r.append(f"  Thema {m['naam']}: u stond op de peildatum ingeschreven op het woonadres van "
                     f"{m['huishoudens']} ander(e) huishouden(s) uit de populatie. Daarom zijn als medebewoner deze "
                     "gegevens van u gelezen: " + "; ".join(v["omschrijving"] for v in m["gelezen_velden"]) + ".")
            wie = "Dat huishouden" if m["huishoudens"] == 1 else f"{m['huishoudens_met_signaal']} van die huishoudens"
            if m["huishoudens_met_signaal"]:
                r.append(f"    {wie} kreeg bij dit thema een signaal; uw gegevens (zonder naam of BSN) kunnen daarin "
                         f"als feit meetellen. {_vrijgavezin(m['vrijgave'])}")
            else:
                r.append("    Dat huishouden kreeg bij dit thema geen signaal." if m["huishoudens"] == 1
                         else "    Geen van die huishoudens kreeg bij dit thema een signaal.")
        r.append("")
    r.append(o["bijzondere_gegevens"])
    return "\n".join(r)


def _fout(bericht: str, code: int) -> int:
    print(f"systeemanalyse inzage: fout: {bericht}", file=sys.stderr)
    return code


def main(args) -> int:
    bsn = "".join(str(args.bsn).split())  # as people write it: '612 306 732' is 612306732
    if not elfproef(bsn):
        return _fout("het opgegeven BSN is ongeldig: een BSN heeft 9 cijfers en voldoet aan de 11-proef", FOUTE_INVOER)
    werkmap = Path(args.werkmap)
    if not werkmap.is_dir():
        return _fout(f"werkmap {werkmap} bestaat niet", FOUTE_INVOER)
    database = opslag.database_pad(werkmap)
    if not database.is_file():
        return _fout(f"werkmap {werkmap} bevat geen database ({database.name}); is er al een run gedraaid?",
                     FOUTE_INVOER)
    # Wait for a running run (it holds the DuckDB file) instead of failing on its lock.
    with werkmap_slot(werkmap, "systeemanalyse inzage", getattr(args, "wachttijd", None)):
        try:
            con = duckdb.connect(str(database), read_only=True)
        except duckdb.Error as fout:
            return _fout(f"database {database} is niet te openen (loopt er een run?): {fout}", MISLUKT)
        try:
            overzicht = stel_op(con, werkmap, bsn)
        except (SleutelFout, pseudoniem.SleutelFout) as fout:
            return _fout(str(fout), MISLUKT)
        finally:
            con.close()
        sleutel = _sleutel(werkmap)
        logboek.schrijf(werkmap, "inzage",
                        pseudoniem=pseudoniem.pseudoniem(bsn, sleutel) if sleutel else None,
                        gezien=overzicht["gezien"], peildata=[r["peildatum"] for r in overzicht["runs"]],
                        vorm="json" if args.json else "tekst")
    print(json.dumps(overzicht, ensure_ascii=False, indent=2, default=str) if args.json else tekst(overzicht))
    return OK
