"""The feedback loop and the plan's monitoring (Actielijn 5; domain.md, outputs.md § Monitoring): does each
theme's list find more than its control sample, do themes and other signals bring up the same dossiers,
and the plan's indicators per calendar year. Reads investigations, released lists and earlier runs;
writes `monitoring/rapport.json` and `.html` — counts and rates only, never a BSN or pseudonym."""
from __future__ import annotations

import calendar
import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import combinations
from pathlib import Path
from typing import Annotated

import polars as pl
from pydantic import Field

from assets import monitoring_statistiek as st
from assets import monitoring_weergave
from assets.themas.kader import Invoer
from assets.themas.register import THEMAS
from kern import opslag
from kern.configuratie import ConfiguratieFout, Model, laad

INSTELLINGEN = Path(__file__).with_name("monitoring.yaml")
HERKOMSTEN = ("themacontrole", "steekproef", "tip", "laa", "inkomstenverrekening", "overig")
# Origins whose investigations are "other signals" for a theme's list (a control sample is not a signal).
ANDERE_HERKOMSTEN = ("tip", "laa", "inkomstenverrekening", "overig")
VELDEN = ("gemeente.onderzoeken.herkomst", "gemeente.onderzoeken.vordering_cent", "gemeente.onderzoeken.boete_cent",
          "gemeente.onderzoeken.waarschuwing", "gemeente.onderzoeken.signaal_id")
NIET_MEETBAAR = ["1 onterecht verstrekte uitkeringen (<1%)", "3 nazorg", "6 toekenningen aan de poort"]
TRENDTABEL = "monitoring_trends"
TRENDKOLOMMEN = [("peildatum", "DATE"), ("thema", "VARCHAR"), ("status", "VARCHAR"), ("lijst", "BIGINT"),
                 ("trefkans_signalen", "DOUBLE"), ("trefkans_steekproef", "DOUBLE"), ("gemarkeerd", "BOOLEAN")]


class InstellingFout(ConfiguratieFout):
    """monitoring.yaml lacks a setting or holds a wrong value; never guessed."""


class Instellingen(Model):
    """The feedback loop's settings (kern.configuratie: typed, strict, one Dutch line per error). The defaults
    are those of monitoring.yaml; the file must still state every setting."""
    venster_maanden: Annotated[int, Field(ge=1)] = 24
    overlap_maanden: Annotated[int, Field(ge=1)] = 12
    minimum_afgerond: Annotated[int, Field(ge=1)] = 30
    alfa: Annotated[float, Field(gt=0, lt=1)] = 0.05
    onderdrukken_onder: Annotated[int, Field(ge=1)] = 10
    trend_runs: Annotated[int, Field(ge=1)] = 12


def laad_instellingen(pad: str | Path = INSTELLINGEN) -> Instellingen:
    inst = laad(Instellingen, pad, "monitoring-instellingen", InstellingFout)
    if ontbrekend := [k for k in Instellingen.model_fields if k not in inst.model_fields_set]:
        raise InstellingFout(f"monitoring-instellingen {pad}: mist {', '.join(ontbrekend)}")
    return inst


def maanden_terug(d: date, maanden: int) -> date:
    """The same day `maanden` months earlier (the month's last day when that day does not exist)."""
    j, m = divmod(d.year * 12 + d.month - 1 - maanden, 12)
    return date(j, m + 1, min(d.day, calendar.monthrange(j, m + 1)[1]))


def venster(peildatum: date, maanden: int) -> tuple[date, date]:
    """Investigations started in the last `maanden` months up to and including the peildatum."""
    return maanden_terug(peildatum, maanden) + timedelta(days=1), peildatum


# --- reading ----------------------------------------------------------------------------------------

def onderzoeken(con, peildatum: date) -> pl.DataFrame:
    """The investigations of the run's accepted municipal delivery (no BSN: it is never read), as they stood on
    the peildatum: one that starts after it is not counted, and one that ends after it was still running then
    (no outcome, claim, fine or warning yet), so that no report holds figures of a year still to come."""
    na = pl.col("datum_einde") > peildatum
    return (Invoer(con, peildatum, VELDEN).lees(
        "gemeente", "onderzoeken", "dossier_id", "herkomst", "thema", "datum_start", "datum_einde", "uitkomst",
        "vordering_cent", "boete_cent", "waarschuwing", "signaal_id")
        .filter(pl.col("datum_start").is_null() | (pl.col("datum_start") <= peildatum))
        .with_columns(pl.when(na).then(pl.lit("lopend")).otherwise(pl.col("uitkomst")).alias("uitkomst"),
                      *[pl.when(na).then(None).otherwise(pl.col(k)).alias(k)
                        for k in ("vordering_cent", "boete_cent", "waarschuwing", "datum_einde")])
        .collect())


