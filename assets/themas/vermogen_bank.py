"""Thema vermogen_bank (IB): household assets above the vermogensgrens (art. 34 Participatiewet)."""
from __future__ import annotations

import polars as pl

from assets.themas.kader import (Invoer, ParameterFout, Thema, ThemaParameters, Uitkomst, huishouden, nl_datum,
                                 nl_euro, treffers)
from kern.configuratie import Model
from kern.sjablonen import nl_bedrag


class Vermogensgrens(Model):
    """Vermogensgrenzen art. 34 Participatiewet per 1 January; bevestigd: false = carried forward."""

    alleenstaande: float
    alleenstaande_ouder: float
    gehuwden: float
    bevestigd: bool


class Parameters(ThemaParameters):
    marge_euro: float
    vermogensgrenzen: dict[int | str, Vermogensgrens]


def regel(par: dict) -> str:
    q = par["vermogen_bank"]
    return ("Neem per rekening het nieuwste saldo (op of voor de peildatum) en tel de saldi van aanvrager en partner "
            "op; negatieve saldi zijn schulden en tellen negatief. Een signaal ontstaat wanneer dit vermogen de "
            "vermogensgrens voor de normcategorie van het dossier (per 1 januari van het jaar van de peildatum) met "
            f"meer dan de marge van {nl_bedrag(q['marge_euro'])} overschrijdt.")


def vermogensgrens(par: dict, jaar: int) -> dict:
    """The limits for a year; a year without an entry is an error, never a guess (domain.md)."""
    grenzen = par["vermogen_bank"]["vermogensgrenzen"]
    grens = grenzen.get(jaar, grenzen.get(str(jaar)))
    if grens is None:
        raise ParameterFout(f"vermogensgrens voor {jaar} ontbreekt in de parameters (vermogen_bank.vermogensgrenzen);"
                            f" de gemeente moet het bedrag vaststellen")
    return grens


def bereken(inv: Invoer, pop: pl.DataFrame, par: dict) -> Uitkomst:
    q, p = par["vermogen_bank"], inv.peildatum
    grens = vermogensgrens(par, p.year)
    bevestigd = bool(grens.get("bevestigd", False))
    saldi = huishouden(pop).lazy().join(
        inv.lees("ib", "vermogen", "bsn", "rekening_id", "soort", "land", "saldo_cent", "saldo_peildatum")
        .filter(pl.col("saldo_peildatum") <= p), on="bsn")
    # per account the newest balance; an account held jointly by applicant and partner counts once
    nieuwste = saldi.sort("saldo_peildatum", "bsn").group_by("dossier_id", "rekening_id").last()
    grenzen = pl.DataFrame({"normcategorie": ["alleenstaande", "alleenstaande_ouder", "gehuwden"],
                            "grens": [float(grens[k]) for k in ("alleenstaande", "alleenstaande_ouder", "gehuwden")]})
    nieuwste = nieuwste.collect()
    # summed in 128 bits: two balances near the 64-bit limit of a cent column would wrap around in Int64
    per_dossier = (nieuwste.lazy().group_by("dossier_id")
                   .agg((pl.col("saldo_cent").cast(pl.Int128).sum() / 100).alias("vermogen"))
                   .join(pop.lazy().select("dossier_id", "normcategorie"), on="dossier_id")
                   .join(grenzen.lazy(), on="normcategorie")
                   .with_columns((pl.col("vermogen") - pl.col("grens")).alias("overschrijding")))
    hits = per_dossier.filter(pl.col("overschrijding") > q["marge_euro"]).join(  # the facts, for the hits only
        nieuwste.lazy().group_by("dossier_id").agg(
            pl.struct("rekening_id", "soort", "land", (pl.col("saldo_cent") / 100).alias("saldo_euro"),
                      "saldo_peildatum", "rol").sort_by("rekening_id").alias("rekeningen")),
        on="dossier_id", how="left").collect()
    voorbehoud = ("" if bevestigd else f"; let op: de vermogensgrens voor {p.year} is nog niet bevestigd door de "
                                      f"gemeente (bedrag van een eerder jaar doorgetrokken)")  # one sentence
    rijen = [{
        "dossier_id": t["dossier_id"],
        "reden": (f"Het vermogen van aanvrager en partner is {nl_euro(t['vermogen'])} "
                  f"({len(t['rekeningen'])} rekening(en), nieuwste saldo per rekening); dat is "
                  f"{nl_euro(t['overschrijding'])} boven de vermogensgrens van {nl_euro(t['grens'])} voor "
                  f"{t['normcategorie'].replace('_', ' ')} per 1 januari {p.year} (marge {nl_euro(q['marge_euro'])})"
                  + voorbehoud + "."),
        "bewijs": {"vermogen_euro": t["vermogen"], "vermogensgrens_euro": t["grens"],
                   "grens_jaar": p.year, "grens_bevestigd": bevestigd, "marge_euro": q["marge_euro"],
                   "normcategorie": t["normcategorie"], "overschrijding_euro": t["overschrijding"],
                   "rekeningen": [{**r, "saldo_peildatum": nl_datum(r["saldo_peildatum"])} for r in t["rekeningen"]]},
        "prioriteit": round(float(t["overschrijding"]), 2),  # euros and cents, without float noise
        "onvolledig": None,
    } for t in hits.iter_rows(named=True)]
    return Uitkomst(
        stappen={"ib_gegevens": nieuwste.select("dossier_id").unique()},
        treffers=treffers(rijen),
        opmerkingen=[] if bevestigd else [f"vermogensgrens {p.year} niet bevestigd (doorgetrokken bedrag)"])


THEMA = Thema(
    id="vermogen_bank", titel="Vermogen: bank- en beleggingssaldi",
    doel="Signaleren van huishoudens met vermogen boven de vermogensgrens.",
    regel_van=regel, parameters=Parameters, prioriteit="De overschrijding van de vermogensgrens in euro's.",
    bronnen=("brp", "gemeente", "ib"),
    velden=("ib.vermogen.bsn", "ib.vermogen.rekening_id", "ib.vermogen.soort", "ib.vermogen.land",
            "ib.vermogen.saldo_cent", "ib.vermogen.saldo_peildatum"),
    stappen=(("ib_gegevens", "Aanvrager of partner heeft saldi in de IB-levering"),),
    bereken=bereken,
    lineage={"reden": ("ib.vermogen.saldo_cent", "ib.vermogen.saldo_peildatum", "gemeente.uitkeringen.normcategorie"),
             "bewijs": ("ib.vermogen.rekening_id", "ib.vermogen.soort", "ib.vermogen.land", "ib.vermogen.saldo_cent",
                        "ib.vermogen.saldo_peildatum", "gemeente.uitkeringen.normcategorie"),
             "prioriteit": ("ib.vermogen.saldo_cent", "gemeente.uitkeringen.normcategorie")},
    wettelijke_grondslag="Boven de vermogensgrens bestaat geen recht op bijstand (artikel 34 Participatiewet).",
    categorieen=("Sociale zekerheid",),
)
