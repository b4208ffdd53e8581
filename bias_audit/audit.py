"""The audit of one theme for one peildatum: statistics of every funnel step, deviations with the step
that causes them, explanations, the verdict, power, drift and an exploratory scan; stored in DuckDB
(`bias_statistieken`, `bias_oordelen`) and returned as the document behind bias/<thema>.json.

Nothing here holds a BSN or a pseudonym: cells are groups of dossiers. The document is what is published:
counts below the suppression limit are "<10", and no number from which such a count can be computed back
is in it (bias_audit/onderdrukking.py); `bias_statistieken` keeps every value.
"""
from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import numpy as np
import polars as pl

from assets.themas import uitvoering
from assets.themas.kader import Thema, laad_parameters
from assets.themas.register import THEMAS
from bias_audit import bewijs, gepoold, instellingen, kenmerken, kracht, oorzaken, statistiek, tellingen
from bias_audit import onderdrukking, oordeel
from bias_audit.onderdrukking import GEHEIM, Onderdrukking, kolommen_weg
from kern import opslag
from kern.omgeving import STANDAARD_FILTERS

STATISTIEKEN, OORDELEN = "bias_statistieken", "bias_oordelen"
AFWIJKING, ONDER, GEEN, NIET_GETOETST = "afwijking", "ondervertegenwoordiging", "geen", "niet getoetst"


def _p_gecorrigeerd(p: np.ndarray, gewicht: float) -> np.ndarray:
    """Holm within a family that holds `gewicht` of the run's alpha, scaled to compare with the run's alpha."""
    return np.minimum(1.0, statistiek.holm(p) / gewicht) if len(p) else p


def statistieken(cellen: pl.DataFrame, minimum: int, gewicht: float, inst: dict, exact_vermogen: bool = False
                 ) -> pl.DataFrame:
    """Rates, ratios, intervals, tests and the corrected p of one family of cells (all steps >= 1).

    `exact_vermogen`: the smallest detectable ratio of cells decided by Fisher's test is computed for that
    exact test (bias_audit/kracht.py); otherwise, and for chi-square cells, by the normal approximation."""
    x, n, X, N = (cellen[k].to_numpy().astype(float) for k in ("x", "n", "X", "N"))
    getoetst = (n >= minimum) & (n < N) & (X > 0) & (X < N)
    p, naam = statistiek.toets(x, n, X, N, inst["exact_onder_verwachting"], getoetst)
    pc = np.full(len(p), np.nan)
    pc[getoetst] = _p_gecorrigeerd(p[getoetst], gewicht)
    laag, hoog = statistiek.ratio_interval(x, n, X, N, inst["betrouwbaarheid"])
    r = statistiek.ratio(x, n, X, N)
    significant = getoetst & (pc <= inst["alfa_run"])
    oordeel = np.where(~getoetst, NIET_GETOETST,
                       np.where(significant & (r > inst["drempel_oververtegenwoordiging"]), AFWIJKING,
                                np.where(significant & (r < inst["drempel_ondervertegenwoordiging"]), ONDER, GEEN)))
    # the step against the previous one: which condition of the filter lets this group through more often
    xc, xv, Xc, Xv = (cellen[k].to_numpy().astype(float) for k in ("x_cond", "x_vorig", "X_cond", "X_vorig"))
    p_stap, _ = statistiek.toets(xc, xv, Xc, Xv, inst["exact_onder_verwachting"],
                                 (xv > 0) & (Xv > 0) & (n >= minimum))
    m = max(int(getoetst.sum()), 1)
    alfa_cel = inst["alfa_run"] * gewicht / m
    # the power of a tested cell only: it is shown for no other (most cells of the intersections and of the
    # exploratory scan are groups too small to test: at landelijk 18,000 of 474,000 cells of the scan are tested)
    kleinste = np.full(len(n), np.nan)
    methode = np.full(len(n), kracht.NORMAAL if exact_vermogen else "normale benadering", dtype=object)
    if getoetst.any():
        if exact_vermogen:
            kleinste[getoetst], methode[getoetst] = kracht.kleinste_ratio(
                n[getoetst], X[getoetst], N[getoetst], alfa_cel, list(naam[getoetst]), inst["onderscheidend_vermogen"])
        else:
            kleinste[getoetst] = statistiek.kleinste_ratio(n[getoetst], X[getoetst], N[getoetst], alfa_cel,
                                                           inst["onderscheidend_vermogen"])
    with np.errstate(invalid="ignore", divide="ignore"):
        return cellen.with_columns(
            pl.Series("aandeel_populatie", n / N), pl.Series("aandeel_selectie", np.where(X > 0, x / X, np.nan)),
            pl.Series("selectiegraad", np.where(n > 0, x / n, np.nan)), pl.Series("ratio", r),
            pl.Series("ci_laag", laag), pl.Series("ci_hoog", hoog),
            pl.Series("toets", np.where(getoetst, naam, None).tolist(), dtype=pl.Utf8),
            pl.Series("p", p), pl.Series("p_gecorrigeerd", pc), pl.Series("getoetst", getoetst),
            pl.Series("oordeel", oordeel),
            pl.Series("ratio_stap", statistiek.ratio(xc, xv, Xc, Xv)),
            pl.Series("p_stap", np.where((xv > 0) & (Xv > 0), p_stap, np.nan)),
            pl.Series("kleinste_aantoonbare_ratio", kleinste),
            pl.Series("vermogen_methode", methode.tolist(), dtype=pl.Utf8),
            pl.Series("alfa_cel", np.full(len(n), alfa_cel)),
        ).with_columns(pl.col(pl.Float64).fill_nan(None))


