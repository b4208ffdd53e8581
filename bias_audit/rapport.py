"""bias/rapport.html for the ethics committee (Dutch): per theme the rule, the funnel, the composition of
every step against the population in tables and inline SVG charts, verdicts, explanations, power,
drift and the fields used. Self-contained (no scripts, no external resources), printable; no BSN and
no pseudonym — it is built only from the stored audit documents, whose counts below 10 are suppressed.
"""
from __future__ import annotations

import shlex
from datetime import date
from html import escape
from pathlib import Path

from assets.themas.kader import nl_datum
from assets.themas.register import THEMAS
from bias_audit import audit
from bias_audit.kenmerken import KENMERKEN
from kern.sjablonen import render

KLEUREN = ["#9e9e9e", "#1f5fa8", "#4a90d9", "#7fb3e6", "#b3d1f0", "#d9e8f7"]
MAX_GROEPEN_GRAFIEK = 20



def _getal(v, dec: int = 2) -> str:
    if v is None:
        return "–"
    if isinstance(v, str):
        return escape(v)
    if isinstance(v, int):
        return f"{v:,}".replace(",", ".")
    return f"{v:,.{dec}f}".replace(",", "_").replace(".", ",").replace("_", ".")


def _p(v) -> str:
    if v is None:
        return "–"
    return "&lt; 0,0001" if v < 0.0001 else _getal(v, 4)


def _pct(v) -> str:
    return "–" if v is None else _getal(100 * v, 1) + "%"


def _tabel(koppen: list[str], rijen: list[list[str]], getal_vanaf: int = 99) -> str:
    kop = "".join(f"<th>{k}</th>" for k in koppen)
    body = "".join("<tr>" + "".join(f'<td class="getal">{c}</td>' if i >= getal_vanaf else f"<td>{c}</td>"
                                    for i, c in enumerate(r)) + "</tr>" for r in rijen)
    return f'<div class="breed"><table><thead><tr>{kop}</tr></thead><tbody>{body}</tbody></table></div>'


def _oordeel_tekst(o: str) -> str:
    return {"afwijking": '<span class="afw">afwijking</span>', "ondervertegenwoordiging":
            '<span class="onder">ondervertegenwoordigd</span>', "geen": "geen", "niet getoetst":
            '<span class="klein">te klein</span>'}.get(o, escape(str(o)))


