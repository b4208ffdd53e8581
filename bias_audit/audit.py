"""The audit of one theme for one peildatum: statistics of every funnel step, deviations with the step
that causes them, explanations, the verdict, power, drift and an exploratory scan; stored in DuckDB
(`bias_statistieken`, `bias_oordelen`) and returned as the document behind bias/<thema>.json.

Nothing here holds a BSN or a pseudonym: cells are groups of dossiers, counts below the suppression
limit are published as "<10".
"""
from __future__ import annotations

import json
from datetime import date

import numpy as np
import polars as pl

from assets.themas import uitvoering
from assets.themas.kader import Thema
from assets.themas.register import THEMAS
from bias_audit import instellingen, kenmerken, statistiek, tellingen
from bias_audit import verklaringen as vk
from kern import opslag

STATISTIEKEN, OORDELEN = "bias_statistieken", "bias_oordelen"
AFWIJKING, ONDER, GEEN, NIET_GETOETST = "afwijking", "ondervertegenwoordiging", "geen", "niet getoetst"


def _p_gecorrigeerd(p: np.ndarray, gewicht: float) -> np.ndarray:
    """Holm within a family that holds `gewicht` of the run's alpha, scaled to compare with the run's alpha."""
    return np.minimum(1.0, statistiek.holm(p) / gewicht) if len(p) else p


def statistieken(cellen: pl.DataFrame, minimum: int, gewicht: float, inst: dict) -> pl.DataFrame:
    """Rates, ratios, intervals, tests and the corrected p of one family of cells (all steps >= 1)."""
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
    kleinste = statistiek.kleinste_ratio(n, X, N, inst["alfa_run"] * gewicht / m, inst["onderscheidend_vermogen"])
    with np.errstate(invalid="ignore", divide="ignore"):
        return cellen.with_columns(
            pl.Series("aandeel_populatie", n / N), pl.Series("aandeel_selectie", np.where(X > 0, x / X, np.nan)),
            pl.Series("selectiegraad", np.where(n > 0, x / n, np.nan)), pl.Series("ratio", r),
            pl.Series("ci_laag", laag), pl.Series("ci_hoog", hoog),
            pl.Series("toets", [str(t) if g else None for t, g in zip(naam, getoetst)], dtype=pl.Utf8),
            pl.Series("p", p), pl.Series("p_gecorrigeerd", pc), pl.Series("getoetst", getoetst),
            pl.Series("oordeel", oordeel),
            pl.Series("ratio_stap", statistiek.ratio(xc, xv, Xc, Xv)),
            pl.Series("p_stap", np.where((xv > 0) & (Xv > 0), p_stap, np.nan)),
            pl.Series("kleinste_aantoonbare_ratio", np.where(getoetst, kleinste, np.nan)),
        ).with_columns(pl.col(pl.Float64).fill_nan(None))