def toets_alle(leden: pl.DataFrame, km: pl.DataFrame, laatste: int, inst: dict, exact_vermogen: bool = True,
               gepoold_: tuple[pl.DataFrame, pl.DataFrame] | None = None) -> tuple[pl.DataFrame, ...]:
    """The three families of one theme: single attributes and intersections of two (blocking, sharing the
    theme's part of the run's alpha), and the exploratory three-attribute scan of the last step. In each, the
    smallest detectable ratio of a cell decided by Fisher's test is that of the exact test (`exact_vermogen`).
    Given the pooled funnel (`gepoold_`: members and attributes, gepoold.leden_en_kenmerken), its two families
    (single attributes and intersections, at the pooled test's share of alpha) follow as a fourth and fifth."""
    t, w_int = len(THEMAS), inst["aandeel_intersecties"]
    taken = [(leden, km, [
        (1, None, inst["minimum_groep"], (1 - w_int) / t, "kenmerk"),
        (2, None, inst["minimum_intersectie"], w_int / t, "intersectie"),
        (3, [laatste], inst["minimum_verkenning"], inst["alfa_verkenning"] / inst["alfa_run"] / t, "verkenning")])]
    if gepoold_ is not None:
        aandeel = _aandeel_gepoold(inst)
        taken.append((*gepoold_, [(1, None, inst["minimum_groep"], aandeel * (1 - w_int), "kenmerk"),
                                  (2, None, inst["minimum_intersectie"], aandeel * w_int, "intersectie")]))
    return tuple(_families(inst, exact_vermogen, taken))


def _aandeel_gepoold(inst: dict) -> float:
    """The pooled test's share of the run's alpha, per theme."""
    return inst["alfa_gepoold"] / inst["alfa_run"] / len(THEMAS)


def _families(inst: dict, exact_vermogen: bool, taken: list[tuple]) -> list[pl.DataFrame]:
    """Per (members, attributes, families) the cells of each family (attributes per cell, steps counted or None for
    all, smallest group tested, its share of the run's alpha, its kind) with their statistics, counted from one cube
    of those members. The families are independent: two at a time, since NumPy and Polars release the GIL in their
    array work and an audit's own arithmetic would otherwise use one core (at landelijk, with the power of tested
    cells only: 12 -> 7.7 s a theme)."""
    attrs = list(kenmerken.KENMERKEN)
    werk = []
    for leden, km, families in taken:
        kub = tellingen.kubus(leden, km, attrs)
        werk += [(leden, km, kub, *f) for f in families]

    def familie(leden, km, kub, grootte, stappen, minimum, gewicht, soort):
        return statistieken(tellingen.tel(leden, km, tellingen.combinaties(attrs, grootte), stappen, kubussen=kub),
                            minimum, gewicht, inst, exact_vermogen).with_columns(pl.lit(soort).alias("soort"))

    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(lambda w: familie(*w), werk))


def _onderdruk(waarde, grens: int):
    return None if waarde is None else (int(waarde) if waarde >= grens else f"<{grens}")


def _rond(v, cijfers: int = 4):
    if v is None:
        return None
    if isinstance(v, float):
        if not np.isfinite(v):
            return None
        return float(f"{v:.{cijfers}g}")
    return v


def publiceerbaar(rij: dict, od: Onderdrukking) -> dict:
    """A cell for a published table: its counts as the suppression shows them, and without every number that
    would give a suppressed count back (ratio, interval, shares, rate, p-values, the ratio against the
    previous step; with n suppressed also its share and smallest detectable ratio). The verdict, the test
    and whether it was tested stay: a suppressed deviation still blocks and is still listed. `onderdrukt`
    says that numbers were withheld."""
    c = (rij["stap_nr"], rij["kenmerk"], rij["groep"])
    uit = {k: _rond(v) for k, v in rij.items()
           if k not in ("x_vorig", "x_cond", "X_vorig", "X_cond", "N", "X", "alfa_cel")}
    uit["n"], uit["x"] = od.toon_n(rij["kenmerk"], rij["groep"], rij["n"]), od.toon_x(c, rij["x"])
    return kolommen_weg(uit, od.verborgen(c), od.n_verborgen(rij["kenmerk"], rij["groep"]), od.stap_verborgen(c))


def _oorzaak(rijen: pl.DataFrame, a: dict, namen: dict[int, str], od: Onderdrukking) -> dict:
    """For a deviation at step k: the first step where the group is over-selected against the population,
    and the step (1..k) that, against its previous step, lets the group through most disproportionately.
    The strongest step is still named when its ratio is suppressed; its numbers are then withheld."""
    reeks = rijen.filter((pl.col("kenmerk") == a["kenmerk"]) & (pl.col("groep") == a["groep"])
                         & (pl.col("stap_nr") <= a["stap_nr"])).sort("stap_nr")
    eerste = reeks.filter(pl.col("oordeel") == AFWIJKING)["stap_nr"].min()
    sterkst = reeks.filter(pl.col("ratio_stap").is_not_null()).sort("ratio_stap", descending=True).head(1)
    s = sterkst.row(0, named=True) if sterkst.height else None
    weg = s is not None and od.stap_verborgen((s["stap_nr"], s["kenmerk"], s["groep"]))
    per_stap = []
    for r in reeks.iter_rows(named=True):
        c = (r["stap_nr"], r["kenmerk"], r["groep"])
        per_stap.append({"stap": namen[r["stap_nr"]], "ratio": None if od.verborgen(c) else _rond(r["ratio"]),
                         "ratio_stap": None if od.stap_verborgen(c) else _rond(r["ratio_stap"])})
    return {"eerste_stap": namen[eerste], "eerste_stap_nr": eerste,
            "sterkste_stap": s and namen[s["stap_nr"]],
            "sterkste_stap_ratio": None if weg else s and _rond(s["ratio_stap"]),
            "sterkste_stap_p": None if weg else s and _rond(s["p_stap"]), "per_stap": per_stap}


def _drift(con, peildatum: date, thema: str, inst: dict) -> pl.DataFrame:
    """The single attributes of earlier audits of the theme, their ratio withheld where that audit's counts
    are suppressed (recomputed from `bias_statistieken` over the sums of the single attributes)."""
    if not opslag.bestaat_tabel(con, STATISTIEKEN):
        return pl.DataFrame()
    vorige = con.sql(f"SELECT peildatum, stap_nr, stap, kenmerk, groep, ratio, oordeel, n_populatie, n_selectie, "
                     f"totaal_selectie, totaal_populatie FROM {STATISTIEKEN} "
                     "WHERE thema = ? AND soort = 'kenmerk' AND peildatum < ? AND peildatum IN ("
                     f"  SELECT DISTINCT peildatum FROM {STATISTIEKEN} WHERE thema = ? AND peildatum < ? "
                     "  ORDER BY peildatum DESC LIMIT ?) ORDER BY peildatum",
                     params=[thema, peildatum, thema, peildatum, inst["drift_runs"]]).pl().rename(
        {"n_populatie": "n", "n_selectie": "x", "totaal_selectie": "X", "totaal_populatie": "N"})  # SQL: x is X
    delen = []
    for (_,), deel in vorige.group_by("peildatum", maintain_order=True):
        od = Onderdrukking(deel, set(deel.select("stap_nr", "kenmerk", "groep").iter_rows()),
                           {s: int(X) for s, X in deel.select("stap_nr", "X").unique().iter_rows()},
                           int(deel["N"][0]), inst["onderdrukken_onder"])
        weg = pl.Series([od.verborgen(c) for c in deel.select("stap_nr", "kenmerk", "groep").iter_rows()],
                        dtype=pl.Boolean)
        delen.append(deel.with_columns(pl.when(weg).then(None).otherwise(pl.col("ratio")).alias("ratio")))
    return pl.concat(delen).select("peildatum", "stap", "kenmerk", "groep", "ratio", "oordeel") if delen else \
        vorige.select("peildatum", "stap", "kenmerk", "groep", "ratio", "oordeel")