def uitkeringseinde(con, peildatum: date) -> pl.DataFrame:
    """dossier_id, datum_einde of every benefit as it stood on the peildatum, like the investigations: an end date
    on or before the peildatum has happened; one after it is a planned end, so the benefit was still running then
    (datum_einde null) and no claim counts as 'bij beëindiging' for an end that has not come yet."""
    return (Invoer(con, peildatum, ()).lees("gemeente", "uitkeringen", "dossier_id", "datum_einde")
            .with_columns(pl.when(pl.col("datum_einde") > peildatum).then(None).otherwise(pl.col("datum_einde"))
                          .alias("datum_einde"))
            .collect())


def vrijgegeven_themas(con, peildatum: date) -> list[str]:
    """The themes whose list is released on this peildatum, an empty list included."""
    if not opslag.bestaat_tabel(con, "vrijgaven"):
        return []
    vrij = {r[0] for r in con.sql("SELECT thema FROM vrijgaven WHERE peildatum = ? AND status = 'vrijgegeven'",
                                  params=[peildatum]).fetchall()}
    return [t for t in THEMAS if t in vrij]


def vrijgegeven_lijsten(con, peildatum: date) -> pl.DataFrame:
    """thema, dossier_id of every released signal list of this peildatum."""
    if not (opslag.bestaat_tabel(con, "signalen") and opslag.bestaat_tabel(con, "vrijgaven")):
        return pl.DataFrame(schema={"thema": pl.Utf8, "dossier_id": pl.Utf8})
    return con.sql("SELECT DISTINCT s.thema, s.dossier_id FROM signalen s "
                   "JOIN vrijgaven v ON v.peildatum = s.peildatum "
                   "AND v.thema = s.thema AND v.status = 'vrijgegeven' WHERE s.peildatum = ? AND s.soort = 'signaal'",
                   params=[peildatum]).pl()


def quarantaine(con, peildatum: date) -> list[dict]:
    """Rows of onderzoeken.csv held back at ingestion, per reason: not counted anywhere in this report."""
    rij = opslag.eerste(con.sql("SELECT leverdatum FROM run_bronnen WHERE peildatum = ? AND bron = 'gemeente' "
                                "AND status = 'geaccepteerd'", params=[peildatum]))
    if rij is None:
        return []
    return [{"reden": r, "rijen": n} for r, n in con.sql(
        "SELECT reden, count(*) FROM quarantaine WHERE bron = 'gemeente' AND leverdatum = ? "
        "AND bestand = 'onderzoeken.csv' GROUP BY reden ORDER BY count(*) DESC, reden", params=[rij[0]]).fetchall()]


# --- 1. hit rate per theme ------------------------------------------------------------------------

def trefkansen(oz: pl.DataFrame, van: date, tot: date, inst: Instellingen) -> dict[str, dict]:
    """Per theme: its signals (herkomst themacontrole) against its control sample (herkomst steekproef)."""
    tellingen = (oz.filter(pl.col("datum_start").is_between(van, tot)
                           & pl.col("herkomst").is_in(["themacontrole", "steekproef"]))
                 .group_by("thema", "herkomst")
                 .agg(pl.len().alias("onderzocht"), (pl.col("uitkomst") != "lopend").sum().alias("afgerond"),
                      (pl.col("uitkomst") == "niet_naleving").sum().alias("niet_naleving"),
                      (pl.col("uitkomst") == "niet_meegewerkt").sum().alias("niet_meegewerkt")))
    per = {(r["thema"], r["herkomst"]): r for r in tellingen.iter_rows(named=True)}
    leeg = {"onderzocht": 0, "afgerond": 0, "niet_naleving": 0, "niet_meegewerkt": 0}

    def arm_van(thema: str, herkomst: str) -> dict:
        r = per.get((thema, herkomst), leeg)
        return st.arm(r["onderzocht"], r["afgerond"], r["niet_naleving"], r["niet_meegewerkt"])

    return {t: st.vergelijk(arm_van(t, "themacontrole"), arm_van(t, "steekproef"), inst.minimum_afgerond, inst.alfa)
            for t in THEMAS}