def toets_alle(leden: pl.DataFrame, km: pl.DataFrame, laatste: int, inst: dict
               ) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The three families of one theme: single attributes and intersections of two (blocking, sharing the
    theme's part of the run's alpha), and the exploratory three-attribute scan of the last step."""
    attrs = list(kenmerken.KENMERKEN)
    t = len(THEMAS)
    w_int = inst["aandeel_intersecties"]
    enkel = statistieken(tellingen.tel(leden, km, tellingen.combinaties(attrs, 1)), inst["minimum_groep"],
                         (1 - w_int) / t, inst).with_columns(pl.lit("kenmerk").alias("soort"))
    paren = statistieken(tellingen.tel(leden, km, tellingen.combinaties(attrs, 2)), inst["minimum_intersectie"],
                         w_int / t, inst).with_columns(pl.lit("intersectie").alias("soort"))
    drie = statistieken(tellingen.tel(leden, km, tellingen.combinaties(attrs, 3), [laatste]),
                        inst["minimum_verkenning"], inst["alfa_verkenning"] / inst["alfa_run"] / t, inst) \
        .with_columns(pl.lit("verkenning").alias("soort"))
    return enkel, paren, drie


def _onderdruk(waarde, grens: int):
    return None if waarde is None else (int(waarde) if waarde >= grens else f"<{grens}")


def _rond(v, cijfers: int = 4):
    if v is None:
        return None
    if isinstance(v, float):
        if np.isinf(v):
            return None
        return float(f"{v:.{cijfers}g}")
    return v


def publiceerbaar(rij: dict, grens: int) -> dict:
    """A cell for a published table: counts below `grens` suppressed, and the shares that would reveal them."""
    klein_n, klein_x = rij["n"] < grens, rij["x"] < grens
    uit = {k: _rond(v) for k, v in rij.items() if k not in ("x_vorig", "x_cond", "X_vorig", "X_cond", "N", "X")}
    uit["n"], uit["x"] = _onderdruk(rij["n"], grens), _onderdruk(rij["x"], grens)
    if klein_n:
        uit["aandeel_populatie"] = None
    if klein_x:
        uit["aandeel_selectie"] = uit["selectiegraad"] = None
    return uit


def _reden(thema: Thema, a: dict) -> str:
    return (f"bias-afwijking in {thema.id}, stap {a['stap']} ({a['stap_nr']}), kenmerk {a['kenmerk']}, groep "
            f"{a['groep']}: ratio {a['ratio']:.2f} (95%-BI {a['ci_laag']:.2f}-{a['ci_hoog']:.2f}), gecorrigeerde "
            f"p = {a['p_gecorrigeerd']:.2g}; ontstaat in stap {a['eerste_stap']}; geen geldige verklaring "
            f"in het verklaringenregister")


def _oorzaak(rijen: pl.DataFrame, a: dict, namen: dict[int, str]) -> dict:
    """For a deviation at step k: the first step where the group is over-selected against the population,
    and the step (1..k) that, against its previous step, lets the group through most disproportionately."""
    reeks = rijen.filter((pl.col("kenmerk") == a["kenmerk"]) & (pl.col("groep") == a["groep"])
                         & (pl.col("stap_nr") <= a["stap_nr"])).sort("stap_nr")
    eerste = reeks.filter(pl.col("oordeel") == AFWIJKING)["stap_nr"].min()
    sterkst = reeks.filter(pl.col("ratio_stap").is_not_null()).sort("ratio_stap", descending=True).head(1)
    s = sterkst.row(0, named=True) if sterkst.height else None
    return {"eerste_stap": namen[eerste], "eerste_stap_nr": eerste,
            "sterkste_stap": s and namen[s["stap_nr"]], "sterkste_stap_ratio": s and _rond(s["ratio_stap"]),
            "sterkste_stap_p": s and _rond(s["p_stap"]),
            "per_stap": [{"stap": namen[r["stap_nr"]], "ratio": _rond(r["ratio"]), "ratio_stap": _rond(r["ratio_stap"])}
                         for r in reeks.iter_rows(named=True)]}


def _drift(con, peildatum: date, thema: str, inst: dict) -> pl.DataFrame:
    if not opslag.bestaat_tabel(con, STATISTIEKEN):
        return pl.DataFrame()
    return con.sql(f"SELECT peildatum, stap, kenmerk, groep, ratio, oordeel FROM {STATISTIEKEN} "
                   "WHERE thema = ? AND soort = 'kenmerk' AND peildatum < ? AND peildatum IN ("
                   f"  SELECT DISTINCT peildatum FROM {STATISTIEKEN} WHERE thema = ? AND peildatum < ? "
                   "  ORDER BY peildatum DESC LIMIT ?) ORDER BY peildatum",
                   params=[thema, peildatum, thema, peildatum, inst["drift_runs"]]).pl()


def _leeg_document(thema: Thema, peildatum: date, inst: dict) -> dict:
    return {"thema": thema.id, "titel": thema.titel, "doel": thema.doel, "regel": thema.regel,
            "peildatum": peildatum.isoformat(), "filter_versie": None, "berekend": False,
            "methode": methode(inst), "trechter": [], "oordeel": {"blokkerend": True, "redenen": []},
            "afwijkingen": [], "ondervertegenwoordiging": [], "statistieken": [], "onderscheidend_vermogen": [],
            "intersecties": {"minimum": inst["minimum_intersectie"], "getoetst": 0, "bevindingen": []},
            "verkenning": {"minimum": inst["minimum_verkenning"], "getoetst": 0, "bevindingen": []},
            "drift": [], "verklaringen": {"van_kracht": [], "verlopen": [], "fout": None},
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
    }


def voer_uit(con, peildatum: date, thema: Thema, verklaringen_pad: str, inst: dict | None = None) -> dict:
    """Audit one theme; store statistics and verdict; return the (publishable) document."""
    inst = inst or instellingen.laad()
    doc = _leeg_document(thema, peildatum, inst)
    redenen: list[str] = []
    try:
        alle = vk.lees(verklaringen_pad)
    except vk.VerklaringenFout as fout:
        alle = []
        doc["verklaringen"]["fout"] = str(fout)
        redenen.append(f"bias-audit {thema.id}: verklaringenregister ongeldig, daarom blokkeert de audit elk "
                       f"thema: {fout}")
    van_kracht = [v for v in alle if v.thema == thema.id and v.geldig_op(peildatum)]
    doc["verklaringen"]["van_kracht"] = [v.als_dict() for v in van_kracht]
    doc["verklaringen"]["verlopen"] = [v.als_dict() for v in alle if v.thema == thema.id and not v.geldig_op(peildatum)]

    uitkomst = uitvoering.laad_uitkomst(con, peildatum, thema.id)
    if uitkomst is None or not uitkomst.berekend:
        return _bewaar(con, peildatum, thema, doc, redenen + [
            f"bias-audit {thema.id}: geen trechter om te toetsen (thema niet berekend"
            + (f": {uitkomst.reden})" if uitkomst and uitkomst.reden else ")")], pl.DataFrame())
    doc["filter_versie"], doc["berekend"] = uitkomst.filter_versie, True
    try:
        km = kenmerken.bouw(con, peildatum, inst)
    except kenmerken.AuditNietMogelijk as fout:
        return _bewaar(con, peildatum, thema, doc, redenen + [f"bias-audit {thema.id}: niet uit te voeren: {fout}"],
                       pl.DataFrame())
    leden = con.sql("SELECT dossier_id, stap_nr FROM funnel_leden WHERE peildatum = ? AND thema = ?",
                    params=[peildatum, thema.id]).pl().with_columns(pl.col("stap_nr").cast(pl.Int64))
    stappen = con.sql("SELECT stap_nr, stap, omschrijving, aantal FROM funnel_stappen WHERE peildatum = ? AND "
                      "thema = ? ORDER BY stap_nr", params=[peildatum, thema.id]).fetchall()
    namen = {nr: s for nr, s, _, _ in stappen}
    grens = inst["onderdrukken_onder"]
    doc["trechter"] = [{"stap_nr": nr, "stap": s, "omschrijving": o, "aantal": _onderdruk(a, grens)}
                       for nr, s, o, a in stappen]

    laatste = max(namen) if namen else 0
    enkel, paren, drie = toets_alle(leden, km, laatste, inst)
    alles = pl.concat([enkel, paren], how="vertical_relaxed").with_columns(
        pl.col("stap_nr").replace_strict(namen, return_dtype=pl.Utf8).alias("stap"))

    # deviations: cause, explanation, verdict
    for rij in alles.filter(pl.col("oordeel") == AFWIJKING).sort("stap_nr", "soort", "kenmerk", "groep") \
            .iter_rows(named=True):
        a = {k: _rond(rij[k]) for k in ("stap_nr", "stap", "soort", "kenmerk", "groep", "ratio", "ci_laag", "ci_hoog",
                                        "p", "p_gecorrigeerd", "toets", "ratio_stap", "p_stap")}
        a.update(n=_onderdruk(rij["n"], grens), x=_onderdruk(rij["x"], grens), **_oorzaak(alles, rij, namen))
        v = vk.zoek(van_kracht, thema.id, rij["stap"], rij["kenmerk"], rij["groep"])
        a["status"] = "verklaard" if v else "niet verklaard"
        a["verklaring"] = v.als_dict() if v else None
        doc["afwijkingen"].append(a)
        if not v:
            redenen.append(_reden(thema, {**a, "ratio": rij["ratio"], "ci_laag": rij["ci_laag"],
                                          "ci_hoog": rij["ci_hoog"], "p_gecorrigeerd": rij["p_gecorrigeerd"]}))
    doc["ondervertegenwoordiging"] = [
        {k: _rond(r[k]) for k in ("stap_nr", "stap", "soort", "kenmerk", "groep", "ratio", "ci_laag", "ci_hoog",
                                  "p_gecorrigeerd")} | {"n": _onderdruk(r["n"], grens), "x": _onderdruk(r["x"], grens)}
        for r in alles.filter(pl.col("oordeel") == ONDER).sort("stap_nr", "soort", "kenmerk", "groep")
        .iter_rows(named=True)]
    doc["statistieken"] = [publiceerbaar(r, grens) for r in enkel.with_columns(
        pl.col("stap_nr").replace_strict(namen, return_dtype=pl.Utf8).alias("stap")).drop("soort")
        .sort("stap_nr", "kenmerk", "n", descending=[False, False, True]).iter_rows(named=True)]
    doc["populatie"] = [{"kenmerk": r["kenmerk"], "groep": r["groep"], "n": _onderdruk(r["n"], grens),
                         "aandeel": _rond(r["aandeel_populatie"]) if r["n"] >= grens else None}
                        for r in enkel.filter(pl.col("stap_nr") == enkel["stap_nr"].min())
                        .sort("kenmerk", "n", descending=[False, True]).iter_rows(named=True)] if enkel.height else []
    doc["onderscheidend_vermogen"] = [
        {"stap": namen[r["stap_nr"]], "stap_nr": r["stap_nr"], "kenmerk": r["kenmerk"],
         "groepen_getoetst": r["groepen"], "beste": _rond(r["beste"]), "slechtste": _rond(r["slechtste"]),
         "niet_aantoonbaar": r["niet"]}
        for r in enkel.filter(pl.col("getoetst")).group_by("stap_nr", "kenmerk").agg(
            pl.len().alias("groepen"),
            pl.col("kleinste_aantoonbare_ratio").filter(pl.col("kleinste_aantoonbare_ratio").is_finite()).min()
            .alias("beste"),
            pl.col("kleinste_aantoonbare_ratio").filter(pl.col("kleinste_aantoonbare_ratio").is_finite()).max()
            .alias("slechtste"),
            pl.col("kleinste_aantoonbare_ratio").is_infinite().sum().alias("niet"))
        .sort("stap_nr", "kenmerk").iter_rows(named=True)]
    doc["intersecties"].update(
        getoetst=int(paren["getoetst"].sum()),
        bevindingen=[publiceerbaar(r, grens) for r in alles.filter(
            (pl.col("soort") == "intersectie") & pl.col("oordeel").is_in([AFWIJKING, ONDER]))
            .sort("p_gecorrigeerd").drop("soort").iter_rows(named=True)])
    doc["verkenning"].update(
        stap=namen.get(laatste), getoetst=int(drie["getoetst"].sum()), alfa=inst["alfa_verkenning"] / len(THEMAS),
        bevindingen=[publiceerbaar(r, grens) | {"stap": namen.get(laatste)} for r in drie.filter(
            pl.col("oordeel").is_in([AFWIJKING, ONDER])).sort("p_gecorrigeerd").head(25).drop("soort")
            .iter_rows(named=True)])

    vorige = _drift(con, peildatum, thema.id, inst)
    nu = enkel.filter(pl.col("getoetst")).select(
        pl.col("stap_nr").replace_strict(namen, return_dtype=pl.Utf8).alias("stap"), "kenmerk", "groep", "ratio", "oordeel")
    if vorige.height:
        reeksen = vorige.join(nu.select("stap", "kenmerk", "groep"), on=["stap", "kenmerk", "groep"], how="semi")
        for (stap, km_, groep), deel in reeksen.group_by("stap", "kenmerk", "groep", maintain_order=True):
            huidig = nu.filter((pl.col("stap") == stap) & (pl.col("kenmerk") == km_) & (pl.col("groep") == groep))
            doc["drift"].append({"stap": stap, "kenmerk": km_, "groep": groep, "reeks": [
                {"peildatum": r["peildatum"].isoformat(), "ratio": _rond(r["ratio"]), "oordeel": r["oordeel"]}
                for r in deel.sort("peildatum").iter_rows(named=True)] + [
                {"peildatum": peildatum.isoformat(), "ratio": _rond(huidig["ratio"][0]), "oordeel": huidig["oordeel"][0]}]})
    opslaan = pl.concat([alles.filter(pl.col("getoetst") | (pl.col("soort") == "kenmerk")),
                         drie.filter(pl.col("oordeel").is_in([AFWIJKING, ONDER])).with_columns(
                             pl.col("stap_nr").replace_strict(namen, return_dtype=pl.Utf8).alias("stap"))],
                        how="diagonal_relaxed")
    return _bewaar(con, peildatum, thema, doc, redenen, opslaan)


def _bewaar(con, peildatum: date, thema: Thema, doc: dict, redenen: list[str], cellen: pl.DataFrame) -> dict:
    doc["oordeel"] = {"blokkerend": bool(redenen), "redenen": redenen,
                      "afwijkingen": len(doc["afwijkingen"]),
                      "verklaard": sum(a["status"] == "verklaard" for a in doc["afwijkingen"]),
                      "ondervertegenwoordiging": len(doc["ondervertegenwoordiging"])}
    sleutel = {"peildatum": peildatum, "thema": thema.id}
    kolommen = [("peildatum", "DATE"), ("thema", "VARCHAR"), ("soort", "VARCHAR"), ("stap_nr", "BIGINT"),
                ("stap", "VARCHAR"), ("kenmerk", "VARCHAR"), ("groep", "VARCHAR"), ("n_populatie", "BIGINT"),
                ("n_selectie", "BIGINT"), ("totaal_populatie", "BIGINT"), ("totaal_selectie", "BIGINT"), ("aandeel_populatie", "DOUBLE"), ("aandeel_selectie", "DOUBLE"),
                ("selectiegraad", "DOUBLE"), ("ratio", "DOUBLE"), ("ci_laag", "DOUBLE"), ("ci_hoog", "DOUBLE"),
                ("toets", "VARCHAR"), ("p", "DOUBLE"), ("p_gecorrigeerd", "DOUBLE"), ("oordeel", "VARCHAR"),
                ("ratio_stap", "DOUBLE"), ("p_stap", "DOUBLE"), ("kleinste_aantoonbare_ratio", "DOUBLE")]
    frame = (cellen.with_columns(pl.lit(peildatum).alias("peildatum"), pl.lit(thema.id).alias("thema"))
             .rename({"n": "n_populatie", "x": "n_selectie", "N": "totaal_populatie", "X": "totaal_selectie"})
             .select([k for k, _ in kolommen]) if cellen.height else
             pl.DataFrame(schema={k: pl.Utf8 for k, _ in kolommen}).head(0))
    opslag.vervang(con, STATISTIEKEN, frame, sleutel, kolommen)
    opslag.vervang(con, OORDELEN, pl.DataFrame([{
        "peildatum": peildatum, "thema": thema.id, "blokkerend": bool(redenen),
        "redenen": json.dumps(redenen, ensure_ascii=False), "afwijkingen": doc["oordeel"]["afwijkingen"],
        "verklaard": doc["oordeel"]["verklaard"], "filter_versie": doc["filter_versie"] or "",
        "document": json.dumps(doc, ensure_ascii=False, default=str)}]), sleutel,
        [("peildatum", "DATE"), ("thema", "VARCHAR"), ("blokkerend", "BOOLEAN"), ("redenen", "VARCHAR"),
         ("afwijkingen", "BIGINT"), ("verklaard", "BIGINT"), ("filter_versie", "VARCHAR"), ("document", "VARCHAR")])
    return doc


def laad(con, peildatum: date, thema: str | None = None) -> dict[str, dict]:
    """The stored audit documents of a peildatum, per theme."""
    if not opslag.bestaat_tabel(con, OORDELEN):
        return {}
    q = f"SELECT thema, document FROM {OORDELEN} WHERE peildatum = ?" + (" AND thema = ?" if thema else "")
    return {t: json.loads(d) for t, d in con.sql(q, params=[peildatum, thema] if thema else [peildatum]).fetchall()}