def _leeg_document(thema: Thema, peildatum: date, inst: dict, parameters: dict) -> dict:
    return {"thema": thema.id, "titel": thema.titel, "doel": thema.doel, "regel": thema.regel_tekst(parameters),
            "peildatum": peildatum.isoformat(), "filter_versie": None, "berekend": False,
            "methode": methode(inst), "trechter": [], "oordeel": {"blokkerend": True, "redenen": []},
            "afwijkingen": [], "ondervertegenwoordiging": [], "statistieken": [], "onderscheidend_vermogen": [],
            "intersecties": {"minimum": inst["minimum_intersectie"], "getoetst": 0, "bevindingen": []},
            "verkenning": {"minimum": inst["minimum_verkenning"], "getoetst": 0, "bevindingen": []},
            "drift": [], "verklaringen": {"van_kracht": [], "verlopen": [], "nog_niet_van_kracht": [], "fout": None},
            "oorzaken": [], "fouten": [], "legitieme_factoren": [], "gepoold": {"runs": [], "getoetst": 0},
            "bronvelden": list(thema.alle_velden),
            "auditvelden": ["gemeente.uitkeringen.bsn (alleen als koppelsleutel)", "gemeente.uitkeringen.normcategorie",
                            "gemeente.uitkeringen.datum_aanvang", "brp.personen.geboortedatum",
                            "brp.personen.geslacht", "brp.personen.geboorteland (bijzonder, alleen audit)",
                            "brp.personen.nationaliteit (bijzonder, alleen audit)", "brp.verblijfplaatsen.adres_id",
                            "brp.verblijfplaatsen.functie_adres", "brp.verblijfplaatsen.datum_aanvang",
                            "brp.verblijfplaatsen.datum_einde", "brp.adressen.wijk_code"]}


def methode(inst: dict) -> dict:
    t = len(THEMAS)
    return {
        "instellingen_versie": inst["versie"], "alfa_run": inst["alfa_run"], "themas_in_run": t,
        "alfa_per_thema": inst["alfa_run"] / t, "aandeel_intersecties": inst["aandeel_intersecties"],
        "correctie": "Holm (familiegewijze foutkans); het alfa van de run is gelijk verdeeld over de thema's en "
                     "binnen een thema over enkelvoudige kenmerken en intersecties (Bonferroni tussen de delen)",
        "toets": f"Fisher exact als een verwachte celtelling kleiner is dan {inst['exact_onder_verwachting']}, "
                 "anders chi-kwadraat (2x2: groep/rest x geselecteerd/niet)",
        "interval": f"{inst['betrouwbaarheid']:.0%}-Wilson-interval van de selectiegraad, gedeeld door de "
                    "selectiegraad van de populatie (niet gecorrigeerd)",
        "afwijking": f"ratio > {inst['drempel_oververtegenwoordiging']} en gecorrigeerde p <= {inst['alfa_run']}",
        "ondervertegenwoordiging": f"ratio < {inst['drempel_ondervertegenwoordiging']} en gecorrigeerde p <= "
                                   f"{inst['alfa_run']} (blokkeert niet)",
        "minimum_groep": inst["minimum_groep"], "minimum_intersectie": inst["minimum_intersectie"],
        "minimum_verkenning": inst["minimum_verkenning"], "onderdrukken_onder": inst["onderdrukken_onder"],
        "onderscheidend_vermogen": inst["onderscheidend_vermogen"],
        "kenmerken": kenmerken.KENMERKEN,
        "oorzaken": "Een afwijking van een intersectie A×B is afgeleid van een afwijkende enkele groep A in dezelfde "
                    "stap wanneer binnen A de leden met B niet significant vaker geselecteerd worden dan de rest van A "
                    "(voorwaardelijke ratio, dezelfde toets binnen A, Holm over alle voorwaardelijke toetsen met het "
                    "deel van de intersecties, en alleen 'voorbij' boven de drempel). Een intersectie die verder gaat "
                    "dan beide ouders is zelf een hoofdoorzaak. Eén hoofdoorzaak per kenmerk en groep, bij de eerste "
                    "stap waarin zij afwijkt, met alle stappen waarin zij afwijkt.",
        "bewijs": "Per hoofdoorzaak de Mantel-Haenszel-ratio (groep tegenover de rest, Greenland-Robins-interval), "
                  "gestratificeerd naar elke legitieme factor van het thema en omgerekend naar de schaal van de "
                  "audit (groep tegenover de populatie); 'samenvallend' wanneer minder dan "
                  f"{inst['samenvallend_onder']:.0%} van de groep in strata met ook anderen valt.",
        "vermogen": f"De kleinste ratio die de toegepaste toets met {inst['onderscheidend_vermogen']:.0%} kans "
                    "vindt, op het gecorrigeerde niveau: exact voor de Fisher-toets (voorwaardelijk op de "
                    "stapgrootte, niet-centrale hypergeometrische verdeling), anders de normale benadering; "
                    f"bevestigd met een Monte-Carlosimulatie van dezelfde toets ({inst['simulaties']} trekkingen).",
        "gepoold": f"De laatste stap samengenomen over de laatste {inst['pool_runs']} runs met dezelfde "
                   "filter_versie, elk dossier één keer (geselecteerd als het in één van die runs op de eindlijst "
                   f"stond), met een eigen foutkans van {inst['alfa_gepoold']} over de thema's; een gepoolde "
                   "afwijking blokkeert zoals elke andere.",
        "alfa_gepoold": inst["alfa_gepoold"], "pool_runs": inst["pool_runs"],
        "drempel_oververtegenwoordiging": inst["drempel_oververtegenwoordiging"],
    }