def herleidbaarheid(con, oz: pl.DataFrame, peildatum: date) -> dict:
    """domain.md: the feedback loop's input is onderzoeken.csv *and* the released lists and samples of earlier runs;
    extracts.md: an investigation's `signaal_id` is that of a released signal list or control sample. Per theme and
    arm (`themacontrole`, `steekproef`): the investigations that started on or after the first list this werkmap
    still holds (of earlier ones no list can be checked), and of those how many name no signal of a released list
    (a sample) of that theme for that dossier. They are counted in their arm all the same (domain.md defines the arms
    by origin and theme); the committee sees how far the registration can be traced back to the lists."""
    leeg = {"vanaf": None, "themas": {}}
    if not (opslag.bestaat_tabel(con, "signalen") and opslag.bestaat_tabel(con, "vrijgaven")):
        return leeg
    bekend = con.sql("SELECT DISTINCT s.signaal_id, s.thema, s.dossier_id, s.peildatum, "
                     "CASE s.soort WHEN 'signaal' THEN 'themacontrole' ELSE 'steekproef' END AS herkomst "
                     "FROM signalen s LEFT JOIN vrijgaven v ON v.peildatum = s.peildatum AND v.thema = s.thema "
                     "WHERE s.peildatum <= ? AND (s.soort = 'steekproef' OR v.status = 'vrijgegeven')",
                     params=[peildatum]).pl()
    if bekend.is_empty():
        return leeg
    vanaf = bekend["peildatum"].min()
    sleutel = ["signaal_id", "thema", "dossier_id", "herkomst"]
    per = {(t, h): (n, m) for t, h, n, m in (
        oz.filter(pl.col("herkomst").is_in(["themacontrole", "steekproef"]) & (pl.col("datum_start") >= vanaf))
        .join(bekend.select(sleutel).unique().with_columns(pl.lit(True).alias("bekend")), on=sleutel, how="left")
        .group_by("thema", "herkomst").agg(pl.len(), pl.col("bekend").is_null().sum()).iter_rows())}
    return {"vanaf": vanaf.isoformat(), "themas": {
        t: {h: dict(zip(("gecontroleerd", "niet_herleidbaar"), per.get((t, h), (0, 0))))
            for h in ("themacontrole", "steekproef")} for t in THEMAS}}


# --- 2. overlap -------------------------------------------------------------------------------------

@dataclass
class Overlap:
    paren: list[dict]                  # a, b, dossiers (exact)
    herkomst: list[dict]               # thema, andere_herkomst, dossiers (exact)
    combinaties: list[dict]            # themas (tuple), dossiers (exact): the UpSet columns
    lijsten: dict[str, int] = field(default_factory=dict)  # released theme -> list size

    def gepubliceerd(self, drempel: int) -> dict:
        return {"themas": [{**p, "dossiers": st.onderdruk(p["dossiers"], drempel)} for p in self.paren],
                "herkomst": [{**h, "dossiers": st.onderdruk(h["dossiers"], drempel)} for h in self.herkomst]}


def overlap(lijsten: pl.DataFrame, oz: pl.DataFrame, peildatum: date, inst: Instellingen,
            vrijgegeven: list[str] | None = None) -> Overlap:
    """`vrijgegeven`: the released themes (a released list without signals is a list of 0, paired like any
    other); by default the themes that have a row in `lijsten`."""
    met_lijst = {*lijsten["thema"], *(vrijgegeven or [])}
    vrij = [t for t in THEMAS if t in met_lijst]
    leden = {t: set(lijsten.filter(pl.col("thema") == t)["dossier_id"]) for t in vrij}
    paren = [{"a": a, "b": b, "dossiers": len(leden[a] & leden[b])} for a, b in combinations(vrij, 2)]
    van = maanden_terug(peildatum, inst.overlap_maanden)
    ander = (oz.filter(pl.col("herkomst").is_in(ANDERE_HERKOMSTEN) & (pl.col("datum_start") > van)
                       & (pl.col("datum_start") <= peildatum))
             .select("dossier_id", "herkomst").unique())
    per_herkomst = {h: set(ander.filter(pl.col("herkomst") == h)["dossier_id"]) for h in ANDERE_HERKOMSTEN}
    herkomst = [{"thema": t, "andere_herkomst": h, "dossiers": len(leden[t] & per_herkomst[h])}
                for t in vrij for h in ANDERE_HERKOMSTEN]
    combinaties = (lijsten.group_by("dossier_id").agg(pl.col("thema").unique().sort().alias("themas"))
                   .group_by("themas").agg(pl.len().alias("dossiers"))
                   .sort(["dossiers", "themas"], descending=[True, False]))
    return Overlap(paren, herkomst, [{"themas": tuple(r["themas"]), "dossiers": r["dossiers"]}
                                     for r in combinaties.iter_rows(named=True)],
                   {t: len(leden[t]) for t in vrij})


