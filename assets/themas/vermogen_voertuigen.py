"""Thema vermogen_voertuigen (RDW): possible trading in vehicles (income) or undeclared assets."""
from __future__ import annotations

import polars as pl

from assets.themas.kader import Invoer, Thema, ThemaParameters, Uitkomst, huishouden, nl_datum, nl_euro, treffers
from kern.sjablonen import nl_opsomming


class Parameters(ThemaParameters):
    venster_maanden: int
    minimum_voertuigen: int
    voertuigsoorten: list[str]


def regel(par: dict) -> str:
    q = par["vermogen_voertuigen"]
    return (f"Tel per huishouden (aanvrager en partner) de verschillende kentekens van voertuigsoort "
            f"{nl_opsomming(q['voertuigsoorten'])} waarvan de tenaamstelling op naam van aanvrager of partner is "
            f"begonnen in de {q['venster_maanden']} maanden tot en met de peildatum. Een signaal ontstaat bij "
            f"{q['minimum_voertuigen']} of meer voertuigen. Meerdere tenaamstellingen van hetzelfde kenteken tellen "
            "als één voertuig.")


def bereken(inv: Invoer, pop: pl.DataFrame, par: dict) -> Uitkomst:
    q, p = par["vermogen_voertuigen"], inv.peildatum
    van = pl.lit(p).dt.offset_by(f"-{q['venster_maanden']}mo")
    registraties = huishouden(pop).lazy().join(
        inv.lees("rdw", "tenaamstellingen", "kenteken", "bsn", "datum_aanvang_tenaamstelling_vroegst",
                 "voertuigsoort", "merk", "catalogusprijs"), on="bsn")
    nieuw = registraties.filter(
        pl.col("voertuigsoort").is_in(q["voertuigsoorten"])
        & (pl.col("datum_aanvang_tenaamstelling_vroegst") > van)
        & (pl.col("datum_aanvang_tenaamstelling_vroegst") <= p))
    per_voertuig = nieuw.group_by("dossier_id", "kenteken").agg(
        pl.col("datum_aanvang_tenaamstelling_vroegst").min().alias("aanvang"),
        pl.col("voertuigsoort").first(), pl.col("merk").first(), pl.col("catalogusprijs").max(),
        pl.col("rol").unique().sort().str.join("/").alias("op_naam_van"))
    per_dossier = per_voertuig.group_by("dossier_id").agg(
        pl.len().alias("aantal"),  # the sum in 128 bits: prices near the 64-bit limit would wrap around in Int64
        pl.col("catalogusprijs").cast(pl.Int128).sum().alias("som"),
        pl.struct("kenteken", "voertuigsoort", "merk", "aanvang", "catalogusprijs", "op_naam_van")
        .sort_by("aanvang", "kenteken").alias("voertuigen"))
    hits = per_dossier.filter(pl.col("aantal") >= q["minimum_voertuigen"]).collect()
    van_datum = pl.select(van).item()
    rijen = []
    for t in hits.iter_rows(named=True):
        lijst = ", ".join(f"{v['kenteken']} ({v['voertuigsoort'].lower()}, {nl_datum(v['aanvang'])})"
                          for v in t["voertuigen"])
        # an unknown catalogusprijs is no price of 0: the sum says whose prices it holds
        onbekend = sum(v["catalogusprijs"] is None for v in t["voertuigen"])
        prijs = ("catalogusprijs van geen van deze voertuigen bekend" if onbekend == t["aantal"] else
                 f"samen catalogusprijs {nl_euro(t['som'] or 0)}")
        rijen.append({
            "dossier_id": t["dossier_id"],
            "reden": (f"In de {q['venster_maanden']} maanden tot en met {nl_datum(p)} zijn {t['aantal']} "
                      f"voertuigen op naam van aanvrager of partner gesteld: {lijst}; {prijs}."),
            "bewijs": {"aantal_voertuigen": t["aantal"], "som_catalogusprijs_euro": t["som"] or 0,
                       "catalogusprijs_onbekend": onbekend,
                       "venster": {"van_exclusief": str(van_datum), "tot_en_met": str(p)},
                       "voertuigen": [{**v, "aanvang": str(v["aanvang"])} for v in t["voertuigen"]]},
            # the count first, then the sum of catalogusprijs (as a fraction below 1)
            "prioriteit": t["aantal"] + min(t["som"] or 0, 999_999_999) / 1e9,
            "onvolledig": (f"van {onbekend} van de {t['aantal']} voertuigen is de catalogusprijs niet geleverd; de som "
                           "telt alleen de bekende prijzen") if 0 < onbekend < t["aantal"] else None,
        })
    return Uitkomst(
        stappen={"rdw_gegevens": registraties.select("dossier_id").unique().collect()},
        treffers=treffers(rijen))


THEMA = Thema(
    id="vermogen_voertuigen", titel="Vermogen: voertuigen",
    doel="Signaleren van mogelijke handel in voertuigen (inkomsten) of niet-opgegeven vermogen.",
    regel_van=regel, parameters=Parameters,
    prioriteit="Eerst het aantal voertuigen, dan de som van de catalogusprijzen.",
    bronnen=("brp", "gemeente", "rdw"),
    velden=("rdw.tenaamstellingen.kenteken", "rdw.tenaamstellingen.bsn",
            "rdw.tenaamstellingen.datum_aanvang_tenaamstelling", "rdw.tenaamstellingen.voertuigsoort",
            "rdw.tenaamstellingen.merk", "rdw.tenaamstellingen.catalogusprijs"),
    stappen=(("rdw_gegevens", "Aanvrager of partner komt voor in de RDW-tenaamstellingen"),),
    bereken=bereken,
    lineage={"reden": ("rdw.tenaamstellingen.kenteken", "rdw.tenaamstellingen.voertuigsoort",
                       "rdw.tenaamstellingen.datum_aanvang_tenaamstelling", "rdw.tenaamstellingen.catalogusprijs"),
             "bewijs": ("rdw.tenaamstellingen.kenteken", "rdw.tenaamstellingen.voertuigsoort",
                        "rdw.tenaamstellingen.merk", "rdw.tenaamstellingen.datum_aanvang_tenaamstelling",
                        "rdw.tenaamstellingen.catalogusprijs"),
             "prioriteit": ("rdw.tenaamstellingen.kenteken", "rdw.tenaamstellingen.catalogusprijs")},
    wettelijke_grondslag="Vermogen en inkomsten tellen mee voor het recht op bijstand (artikelen 31 en 34 "
                         "Participatiewet).",
    categorieen=("Sociale zekerheid",),
)