class GeenAudit(KeyError):
    """No stored audit of the theme for the peildatum: a re-judgement needs a run of that peildatum first."""

    def __str__(self) -> str:  # KeyError's own str() quotes its message
        return str(self.args[0]) if self.args else ""


def voer_uit(con, peildatum: date, thema: Thema, verklaringen_pad: str | None, inst: dict | None = None,
             parameters: dict | None = None) -> dict:
    """Audit one theme and judge it against the registry: bereken + herbeoordeel."""
    bereken(con, peildatum, thema, inst, parameters)
    return herbeoordeel(con, peildatum, thema, verklaringen_pad)


def herbeoordeel(con, peildatum: date, thema: Thema | str, verklaringen_pad: str | None, dag: date | None = None
                 ) -> dict:
    """Judge the stored audit of a theme against the registry as it is now, with the decisions in force on `dag`
    (today: the day of the release); store and return the document. Nothing is computed again (this is what
    `systeemanalyse vrijgeven` runs)."""
    thema_id = thema if isinstance(thema, str) else thema.id
    doc = laad(con, peildatum, thema_id).get(thema_id)
    if doc is None:
        raise GeenAudit(f"geen opgeslagen bias-audit van {thema_id} voor peildatum {peildatum}")
    alle, fout = oordeel.lees_register(verklaringen_pad)
    oordeel.beoordeel(doc, alle, fout, dag or date.today())
    _bewaar_oordeel(con, peildatum, thema_id, doc)
    return doc


def _legitieme_factoren(thema: Thema, parameters: dict) -> dict[str, dict]:
    """The theme's legitimate factors with their reasons (parameters.yaml), checked against the known ones."""
    opgegeven = (parameters.get(thema.id) or {}).get("legitieme_factoren") or {}
    onbekend = sorted(set(opgegeven) - set(kenmerken.FACTOREN))
    if onbekend:
        raise kenmerken.AuditNietMogelijk(f"onbekende legitieme factor {', '.join(onbekend)} in de parameters van "
                                          f"{thema.id} (kies uit {', '.join(kenmerken.FACTOREN)})")
    return {f: {**kenmerken.FACTOREN[f], "reden": str(reden)} for f, reden in opgegeven.items()}


def _groepsmasker(km: pl.DataFrame, kenmerk: str, groep: str) -> pl.Series:
    masker = pl.lit(True)
    for k, g in oorzaken.delen(kenmerk, groep):
        masker = masker & (pl.col(k) == g)
    return km.select(masker.alias("g"))["g"]


def _bewijs(oorzaak: dict, km: pl.DataFrame, leden: pl.DataFrame, factoren: dict[str, dict], inst: dict,
            verborgen: bool = False) -> list[dict]:
    """Mantel–Haenszel evidence of one root cause at its first step, per legitimate factor.

    The strata's counts add up to published totals (the group's n and x, the rest's N - n and X - x): per
    column the small counts and, where a total would give one back, the next smallest are suppressed
    (onderdrukking.aanvullend). Of a root cause whose own numbers are suppressed (`verborgen`) every stratum
    count is withheld (the rest's selected counts add up to X - x); its adjusted ratio is withheld by
    `_oorzaken_document`."""
    if not factoren:
        return []
    gekozen = leden.filter(pl.col("stap_nr") == oorzaak["stap_nr"])["dossier_id"].implode()
    pop = km.join(leden.filter(pl.col("stap_nr") == 0).select("dossier_id"), on="dossier_id", how="semi")
    groep = _groepsmasker(pop, oorzaak["kenmerk"], oorzaak["groep"])
    geselecteerd = pop.select(pl.col("dossier_id").is_in(gekozen))["dossier_id"]
    uit = []
    for factor in factoren:
        b = bewijs.bewijs(groep, geselecteerd, pop[factor], inst)
        rij = {"factor": factor, **{k: _rond(v) for k, v in b.items() if k != "strata"}}
        grens = inst["onderdrukken_onder"]
        kolommen = ("groep", "groep_geselecteerd", "rest", "rest_geselecteerd")
        weg = {k: [True] * len(b["strata"]) if verborgen else onderdrukking.aanvullend(
            [st[k] for st in b["strata"]], True, grens) for k in kolommen}
        rij["strata"] = [{"stratum": st["stratum"], **{
            k: (f"<{grens}" if st[k] < grens else GEHEIM) if weg[k][i] else int(st[k]) for k in kolommen}}
            for i, st in enumerate(b["strata"])]
        uit.append(rij)
    return uit


def _afgeleid_document(a: dict, stap_nr: int, ouder: tuple[str, str], od: Onderdrukking) -> dict:
    """A derived deviation under its root cause: its ratio, and its ratio within the root's group, withheld
    when either the intersection's or the root's numbers are suppressed (x(a×b)/x(a) gives x back)."""
    c = (stap_nr, a["kenmerk"], a["groep"])
    eigen, binnen = od.verborgen(c), od.verborgen(c) or od.verborgen((stap_nr, *ouder))
    return {k: None if (eigen and k in ("ratio", "p_gecorrigeerd")) or (binnen and k.endswith("_binnen_groep"))
            else _rond(v) for k, v in a.items()} | {"onderdrukt": eigen}