# --- 3. the plan's indicators per calendar year ----------------------------------------------------------

def indicatoren(oz: pl.DataFrame, uitkeringen: pl.DataFrame) -> dict[str, dict]:
    """Per calendar year: claims, fines and warnings by closing year; started by start year; closed,
    share niet_naleving and median lead time per origin by closing year (outputs.md). Both frames must be as
    they stood on the peildatum (`onderzoeken`, `uitkeringseinde`): nothing here looks at dates after it."""
    afgerond = oz.filter((pl.col("uitkomst") != "lopend") & pl.col("datum_einde").is_not_null()).with_columns(
        pl.col("datum_einde").dt.year().alias("jaar"),
        (pl.col("datum_einde") - pl.col("datum_start")).dt.total_days().alias("dagen"))
    einde = uitkeringen.filter(pl.col("datum_einde").is_not_null()).select(
        "dossier_id", pl.col("datum_einde").dt.year().alias("einde_jaar")).unique("dossier_id")
    gestart = {(j, h): n for j, h, n in oz.group_by(pl.col("datum_start").dt.year().alias("jaar"), "herkomst")
               .len().iter_rows()}
    per_jaar_herkomst = {(r["jaar"], r["herkomst"]): r for r in afgerond.group_by("jaar", "herkomst").agg(
        pl.len().alias("afgerond"), (pl.col("uitkomst") == "niet_naleving").sum().alias("niet_naleving"),
        pl.col("dagen").median().alias("mediaan")).iter_rows(named=True)}
    per_jaar = {r["jaar"]: r for r in afgerond.group_by("jaar").agg(
        (pl.col("boete_cent") > 0).sum().alias("boetes"),
        pl.col("waarschuwing").fill_null(False).sum().alias("waarschuwingen")).iter_rows(named=True)}
    vord = afgerond.filter(pl.col("vordering_cent") > 0).join(einde, on="dossier_id", how="left")
    claims = {j: (g["vordering_cent"] / 100).to_list() for (j,), g in vord.group_by("jaar")}
    bij_einde = dict(vord.filter(pl.col("einde_jaar") == pl.col("jaar")).group_by("jaar").len().iter_rows())
    uit = {}
    for jaar in sorted({j for j, _ in gestart} | set(per_jaar)):
        euro = sorted(claims.get(jaar, []))
        per_herkomst = {}
        for h in HERKOMSTEN:
            r = per_jaar_herkomst.get((jaar, h), {"afgerond": 0, "niet_naleving": 0, "mediaan": None})
            m = r["mediaan"]
            per_herkomst[h] = {
                "gestart": gestart.get((jaar, h), 0), "afgerond": r["afgerond"], "niet_naleving": r["niet_naleving"],
                "aandeel_niet_naleving": round(r["niet_naleving"] / r["afgerond"], 4) if r["afgerond"] else None,
                "doorlooptijd_mediaan_dagen": None if m is None else (int(m) if float(m).is_integer() else m)}
        kw = st.kwartielen(euro)
        j = per_jaar.get(jaar, {"boetes": 0, "waarschuwingen": 0})
        uit[str(jaar)] = {
            "vorderingen": {"aantal": len(euro), "totaal_euro": round(sum(euro), 2),
                            "gemiddeld_euro": round(sum(euro) / len(euro), 2) if euro else None,
                            "mediaan_euro": kw[1] if kw else None, "kwartielen_euro": kw,
                            "bij_beeindiging": bij_einde.get(jaar, 0)},
            "boetes": j["boetes"], "waarschuwingen": j["waarschuwingen"], "per_herkomst": per_herkomst}
    return uit


# --- 4. trends across runs ------------------------------------------------------------------------------

def _toonbaar(arm: dict, drempel: int) -> float | None:
    """An arm's hit rate for the trend (shown in the HTML only): none when its denominator is below the threshold,
    as in section 1 — 2 of 2 would show as 100% and give the counts away."""
    return arm["trefkans"] if arm["afgerond"] - arm["niet_meegewerkt"] >= drempel else None