def grafiek(kenmerk: str, populatie: list[dict], per_stap: dict[str, dict[str, dict]], stappen: list[str]) -> str:
    """Grouped horizontal bars: per group the share in the population and in each funnel step."""
    groepen = [g for g in populatie if g["aandeel"] is not None][:MAX_GROEPEN_GRAFIEK]
    if not groepen:
        return '<p class="klein">Geen grafiek: alle groepen kleiner dan 10.</p>'
    series = ["populatie", *stappen]
    balk, tussen, links, breed = 9, 10, 150, 520
    rij_h = balk * len(series) + tussen
    legenda_h = 18 * ((len(series) + 2) // 3) + 6
    hoogte = 24 + rij_h * len(groepen) + legenda_h
    maximum = max([g["aandeel"] for g in groepen] + [c.get("aandeel_selectie") or 0
                                                      for s in per_stap.values() for c in s.values()] + [0.01])
    titel = f"Aandeel per groep, {KENMERKEN.get(kenmerk, kenmerk)}: populatie en elke trechterstap"
    delen = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {links + breed + 90} {hoogte}" '
             f'width="{links + breed + 90}" height="{hoogte}" role="img" font-family="sans-serif" font-size="11">'
             f"<title>{escape(titel)}</title>"]
    for i, g in enumerate(groepen):
        y0 = 20 + i * rij_h
        delen.append(f'<text x="{links - 6}" y="{y0 + rij_h / 2}" text-anchor="end">{escape(g["groep"])}</text>')
        for j, s in enumerate(series):
            waarde = g["aandeel"] if s == "populatie" else per_stap.get(s, {}).get(g["groep"], {}).get(
                "aandeel_selectie")
            y = y0 + j * balk
            if waarde is None:
                delen.append(f'<text x="{links + 3}" y="{y + balk - 1}" fill="#777" font-size="9">&lt;10</text>')
                continue
            w = breed * waarde / maximum
            delen.append(f'<rect x="{links}" y="{y}" width="{w:.1f}" height="{balk - 1}" '
                         f'fill="{KLEUREN[min(j, len(KLEUREN) - 1)]}"><title>{escape(s)}: {_pct(waarde)}</title></rect>')
            delen.append(f'<text x="{links + w + 3:.1f}" y="{y + balk - 1}" font-size="9">{_pct(waarde)}</text>')
    y = 24 + rij_h * len(groepen)
    for j, s in enumerate(series):
        x = links + (j % 3) * 190
        yy = y + 18 * (j // 3)
        delen.append(f'<rect x="{x}" y="{yy}" width="12" height="10" fill="{KLEUREN[min(j, len(KLEUREN) - 1)]}"/>'
                     f'<text x="{x + 16}" y="{yy + 9}">{escape(s)}</text>')
    delen.append("</svg>")
    extra = (f'<p class="klein">Grafiek toont de {MAX_GROEPEN_GRAFIEK} grootste groepen; de tabel toont alle.</p>'
             if len([g for g in populatie if g["aandeel"] is not None]) > MAX_GROEPEN_GRAFIEK else "")
    return "".join(delen) + extra


def _kenmerk_sectie(doc: dict, kenmerk: str) -> str:
    populatie = [g for g in doc.get("populatie", []) if g["kenmerk"] == kenmerk]
    if not populatie:
        return ""
    stappen = [s["stap"] for s in doc["trechter"] if s["stap_nr"] >= 1]
    per_stap: dict[str, dict[str, dict]] = {}
    for c in doc["statistieken"]:
        if c["kenmerk"] == kenmerk:
            per_stap.setdefault(c["stap"], {})[c["groep"]] = c
    koppen = ["Groep", "Populatie", "Aandeel"]
    for s in stappen:
        koppen += [f"{escape(s)}: aantal", "aandeel", "ratio (95%-BI)", "p (gecorr.)", "oordeel"]
    koppen.append("kleinste aantoonbare ratio (laatste stap)")
    rijen = []
    for g in populatie:
        rij = [escape(g["groep"]), _getal(g["n"]), _pct(g["aandeel"])]
        laatste = None
        for s in stappen:
            c = per_stap.get(s, {}).get(g["groep"])
            if c is None:
                rij += ["–"] * 5
                continue
            laatste = c
            bi = (f"{_getal(c['ratio'])} ({_getal(c['ci_laag'])}–{_getal(c['ci_hoog'])})"
                  if c["ratio"] is not None else "–")
            rij += [_getal(c["x"]), _pct(c["aandeel_selectie"]), bi, _p(c["p_gecorrigeerd"]), _oordeel_tekst(c["oordeel"])]
        k = laatste and laatste.get("kleinste_aantoonbare_ratio")
        rij.append(_getal(k) if k else ("niet aantoonbaar" if laatste and laatste["oordeel"] != "niet getoetst" else "–"))
        rijen.append(rij)
    return (f"<h4>{escape(KENMERKEN.get(kenmerk, kenmerk))}</h4>"
            + grafiek(kenmerk, populatie, per_stap, stappen) + _tabel(koppen, rijen, 1))


def _afwijkingen(doc: dict) -> str:
    if not doc["afwijkingen"]:
        return "<p>Geen afwijkingen: in geen enkele stap is een groep significant (na correctie) meer dan 1,25 keer " \
               "zo vaak geselecteerd als de populatie.</p>"
    rijen = []
    afgeleid = sum(bool(a.get("afgeleid")) for a in doc["afwijkingen"])
    for a in doc["afwijkingen"]:
        if a.get("afgeleid"):
            continue
        v = a["verklaring"]
        status = (f'<span class="verkl">verklaard</span>: {escape(v["verklaring"])} <span class="klein">(vastgesteld '
                  f'door {escape(v["vastgesteld_door"])} op {escape(v["datum"])}, geldig tot {escape(v["geldig_tot"])}'
                  f'; {escape(v["kenmerk"])} = {escape(v["groep"])}, stap {escape(v["stap"])})</span>') if v else \
            '<span class="afw">niet verklaard — blokkeert</span>'
        rijen.append([f'{escape(a["stap"])} ({a["stap_nr"]})', escape(a["kenmerk"]), escape(a["groep"]),
                      _getal(a["n"]), _getal(a["x"]),
                      f"{_getal(a['ratio'])} ({_getal(a['ci_laag'])}–{_getal(a['ci_hoog'])})", _p(a["p_gecorrigeerd"]),
                      escape(a["toets"] or ""), escape(a["eerste_stap"]),
                      f"{escape(a['sterkste_stap'] or '–')} ({_getal(a['sterkste_stap_ratio'])})", status])
    return _tabel(["Stap", "Kenmerk", "Groep", "In populatie", "Geselecteerd", "Ratio (95%-BI)", "p (gecorr.)", "Toets",
                   "Ontstaat in stap", "Sterkste stap (ratio t.o.v. vorige stap)", "Status"], rijen) + (
        f"<p class='klein'>Daarnaast {afgeleid} afgeleide afwijking(en) van intersecties die alleen een hoofdoorzaak "
        "herhalen; zij staan op het beslisblad onder hun hoofdoorzaak.</p>" if afgeleid else "")


def _thema(doc: dict, lineage) -> str:
    thema = THEMAS.get(doc["thema"])
    o = doc["oordeel"]
    delen = [f'<section class="thema" id="{escape(doc["thema"])}"><h2>{escape(doc["titel"])} '
             f'<span class="klein">({escape(doc["thema"])})</span></h2>',
             f"<p><strong>Doel.</strong> {escape(doc['doel'])}</p><p><strong>De regel in woorden.</strong> "
             f"{escape(doc['regel'])}</p>"]
    if o["blokkerend"]:
        delen.append('<div class="blok"><strong>Oordeel: de bias-audit blokkeert de vrijgave van dit thema.</strong>'
                     "<ul>" + "".join(f"<li>{escape(r)}</li>" for r in o["redenen"]) + "</ul></div>")
    else:
        delen.append(f'<div class="vrij"><strong>Oordeel: de bias-audit staat vrijgave toe.</strong> '
                     f'{o["afwijkingen"]} afwijking(en), waarvan {o["verklaard"]} verklaard; '
                     f'{o["ondervertegenwoordiging"]} keer ondervertegenwoordiging (blokkeert niet).</div>')
    delen.append("<h3>Trechter</h3>" + _tabel(["Stap", "Naam", "Omschrijving", "Dossiers"], [
        [str(s["stap_nr"]), escape(s["stap"]), escape(s["omschrijving"]), _getal(s["aantal"])] for s in doc["trechter"]], 3))
    delen.append("<h3>Afwijkingen en verklaringen</h3>" + _afwijkingen(doc))
    if doc["ondervertegenwoordiging"]:
        delen.append("<h4>Ondervertegenwoordiging (blokkeert niet)</h4><p class='klein'>Spiegelbeeld van "
                     "oververtegenwoordiging van anderen; ter informatie.</p>" + _tabel(
                         ["Stap", "Kenmerk", "Groep", "Ratio (95%-BI)", "p (gecorr.)"],
                         [[escape(u["stap"]), escape(u["kenmerk"]), escape(u["groep"]),
                           f"{_getal(u['ratio'])} ({_getal(u['ci_laag'])}–{_getal(u['ci_hoog'])})",
                           _p(u["p_gecorrigeerd"])] for u in doc["ondervertegenwoordiging"]]))
    if doc["statistieken"]:
        delen.append("<h3>Samenstelling per kenmerk</h3><p class='klein'>Per groep: het aantal en aandeel in de "
                     "populatie en in elke trechterstap, de ratio van de selectiegraad tot die van de populatie met "
                     "95%-betrouwbaarheidsinterval, en de voor het aantal toetsen gecorrigeerde p-waarde. "
                     "'te klein': minder dan het minimum aantal dossiers om te toetsen. Aantallen onder 10 staan als "
                     "&lt;10.</p>")
        delen += [_kenmerk_sectie(doc, k) for k in KENMERKEN]
    i = doc["intersecties"]
    delen.append(f"<h3>Intersecties van twee kenmerken</h3><p>{_getal(i['getoetst'])} combinaties getoetst (minimaal "
                 f"{i['minimum']} dossiers in de populatie). Een afwijking hier blokkeert net als bij één kenmerk; "
                 "een verklaring voor een groep geldt ook voor de intersecties met die groep.</p>")
    if i["bevindingen"]:
        delen.append(_tabel(["Stap", "Kenmerken", "Groep", "In populatie", "Geselecteerd", "Ratio (95%-BI)",
                             "p (gecorr.)", "Oordeel"], [
            [escape(c["stap"]), escape(c["kenmerk"]), escape(c["groep"]), _getal(c["n"]), _getal(c["x"]),
             f"{_getal(c['ratio'])} ({_getal(c['ci_laag'])}–{_getal(c['ci_hoog'])})", _p(c["p_gecorrigeerd"]),
             _oordeel_tekst(c["oordeel"])] for c in i["bevindingen"]]))
    v = doc["verkenning"]
    delen.append(f"<h3>Verkenning: clusters die niemand vooraf noemde</h3><p class='klein'>Verkennend, blokkeert "
                 f"niet: alle combinaties van drie kenmerken in de laatste stap ({escape(str(v.get('stap') or '–'))}), "
                 f"minimaal {v['minimum']} dossiers; {_getal(v['getoetst'])} getoetst met een eigen Holm-correctie. "
                 "Een bevinding hier is een vraag voor de commissie, geen oordeel.</p>")
    if v["bevindingen"]:
        delen.append(_tabel(["Kenmerken", "Groep", "In populatie", "Geselecteerd", "Ratio (95%-BI)", "p (gecorr.)"], [
            [escape(c["kenmerk"]), escape(c["groep"]), _getal(c["n"]), _getal(c["x"]),
             f"{_getal(c['ratio'])} ({_getal(c['ci_laag'])}–{_getal(c['ci_hoog'])})", _p(c["p_gecorrigeerd"])]
            for c in v["bevindingen"]]))
    if doc["onderscheidend_vermogen"]:
        delen.append("<h3>Onderscheidend vermogen</h3><p class='klein'>De kleinste ratio die de toets bij deze "
                     f"aantallen met {doc['methode']['onderscheidend_vermogen']:.0%} kans zou vinden (gecorrigeerd "
                     "alfa): 'geen afwijking gevonden' betekent alleen iets voor afwijkingen van minstens deze "
                     "omvang. 'Beste' geldt voor de grootste groep, 'slechtste' voor de kleinste getoetste groep.</p>"
                     + _tabel(["Stap", "Kenmerk", "Groepen getoetst", "Beste", "Slechtste", "Niet aantoonbaar"], [
                         [escape(r["stap"]), escape(KENMERKEN.get(r["kenmerk"], r["kenmerk"])),
                          _getal(r["groepen_getoetst"]), _getal(r["beste"]), _getal(r["slechtste"]),
                          _getal(r["niet_aantoonbaar"])] for r in doc["onderscheidend_vermogen"]], 2))
    delen.append("<h3>Drift over eerdere runs</h3>")
    if doc["drift"]:
        data = sorted({p["peildatum"] for r in doc["drift"] for p in r["reeks"]})[-8:]
        delen.append(_tabel(["Stap", "Kenmerk", "Groep", *data], [
            [escape(r["stap"]), escape(r["kenmerk"]), escape(r["groep"])]
            + [next((_getal(p["ratio"]) + (" !" if p["oordeel"] == "afwijking" else "") for p in r["reeks"]
                     if p["peildatum"] == d), "–") for d in data] for r in doc["drift"]], 3)
            + "<p class='klein'>Ratio per peildatum; '!' = afwijking in die run.</p>")
    else:
        delen.append("<p>Geen eerdere runs van dit thema met een audit.</p>")
    vk = doc["verklaringen"]
    delen.append("<h3>Verklaringen in het register</h3>")
    if vk.get("fout"):
        delen.append(f'<div class="blok">Het verklaringenregister is ongeldig: {escape(vk["fout"])}</div>')
    for titel, lijst in (("Van kracht", vk["van_kracht"]), ("Verlopen (tellen niet)", vk["verlopen"])):
        delen.append(f"<h4>{titel}</h4>" + (_tabel(["Stap", "Kenmerk", "Groep", "Verklaring", "Vastgesteld door",
                                                    "Datum", "Geldig tot"], [
            [escape(x["stap"]), escape(x["kenmerk"]), escape(x["groep"]), escape(x["verklaring"]),
             escape(x["vastgesteld_door"]), escape(x["datum"]), escape(x["geldig_tot"])] for x in lijst])
            if lijst else "<p>Geen.</p>"))
    delen.append("<h3>Bronnen en velden</h3><p>Velden die dit thema leest (populatie, uitsluitingen en de regel):</p>"
                 + _velden(doc["bronvelden"]) + "<p>Velden die alleen de bias-audit leest, om de samenstelling te "
                 "meten (geboorteland en nationaliteit zijn bijzondere persoonsgegevens: geen thema kan ze lezen):</p>"
                 "<ul>" + "".join(f"<li>{escape(v)}</li>" for v in doc["auditvelden"]) + "</ul>")
    if lineage is not None and thema is not None:
        try:
            delen.append("<h4>Herkomst per kolom van de signaallijst</h4>" + lineage(thema))
        except (KeyError, ValueError) as fout:
            delen.append(f"<p class='klein'>Herkomstdiagram niet beschikbaar: {escape(str(fout))}</p>")
    delen.append("</section>")
    return "".join(delen)


def _velden(velden: list[str]) -> str:
    try:
        from assets.lineage import omschrijving
    except ImportError:
        omschrijving = None
    rijen = []
    for v in velden:
        try:
            tekst = omschrijving(v) if omschrijving else ""
        except KeyError:
            tekst = ""
        rijen.append([f"<code>{escape(v)}</code>", escape(tekst)])
    return _tabel(["Veld", "Betekenis"], rijen)


def bouw_html(docs: dict[str, dict], peildatum: date, werkmap: str = "<werkmap>", monitoring: bool = False) -> str:
    try:  # optional: the column-lineage diagram built by assets/lineage.py
        from assets.lineage import lineage_svg
    except ImportError:
        lineage_svg = None
    volgorde = [t for t in THEMAS if t in docs] + sorted(t for t in docs if t not in THEMAS)
    overzicht = _tabel(["Thema", "Oordeel bias-audit", "Hoofdoorzaken", "Niet verklaard", "Afwijkingen (incl. "
                        "afgeleide)", "Verklaard", "Ondervertegenwoordiging"], [
        [f'<a href="#{escape(t)}">{escape(docs[t]["titel"])}</a> ({escape(t)})',
         '<span class="afw">blokkeert</span>' if docs[t]["oordeel"]["blokkerend"] else '<span class="verkl">staat '
         'vrijgave toe</span>', _getal(docs[t]["oordeel"].get("oorzaken", 0)),
         _getal(docs[t]["oordeel"].get("oorzaken_open", 0)), _getal(docs[t]["oordeel"]["afwijkingen"]),
         _getal(docs[t]["oordeel"]["verklaard"]), _getal(docs[t]["oordeel"]["ondervertegenwoordiging"])]
        for t in volgorde], 2)
    m = next(iter(docs.values()))["methode"] if docs else audit.methode(__import__(
        "bias_audit.instellingen", fromlist=["laad"]).laad())
    methode = (
        "<h2>Werkwijze</h2><p>Voor elk thema en elke stap van de trechter vergelijkt de audit de samenstelling van de "
        "geselecteerde dossiers met de populatie (alle actieve Participatiewet-dossiers op de peildatum), op de "
        "kenmerken van de aanvrager: " + ", ".join(escape(v.lower()) for v in m["kenmerken"].values()) + ". "
        "Per groep: aantal, aandeel, selectiegraad en de <em>ratio</em>: hoe vaak de groep geselecteerd wordt "
        "vergeleken met de populatie als geheel (1 = even vaak).</p><ul>"
        f"<li><strong>Afwijking</strong>: {escape(m['afwijking'])}. Geselecteerd worden is de last; elke afwijking "
        "heeft een geregistreerde verklaring nodig, anders worden de signalen van het thema niet vrijgegeven.</li>"
        f"<li><strong>Ondervertegenwoordiging</strong>: {escape(m['ondervertegenwoordiging'])}.</li>"
        f"<li><strong>Toets</strong>: {escape(m['toets'])}. <strong>Interval</strong>: {escape(m['interval'])}.</li>"
        f"<li><strong>Correctie voor het aantal toetsen</strong>: {escape(m['correctie'])}; alfa van de run "
        f"{_getal(m['alfa_run'])}, per thema {_getal(m['alfa_per_thema'], 4)}. De gecorrigeerde p is direct te "
        f"vergelijken met {_getal(m['alfa_run'])}.</li>"
        f"<li><strong>Kleine groepen</strong>: een groep wordt getoetst vanaf {m['minimum_groep']} dossiers in de "
        f"populatie, een intersectie van twee kenmerken vanaf {m['minimum_intersectie']}. Aantallen onder "
        f"{m['onderdrukken_onder']} staan in elke tabel als &lt;{m['onderdrukken_onder']}, en aandelen die ze zouden "
        "verraden ook; de ratio blijft zichtbaar omdat het oordeel erop rust.</li>"
        "<li><strong>Welke stap veroorzaakt het</strong>: bij elke afwijking de eerste stap waarin zij optreedt, en de "
        "stap die de groep, vergeleken met de vorige stap, het sterkst onevenredig doorlaat.</li></ul>")
    vervolg = (("<h2>Overzicht</h2>" + overzicht if docs else "<p>Voor deze peildatum is geen audit uitgevoerd.</p>")
               + methode + "".join(_thema(docs[t], lineage_svg) for t in volgorde))
    return render("bias_rapport.html", peildatum=peildatum, oorzaken=beslisblad(docs, volgorde, werkmap),
                  drempel=m.get("drempel_oververtegenwoordiging", 1.25),
                  vrijgeven=f"systeemanalyse vrijgeven --werkmap {shlex.quote(str(werkmap))} --peildatum {peildatum}",
                  monitoring=monitoring, vervolg=vervolg)


def verklaar_commando(werkmap: str, thema: str, o: dict) -> str:
    """The exact command that records the committee's decision on this root cause."""
    stap = o["stappen"][0] if len(o["stappen"]) == 1 else "*"
    delen = ["systeemanalyse verklaar", f"--werkmap {shlex.quote(werkmap)}", f"--thema {thema}",
             f"--stap {shlex.quote(stap)}", f"--kenmerk {shlex.quote(o['kenmerk'])}",
             f"--groep {shlex.quote(o['groep'])}", '--verklaring "…"', '--vastgesteld-door "…"', '--besluit "…"',
             "--geldig-tot JJJJ-MM-DD"]
    return " \\\n    ".join(delen)


def beslisblad(docs: dict[str, dict], volgorde: list[str], werkmap: str) -> list[dict]:
    """One row per root cause over all themes: open ones first, each with its evidence and its command."""
    rijen = [{**o, "thema": t, "titel": docs[t]["titel"], "runs": len(docs[t].get("gepoold", {}).get("runs", [])),
              "commando": verklaar_commando(werkmap, t, o)}
             for t in volgorde for o in docs[t].get("oorzaken", [])]
    return sorted(rijen, key=lambda r: (r["status"] == "verklaard", volgorde.index(r["thema"]), r["stap_nr"]))


def rapport_onderdeel(con, peildatum, uitvoer, werkomgeving) -> dict:
    """Write output/<peildatum>/bias/rapport.html; return a dict merged into run.json."""
    docs = audit.laad(con, peildatum)
    pad = Path(uitvoer) / "bias" / "rapport.html"
    pad.parent.mkdir(parents=True, exist_ok=True)
    monitoring = (Path(uitvoer) / "monitoring" / "rapport.html").exists()
    pad.write_text(bouw_html(docs, peildatum, str(werkomgeving.werkmap), monitoring), encoding="utf-8")
    return {"bias": {
        "rapport": str(pad.relative_to(uitvoer)),
        "themas": {t: {"blokkerend": d["oordeel"]["blokkerend"], "afwijkingen": d["oordeel"]["afwijkingen"],
                       "verklaard": d["oordeel"]["verklaard"],
                       "ondervertegenwoordiging": d["oordeel"]["ondervertegenwoordiging"],
                       "hoofdoorzaken": d["oordeel"].get("oorzaken", 0),
                       "niet_verklaard": d["oordeel"].get("oorzaken_open", 0),
                       "redenen": d["oordeel"]["redenen"], "document": f"bias/{t}.json"} for t, d in docs.items()}}}