def _oorzaken_document(lijst: list[dict], km, leden, factoren, inst, od: Onderdrukking, namen: dict[str, int],
                       gepoold: bool = False) -> list[dict]:
    """The root causes as published. Of a root cause whose counts are suppressed the verdict, steps and
    derived deviations stay, and its ratio, interval and corrected p are withheld (`onderdrukt`)."""
    uit = []
    for o in lijst:
        c = (o["stap_nr"], o["kenmerk"], o["groep"])
        weg = od.verborgen(c)
        gecorrigeerd = _bewijs(o, km, leden, factoren, inst, weg)
        # with one stratum the adjusted ratio is the audit's ratio: withheld with it; the draft stays, in words
        voorstel = bewijs.voorstel(o["groep"], gecorrigeerd, factoren, inst["drempel_oververtegenwoordiging"],
                                   getallen=not weg)
        if weg:
            gecorrigeerd = [g | {"ratio": None, "ci_laag": None, "ci_hoog": None, "rr_mh": None} for g in gecorrigeerd]
        uit.append({
            "stap": o["stap"], "stap_nr": o["stap_nr"], "stappen": o["stappen"], "soort": o["soort"],
            "kenmerk": o["kenmerk"], "groep": o["groep"], "n": od.toon_n(o["kenmerk"], o["groep"], o["n"]),
            "x": od.toon_x(c, o["x"]), "ratio": None if weg else _rond(o["ratio"]),
            "ci_laag": None if weg else _rond(o["ci_laag"]), "ci_hoog": None if weg else _rond(o["ci_hoog"]),
            "p_gecorrigeerd": None if weg else _rond(o["p_gecorrigeerd"]), "onderdrukt": weg, "gepoold": gepoold,
            "status": None,
            "afgeleid": [_afgeleid_document(a, namen[a["stap"]], (o["kenmerk"], o["groep"]), od)
                         for a in o["afgeleid"]],
            "gecorrigeerd": gecorrigeerd,
            "voorstel": voorstel, "verklaring": None})
    return uit


def _vermogen(enkel: pl.DataFrame, namen: dict[int, str], inst: dict, od: Onderdrukking | None = None) -> list[dict]:
    """Per step and attribute: the smallest detectable ratio of the best and worst tested group, the method,
    and for the last step a Monte Carlo confirmation of the best one with the audit's own test. A group
    whose n is suppressed does not count for best and worst (the smallest ratio gives n back)."""
    laatste = max(namen) if namen else None
    uit = []
    getoetst = enkel.filter(pl.col("getoetst"))
    if od is not None and getoetst.height:
        weg = [od.n_verborgen(k, g) for k, g in zip(getoetst["kenmerk"], getoetst["groep"])]
        getoetst = getoetst.with_columns(pl.when(pl.Series(weg)).then(None)
                                         .otherwise(pl.col("kleinste_aantoonbare_ratio")).alias("kleinste_aantoonbare_ratio"))
    for r in getoetst.group_by("stap_nr", "kenmerk").agg(
            pl.len().alias("groepen"),
            pl.col("kleinste_aantoonbare_ratio").filter(pl.col("kleinste_aantoonbare_ratio").is_finite()).min()
            .alias("beste"),
            pl.col("kleinste_aantoonbare_ratio").filter(pl.col("kleinste_aantoonbare_ratio").is_finite()).max()
            .alias("slechtste"),
            pl.col("kleinste_aantoonbare_ratio").is_infinite().sum().alias("niet"),
            pl.struct("n", "X", "N", "alfa_cel", "vermogen_methode", "kleinste_aantoonbare_ratio")
            .sort_by("kleinste_aantoonbare_ratio").first().alias("cel"),
            pl.col("vermogen_methode").unique().sort().alias("methoden")).sort("stap_nr", "kenmerk").iter_rows(named=True):
        rij = {"stap": namen[r["stap_nr"]], "stap_nr": r["stap_nr"], "kenmerk": r["kenmerk"],
               "groepen_getoetst": r["groepen"], "beste": _rond(r["beste"]), "slechtste": _rond(r["slechtste"]),
               "niet_aantoonbaar": r["niet"], "methode": ", ".join(r["methoden"])}
        c = r["cel"]
        if r["stap_nr"] == laatste and c and c["kleinste_aantoonbare_ratio"] is not None \
                and np.isfinite(c["kleinste_aantoonbare_ratio"]):
            zaad = int.from_bytes(f"{r['kenmerk']}|{r['stap_nr']}".encode()[:8].ljust(8, b"0"), "little")
            rij["simulatie"] = {"ratio": _rond(c["kleinste_aantoonbare_ratio"]), "trekkingen": inst["simulaties"],
                                "kracht": _rond(kracht.simuleer(int(c["n"]), int(c["X"]), int(c["N"]),
                                                                c["kleinste_aantoonbare_ratio"], c["alfa_cel"],
                                                                inst["exact_onder_verwachting"], inst["simulaties"],
                                                                zaad), 3)}
        uit.append(rij)
    return uit


def _afwijkingen(alles: pl.DataFrame, afgeleid: pl.DataFrame, namen: dict[int, str], od: Onderdrukking) -> list[dict]:
    """Every deviation cell, with the root cause it derives from (or itself); numbers that would give a
    suppressed count back are withheld (publiceerbaar)."""
    ouders = {(r["stap_nr"], r["kenmerk"], r["groep"]): r for r in afgeleid.iter_rows(named=True)
              if r["ouder_kenmerk"] is not None}
    uit = []
    for rij in alles.filter(pl.col("oordeel") == AFWIJKING).sort("stap_nr", "soort", "kenmerk", "groep") \
            .iter_rows(named=True):
        c = (rij["stap_nr"], rij["kenmerk"], rij["groep"])
        a = {k: v for k, v in publiceerbaar(rij, od).items()
             if k in ("stap_nr", "stap", "soort", "kenmerk", "groep", "ratio", "ci_laag", "ci_hoog", "p",
                      "p_gecorrigeerd", "toets", "ratio_stap", "p_stap", "n", "x", "onderdrukt")}
        a.update(**_oorzaak(alles, rij, namen, od))
        ouder = ouders.get(c)
        a["afgeleid"] = ouder is not None
        binnen_weg = ouder is not None and (od.verborgen(c) or od.verborgen(
            (rij["stap_nr"], ouder["ouder_kenmerk"], ouder["ouder_groep"])))
        a["oorzaak"] = ({"kenmerk": ouder["ouder_kenmerk"], "groep": ouder["ouder_groep"],
                         "ratio_binnen_groep": None if binnen_weg else _rond(ouder["ratio_binnen"]),
                         "p_binnen_groep": None if binnen_weg else _rond(ouder["p_binnen"])}
                        if ouder else None)
        a["status"], a["verklaring"] = None, None
        uit.append(a)
    return uit