def bewaar_trend(con, peildatum: date, themas: dict[str, dict], drempel: int) -> None:
    status = dict(con.sql("SELECT thema, status FROM vrijgaven WHERE peildatum = ?", params=[peildatum]).fetchall()) \
        if opslag.bestaat_tabel(con, "vrijgaven") else {}
    lijst = dict(con.sql("SELECT thema, signalen FROM vrijgaven WHERE peildatum = ?", params=[peildatum]).fetchall()) \
        if status else {}
    rijen = [{"peildatum": peildatum, "thema": t, "status": status.get(t, "niet_berekend"),
              "lijst": lijst.get(t) if status.get(t) == "vrijgegeven" else None,
              "trefkans_signalen": _toonbaar(d["signalen"], drempel),
              "trefkans_steekproef": _toonbaar(d["steekproef"], drempel),
              "gemarkeerd": d["gemarkeerd"]} for t, d in themas.items()]
    frame = pl.DataFrame(rijen, schema={"peildatum": pl.Date, "thema": pl.Utf8, "status": pl.Utf8, "lijst": pl.Int64,
                                        "trefkans_signalen": pl.Float64, "trefkans_steekproef": pl.Float64,
                                        "gemarkeerd": pl.Boolean})
    opslag.vervang(con, TRENDTABEL, frame, {"peildatum": peildatum}, TRENDKOLOMMEN)


def trends(con, peildatum: date, runs: int) -> list[dict]:
    """The last `runs` runs up to this peildatum, oldest first."""
    return con.sql(f"SELECT * FROM {TRENDTABEL} WHERE peildatum IN (SELECT DISTINCT peildatum FROM {TRENDTABEL} "
                   "WHERE peildatum <= ? ORDER BY peildatum DESC LIMIT ?) ORDER BY peildatum, thema",
                   params=[peildatum, runs]).pl().to_dicts()


# --- the whole -------------------------------------------------------------------------------------

@dataclass
class Monitoring:
    rapport: dict              # exactly outputs.md § Monitoring
    overlap: Overlap
    trends: list[dict]
    quarantaine: list[dict]
    instellingen: Instellingen
    # in the HTML only: rapport.json keeps exactly the shape of outputs.md (its schema admits no other key)
    herleidbaarheid: dict = field(default_factory=lambda: {"vanaf": None, "themas": {}})

    @property
    def gemarkeerd(self) -> list[str]:
        return [t for t, d in self.rapport["themas"].items() if d["gemarkeerd"]]


def bereken(con, peildatum: date, inst: Instellingen) -> Monitoring:
    """Compute everything for one peildatum and keep this run's trend row (a rerun replaces it)."""
    oz = onderzoeken(con, peildatum)
    van, tot = venster(peildatum, inst.venster_maanden)
    themas = trefkansen(oz, van, tot, inst)
    ov = overlap(vrijgegeven_lijsten(con, peildatum), oz, peildatum, inst, vrijgegeven_themas(con, peildatum))
    rapport = {"peildatum": peildatum.isoformat(), "venster": {"van": van.isoformat(), "tot_en_met": tot.isoformat()},
               "themas": themas, "overlap": ov.gepubliceerd(inst.onderdrukken_onder),
               "indicatoren": indicatoren(oz, uitkeringseinde(con, peildatum)), "niet_meetbaar": list(NIET_MEETBAAR)}
    bewaar_trend(con, peildatum, themas, inst.onderdrukken_onder)
    return Monitoring(rapport, ov, trends(con, peildatum, inst.trend_runs), quarantaine(con, peildatum), inst,
                      herleidbaarheid(con, oz, peildatum))


def schrijf(map_: Path, m: Monitoring) -> dict[str, Path]:
    """Write rapport.json and rapport.html, each via a temporary file so a reader never sees half a file."""
    map_.mkdir(parents=True, exist_ok=True)
    paden = {"json": map_ / "rapport.json", "html": map_ / "rapport.html"}
    inhoud = {"json": json.dumps(m.rapport, ensure_ascii=False, indent=2),
              "html": monitoring_weergave.html(m)}
    for soort, pad in paden.items():
        tijdelijk = pad.with_suffix(pad.suffix + ".tmp")
        tijdelijk.write_text(inhoud[soort], encoding="utf-8")
        tijdelijk.replace(pad)
    return paden


def verwijder(map_: Path) -> None:
    """No report from an earlier run of this peildatum stays behind when this run cannot make one."""
    for naam in ("rapport.json", "rapport.html"):
        (map_ / naam).unlink(missing_ok=True)