def voeg_gepoold_samen(eigen: list[dict], gepoolde: list[dict], volgorde: list[str]) -> list[dict]:
    """Each root cause once (domain.md): a pooled root cause whose group is already a root cause of this run is no
    second entry but that entry's pooled evidence (`gepoold_bewijs`: the pooled step, ratio, interval, corrected p,
    derived deviations); the pooled step joins its steps, so a decision must cover it there too. A pooled root cause
    of a group that is none in this run stays an entry of its own (`gepoold`: true)."""
    per_groep = {(o["kenmerk"], o["groep"]): o for o in eigen}
    uit = list(eigen)
    for g in gepoolde:
        o = per_groep.get((g["kenmerk"], g["groep"]))
        if o is None:
            uit.append(g)
            continue
        o["gepoold_bewijs"] = {k: g[k] for k in ("stap", "n", "x", "ratio", "ci_laag", "ci_hoog", "p_gecorrigeerd",
                                                 "onderdrukt")} | {"afgeleid": len(g["afgeleid"])}
        if g["stap"] not in o["stappen"]:
            o["stappen"] = sorted([*o["stappen"], g["stap"]],
                                  key=lambda s: volgorde.index(s) if s in volgorde else len(volgorde))
    return uit


def _gepoold(con, laatste: int, factoren, inst: dict, doc: dict, runs: list[date],
             invoer: tuple[pl.DataFrame, pl.DataFrame] | None, enkel: pl.DataFrame | None, paren: pl.DataFrame | None
             ) -> pl.DataFrame:
    """The pooled test of the final step over the last runs of this filter_versie (`runs`; tested when there are
    >= 2): its members and attributes (`invoer`) and its two families as toets_alle computed them."""
    doc["gepoold"] = {"runs": [r.isoformat() for r in runs], "getoetst": 0, "minimum_runs": 2}
    if invoer is None:
        return pl.DataFrame()
    leden, km = invoer
    t, w_int = len(THEMAS), inst["aandeel_intersecties"]
    aandeel = _aandeel_gepoold(inst)
    stap = doc["trechter"][-1]["stap"] if doc["trechter"] else "na_uitsluitingen"
    cellen = pl.concat([enkel, paren], how="vertical_relaxed").with_columns(pl.lit(stap).alias("stap"),
                                                                          pl.lit(laatste).cast(pl.Int64).alias("stap_nr"))
    lijst, _ = oorzaken.analyseer(cellen, inst, aandeel * w_int)
    grens = inst["onderdrukken_onder"]
    bevindingen = cellen.filter(pl.col("oordeel").is_in([AFWIJKING, ONDER])).sort("p_gecorrigeerd").head(25)
    gepubliceerd = {(laatste, k, g) for k, g in zip(bevindingen["kenmerk"], bevindingen["groep"])}
    gepubliceerd |= {(laatste, o["kenmerk"], o["groep"]) for o in lijst}
    gepubliceerd |= {(laatste, a["kenmerk"], a["groep"]) for o in lijst for a in o["afgeleid"]}
    totaal = int(enkel["X"][0]) if enkel.height else None
    od = Onderdrukking(cellen, gepubliceerd, {laatste: totaal}, int(enkel["N"][0]) if enkel.height else None, grens)
    km_f = km.join(con.sql(f"SELECT dossier_id, {', '.join(f'arg_max({f}, peildatum) AS {f}' for f in kenmerken.FACTOREN)} "
                           f"FROM {kenmerken.FACTOREN_TABEL} WHERE peildatum IN (SELECT unnest(?::DATE[])) "
                           "GROUP BY dossier_id", params=[runs]).pl(), on="dossier_id", how="left")
    leden_f = leden.with_columns(pl.when(pl.col("stap_nr") == 1).then(laatste).otherwise(0).alias("stap_nr"))
    doc["oorzaken"] = voeg_gepoold_samen(
        doc["oorzaken"], _oorzaken_document(lijst, km_f, leden_f, factoren, inst, od, {stap: laatste}, gepoold=True),
        [s["stap"] for s in doc["trechter"]])
    eind = enkel.filter(pl.col("getoetst"))
    if eind.height:  # a group whose n is suppressed does not count for best and worst (_vermogen)
        eind = eind.filter(~pl.Series([od.n_verborgen(k, g) for k, g in zip(eind["kenmerk"], eind["groep"])]))
    doc["gepoold"].update(
        getoetst=int(enkel["getoetst"].sum() + paren["getoetst"].sum()), stap=stap,
        populatie=_onderdruk(int(leden.filter(pl.col("stap_nr") == 0).height), grens),
        geselecteerd=_onderdruk(int(leden.filter(pl.col("stap_nr") == 1).height), grens),
        alfa=inst["alfa_gepoold"] / t,
        afwijkingen=int((cellen["oordeel"] == AFWIJKING).sum()),
        onderscheidend_vermogen=[{"kenmerk": r["kenmerk"], "beste": _rond(r["beste"]), "slechtste": _rond(r["slechtste"])}
                                 for r in eind.group_by("kenmerk").agg(
                                     pl.col("kleinste_aantoonbare_ratio").filter(
                                         pl.col("kleinste_aantoonbare_ratio").is_finite()).min().alias("beste"),
                                     pl.col("kleinste_aantoonbare_ratio").filter(
                                         pl.col("kleinste_aantoonbare_ratio").is_finite()).max().alias("slechtste"))
                                 .sort("kenmerk").iter_rows(named=True)],
        bevindingen=[publiceerbaar(r, od) for r in bevindingen.drop("soort").iter_rows(named=True)])
    return cellen.with_columns(pl.lit("gepoold").alias("soort"))


def bereken(con, peildatum: date, thema: Thema, inst: dict | None = None, parameters: dict | None = None,
            run: str | None = None) -> dict:
    """Compute the audit of one theme (statistics, root causes, evidence, power, pooling) and store it; the
    verdict is filled in by `herbeoordeel`. `run`: the Dagster run's id, whose bias steps share one attribute
    table (kenmerken.bouw)."""
    inst = inst or instellingen.laad()
    parameters = parameters if parameters is not None else laad_parameters(STANDAARD_FILTERS)
    doc = _leeg_document(thema, peildatum, inst, parameters)  # the rule in the words of the parameters in force
    doc["fouten"], doc["oorzaken"] = [], []
    uitkomst = uitvoering.laad_uitkomst(con, peildatum, thema.id)
    if uitkomst is None or not uitkomst.berekend:
        doc["fouten"].append(f"bias-audit {thema.id}: geen trechter om te toetsen (thema niet berekend"
                             + (f": {uitkomst.reden})" if uitkomst and uitkomst.reden else ")"))
        return _bewaar(con, peildatum, thema, doc, pl.DataFrame())
    doc["filter_versie"], doc["berekend"] = uitkomst.filter_versie, True
    try:
        factoren = _legitieme_factoren(thema, parameters)
        km = kenmerken.bouw(con, peildatum, inst, run)
    except kenmerken.AuditNietMogelijk as fout:
        doc["berekend"] = False
        doc["fouten"].append(f"bias-audit {thema.id}: niet uit te voeren: {fout}")
        return _bewaar(con, peildatum, thema, doc, pl.DataFrame())
    doc["legitieme_factoren"] = [{"factor": f, "omschrijving": d["omschrijving"], "reden": d["reden"]}
                                 for f, d in factoren.items()]
    leden = con.sql("SELECT dossier_id, stap_nr FROM funnel_leden WHERE peildatum = ? AND thema = ?",
                    params=[peildatum, thema.id]).pl().with_columns(pl.col("stap_nr").cast(pl.Int64))
    stappen = con.sql("SELECT stap_nr, stap, omschrijving, aantal FROM funnel_stappen WHERE peildatum = ? AND "
                      "thema = ? ORDER BY stap_nr", params=[peildatum, thema.id]).fetchall()
    namen = {nr: s for nr, s, _, _ in stappen}
    grens = inst["onderdrukken_onder"]
    doc["trechter"] = [{"stap_nr": nr, "stap": s, "omschrijving": o, "aantal": _onderdruk(a, grens)}
                       for nr, s, o, a in stappen]

    laatste = max(namen) if namen else 0
    runs = gepoold.runs(con, peildatum, thema.id, uitkomst.filter_versie, inst["pool_runs"])
    pool_invoer = gepoold.leden_en_kenmerken(con, thema.id, runs, laatste) if len(runs) >= 2 else None
    enkel, paren, drie, *pool_families = toets_alle(leden, km, laatste, inst, gepoold_=pool_invoer)
    alles = pl.concat([enkel, paren], how="vertical_relaxed").with_columns(
        pl.col("stap_nr").replace_strict(namen, return_dtype=pl.Utf8).alias("stap"))

    # what is published, and so which counts (and the numbers computed from them) are suppressed in it
    verkend = drie.filter(pl.col("oordeel").is_in([AFWIJKING, ONDER])).sort("p_gecorrigeerd").head(25)
    bevinding = paren.filter(pl.col("oordeel").is_in([AFWIJKING, ONDER])).select("kenmerk", "groep").unique()
    gepubliceerd = {(s, k, g) for s, k, g in enkel.select("stap_nr", "kenmerk", "groep").iter_rows()}
    gepubliceerd |= {(s, k, g) for s, k, g in paren.join(bevinding, on=["kenmerk", "groep"], how="semi")
                     .select("stap_nr", "kenmerk", "groep").iter_rows()}  # every step: `per_stap` shows them
    gepubliceerd |= {(s, k, g) for s, k, g in verkend.select("stap_nr", "kenmerk", "groep").iter_rows()}
    totalen = {s: int(X) for s, X in enkel.select("stap_nr", "X").unique().iter_rows()}
    od = Onderdrukking(pl.concat([enkel, paren, drie], how="diagonal_relaxed"), gepubliceerd, totalen,
                       int(enkel["N"][0]) if enkel.height else None, grens)

    # root causes and the deviations derived from them, with the evidence for each root cause
    lijst, afgeleid = oorzaken.analyseer(alles, inst, inst["aandeel_intersecties"] / len(THEMAS))
    doc["oorzaken"] = _oorzaken_document(lijst, km, leden, factoren, inst, od, {s: nr for nr, s in namen.items()})
    doc["afwijkingen"] = _afwijkingen(alles, afgeleid, namen, od)
    doc["ondervertegenwoordiging"] = [
        {k: v for k, v in publiceerbaar(r, od).items()
         if k in ("stap_nr", "stap", "soort", "kenmerk", "groep", "ratio", "ci_laag", "ci_hoog", "p_gecorrigeerd",
                  "n", "x", "onderdrukt")}
        for r in alles.filter(pl.col("oordeel") == ONDER).sort("stap_nr", "soort", "kenmerk", "groep")
        .iter_rows(named=True)]
    doc["statistieken"] = [publiceerbaar(r, od) for r in enkel.with_columns(
        pl.col("stap_nr").replace_strict(namen, return_dtype=pl.Utf8).alias("stap")).drop("soort", "alfa_cel")
        .sort("stap_nr", "kenmerk", "n", descending=[False, False, True]).iter_rows(named=True)]
    doc["populatie"] = [{"kenmerk": r["kenmerk"], "groep": r["groep"], "n": od.toon_n(r["kenmerk"], r["groep"], r["n"]),
                         "aandeel": None if od.n_verborgen(r["kenmerk"], r["groep"]) else _rond(r["aandeel_populatie"])}
                        for r in enkel.filter(pl.col("stap_nr") == enkel["stap_nr"].min())
                        .sort("kenmerk", "n", descending=[False, True]).iter_rows(named=True)] if enkel.height else []
    doc["onderscheidend_vermogen"] = _vermogen(enkel, namen, inst, od)
    doc["intersecties"].update(
        getoetst=int(paren["getoetst"].sum()),
        bevindingen=[publiceerbaar(r, od) for r in alles.filter(
            (pl.col("soort") == "intersectie") & pl.col("oordeel").is_in([AFWIJKING, ONDER]))
            .sort("p_gecorrigeerd").drop("soort", "alfa_cel").iter_rows(named=True)])
    doc["verkenning"].update(
        stap=namen.get(laatste), getoetst=int(drie["getoetst"].sum()), alfa=inst["alfa_verkenning"] / len(THEMAS),
        bevindingen=[publiceerbaar(r, od) | {"stap": namen.get(laatste)}
                     for r in verkend.drop("soort", "alfa_cel").iter_rows(named=True)])
    pool = _gepoold(con, laatste, factoren, inst, doc, runs, pool_invoer, *(pool_families or [None, None]))

    vorige = _drift(con, peildatum, thema.id, inst)
    getoetst = enkel.filter(pl.col("getoetst"))
    nu = getoetst.select(
        pl.col("stap_nr").replace_strict(namen, return_dtype=pl.Utf8).alias("stap"), "kenmerk", "groep",
        pl.when(pl.Series([od.verborgen(c) for c in getoetst.select("stap_nr", "kenmerk", "groep").iter_rows()],
                          dtype=pl.Boolean)).then(None).otherwise(pl.col("ratio")).alias("ratio"), "oordeel")
    doc["drift"] = drift_reeksen(vorige, nu, peildatum, list(namen.values()))
    opslaan = pl.concat([alles.filter(pl.col("getoetst") | (pl.col("soort") == "kenmerk")),
                         drie.filter(pl.col("oordeel").is_in([AFWIJKING, ONDER])).with_columns(
                             pl.col("stap_nr").replace_strict(namen, return_dtype=pl.Utf8).alias("stap")),
                         pool.filter(pl.col("getoetst")) if pool.height else pool],
                        how="diagonal_relaxed")
    return _bewaar(con, peildatum, thema, doc, opslaan)


def drift_reeksen(vorige: pl.DataFrame, nu: pl.DataFrame, peildatum: date, volgorde: list[str]) -> list[dict]:
    """Per (stap, kenmerk, groep) tested now and in earlier audits (`vorige`: peildatum, stap, kenmerk, groep,
    ratio, oordeel) its series of ratios, oldest first, ending with this peildatum's; in funnel order
    (`volgorde`), then attribute and group: the same every time. All series in one grouped query and one pass
    to build them (at landelijk ~10 k series: a filter per series cost ~10 s a theme)."""
    if not vorige.height:
        return []
    sleutel = ["stap", "kenmerk", "groep"]
    huidig = nu.unique(subset=sleutel, keep="first", maintain_order=True)
    reeksen = (vorige.join(huidig.select(sleutel), on=sleutel, how="semi")
               .sort("peildatum", maintain_order=True)
               .group_by(sleutel, maintain_order=True).agg("peildatum", "ratio", "oordeel")
               .join(huidig.select(*sleutel, pl.col("ratio").alias("ratio_nu"), pl.col("oordeel").alias("oordeel_nu")),
                     on=sleutel, how="left", maintain_order="left"))
    uit = [{"stap": r["stap"], "kenmerk": r["kenmerk"], "groep": r["groep"], "reeks": [
        {"peildatum": p.isoformat(), "ratio": _rond(q), "oordeel": o}
        for p, q, o in zip(r["peildatum"], r["ratio"], r["oordeel"], strict=True)] + [
        {"peildatum": peildatum.isoformat(), "ratio": _rond(r["ratio_nu"]), "oordeel": r["oordeel_nu"]}]}
        for r in reeksen.iter_rows(named=True)]
    rang: dict[str, int] = {}
    for i, stap in enumerate(volgorde):
        rang.setdefault(stap, i)  # the first place of a step, as `list.index` gives it
    uit.sort(key=lambda r: (rang.get(r["stap"], len(volgorde)), r["kenmerk"], r["groep"]))
    return uit


KOLOMMEN = [("peildatum", "DATE"), ("thema", "VARCHAR"), ("soort", "VARCHAR"), ("stap_nr", "BIGINT"),
            ("stap", "VARCHAR"), ("kenmerk", "VARCHAR"), ("groep", "VARCHAR"), ("n_populatie", "BIGINT"),
            ("n_selectie", "BIGINT"), ("totaal_populatie", "BIGINT"), ("totaal_selectie", "BIGINT"),
            ("aandeel_populatie", "DOUBLE"), ("aandeel_selectie", "DOUBLE"), ("selectiegraad", "DOUBLE"),
            ("ratio", "DOUBLE"), ("ci_laag", "DOUBLE"), ("ci_hoog", "DOUBLE"), ("toets", "VARCHAR"), ("p", "DOUBLE"),
            ("p_gecorrigeerd", "DOUBLE"), ("oordeel", "VARCHAR"), ("ratio_stap", "DOUBLE"), ("p_stap", "DOUBLE"),
            ("kleinste_aantoonbare_ratio", "DOUBLE")]
OORDEEL_KOLOMMEN = [("peildatum", "DATE"), ("thema", "VARCHAR"), ("blokkerend", "BOOLEAN"), ("redenen", "VARCHAR"),
                    ("afwijkingen", "BIGINT"), ("verklaard", "BIGINT"), ("filter_versie", "VARCHAR"),
                    ("document", "VARCHAR")]


def _bewaar(con, peildatum: date, thema: Thema, doc: dict, cellen: pl.DataFrame) -> dict:
    """Store the cells and the computed document; the verdict is filled in by `herbeoordeel` (until then the
    stored audit blocks: fail closed)."""
    oordeel.beoordeel(doc, [], None, peildatum)  # a provisional verdict without any explanation
    sleutel = {"peildatum": peildatum, "thema": thema.id}
    frame = (cellen.with_columns(pl.lit(peildatum).alias("peildatum"), pl.lit(thema.id).alias("thema"))
             .rename({"n": "n_populatie", "x": "n_selectie", "N": "totaal_populatie", "X": "totaal_selectie"})
             .select([k for k, _ in KOLOMMEN]) if cellen.height else
             pl.DataFrame(schema={k: pl.Utf8 for k, _ in KOLOMMEN}).head(0))
    opslag.vervang(con, STATISTIEKEN, frame, sleutel, KOLOMMEN)
    _bewaar_oordeel(con, peildatum, thema.id, doc)
    return doc


def _bewaar_oordeel(con, peildatum: date, thema_id: str, doc: dict) -> None:
    o = doc["oordeel"]
    opslag.vervang(con, OORDELEN, pl.DataFrame([{
        "peildatum": peildatum, "thema": thema_id, "blokkerend": o["blokkerend"],
        "redenen": json.dumps(o["redenen"], ensure_ascii=False), "afwijkingen": o["afwijkingen"],
        "verklaard": o["verklaard"], "filter_versie": doc["filter_versie"] or "",
        "document": json.dumps(doc, ensure_ascii=False, default=str)}]), {"peildatum": peildatum, "thema": thema_id},
        OORDEEL_KOLOMMEN)


def laad(con, peildatum: date, thema: str | None = None) -> dict[str, dict]:
    """The stored audit documents of a peildatum, per theme."""
    if not opslag.bestaat_tabel(con, OORDELEN):
        return {}
    q = f"SELECT thema, document FROM {OORDELEN} WHERE peildatum = ?" + (" AND thema = ?" if thema else "")
    return {t: json.loads(d) for t, d in con.sql(q, params=[peildatum, thema] if thema else [peildatum]).fetchall()}
