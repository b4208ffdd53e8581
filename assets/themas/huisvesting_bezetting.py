"""Thema huisvesting_bezetting (BRP/BAG): possibly fictitious registration at an address."""
from __future__ import annotations

from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

import polars as pl

from assets.themas import wonen
from assets.themas.kader import Invoer, Thema, ThemaParameters, Uitkomst, huishouden, nl_getal, treffers


class Parameters(ThemaParameters):
    max_personen: int
    min_m2_per_persoon: float
    status_buiten_gebruik: str
    vereist_gebruiksdoel: str


def getoond(waarde: float, decimalen: int, minimum: float) -> float:
    """m² per person as shown: rounded half up (6,25 -> 6,3), but a value below the minimum never reads as the
    minimum itself: 251 m² for 21 persons is 11,952 m² each, and '12,0' beside 'minder dan 12 m² per persoon'
    contradicts itself, so it is rounded down (11,9). Decimal of the float's shortest repr: 6.25 is 6.25."""
    stap = Decimal(1).scaleb(-decimalen)
    d = Decimal(repr(float(waarde)))
    afgerond = d.quantize(stap, rounding=ROUND_HALF_UP)
    if d < Decimal(repr(float(minimum))) <= afgerond:
        afgerond = d.quantize(stap, rounding=ROUND_FLOOR)
    return float(afgerond)


def regel(par: dict) -> str:
    q = par["huisvesting_bezetting"]
    return ("Bekijk elk adres waar aanvrager of partner op de peildatum een woonadres heeft. Een signaal ontstaat "
            f"wanneer daar {q['max_personen']} of meer personen met een actueel woonadres staan ingeschreven, of "
            f"het adres minder dan {nl_getal(q['min_m2_per_persoon'], 1)} m² per ingeschreven persoon heeft, of de "
            f"status '{q['status_buiten_gebruik']}' is, of het gebruiksdoel geen {q['vereist_gebruiksdoel']} bevat. "
            "Eén signaal per dossier; de reden noemt welke voorwaarden gelden.")


def bereken(inv: Invoer, pop: pl.DataFrame, par: dict) -> Uitkomst:
    q = par["huisvesting_bezetting"]
    hh = huishouden(pop)
    eigen, woon = wonen.bewoners(inv, hh["bsn"])
    bewoners = woon.lazy().group_by("adres_id").agg(pl.len().alias("personen"),
                                                    pl.col("adres_onvolledig").sum().alias("onvolledig"))
    adressen = inv.lees("brp", "adressen", "adres_id", "postcode", "huisnummer", "huisletter", "huisnummertoevoeging",
                        "woonplaats", "gebruiksdoel", "oppervlakte_m2", "status", binnen={"adres_id": eigen["adres_id"]})
    dossier_adressen = (hh.lazy().join(eigen.lazy().select("bsn", "adres_id"), on="bsn")
                        .group_by("dossier_id", "adres_id").agg(pl.col("rol").unique().sort().str.join("/")))
    feiten = (dossier_adressen.join(bewoners, on="adres_id").join(adressen, on="adres_id")
              .with_columns((pl.col("oppervlakte_m2") / pl.col("personen")).alias("m2_per_persoon"))
              .with_columns(
                  (pl.col("personen") >= q["max_personen"]).alias("te_veel_personen"),
                  (pl.col("m2_per_persoon") < q["min_m2_per_persoon"]).alias("te_klein"),
                  (pl.col("status") == q["status_buiten_gebruik"]).alias("buiten_gebruik"),
                  (~pl.col("gebruiksdoel").str.split("|").list.contains(q["vereist_gebruiksdoel"]))
                  .alias("geen_woonfunctie"))
              .with_columns(pl.any_horizontal("te_veel_personen", "te_klein", "buiten_gebruik", "geen_woonfunctie")
                            .alias("treffer"))
              .collect())
    rijen = []
    for (dossier_id,), groep in feiten.filter(pl.col("treffer")).sort("dossier_id", "adres_id") \
            .group_by("dossier_id", maintain_order=True):
        zinnen, adresfeiten, onvolledig = [], [], 0
        for a in groep.iter_rows(named=True):
            voorwaarden = [t for t, hit in (
                (f"{q['max_personen']} of meer personen ingeschreven", a["te_veel_personen"]),
                (f"minder dan {nl_getal(q['min_m2_per_persoon'], 1)} m² per persoon", a["te_klein"]),
                (f"status '{q['status_buiten_gebruik']}'", a["buiten_gebruik"]),
                (f"gebruiksdoel zonder {q['vereist_gebruiksdoel']} ({a['gebruiksdoel']})", a["geen_woonfunctie"]),
            ) if hit]
            adres = wonen.adresregel(a["postcode"], a["huisnummer"], a["huisletter"], a["huisnummertoevoeging"],
                                     a["woonplaats"])
            zinnen.append(f"op het woonadres {adres} van de {a['rol']} staan {a['personen']} personen ingeschreven "
                          f"op {a['oppervlakte_m2']} m² "
                          f"({nl_getal(getoond(a['m2_per_persoon'], 1, q['min_m2_per_persoon']), 1)} m² per persoon); "
                          "van toepassing: "
                          + "; ".join(voorwaarden))
            onvolledig += a["onvolledig"]
            adresfeiten.append({k: a[k] for k in ("adres_id", "postcode", "huisnummer", "huisletter",
                                                  "huisnummertoevoeging", "woonplaats", "personen", "oppervlakte_m2",
                                                  "status", "gebruiksdoel")}
                               | {"m2_per_persoon": getoond(a["m2_per_persoon"], 2, q["min_m2_per_persoon"]), "voorwaarden": voorwaarden})
        rijen.append({
            "dossier_id": dossier_id,
            "reden": "Mogelijk fictieve inschrijving: " + "; en ".join(zinnen) + ".",
            "bewijs": {"adressen": adresfeiten},
            "prioriteit": float(max(10 * a["personen"] / a["oppervlakte_m2"] for a in groep.iter_rows(named=True))),
            "onvolledig": (f"bij {onvolledig} ingeschreven persoon/personen is de datum van inschrijving of vertrek "
                           "onvolledig bekend; alleen wie zeker op de peildatum was ingeschreven is geteld")
            if onvolledig else None,
        })
    return Uitkomst(stappen={"woonadres_bekend": dossier_adressen.select("dossier_id").unique().collect()},
                    treffers=treffers(rijen))


THEMA = Thema(
    id="huisvesting_bezetting", titel="Huisvesting: bezetting van het adres",
    doel="Signaleren van mogelijk fictieve inschrijvingen (adres onbewoonbaar of overbewoond).",
    regel_van=regel, parameters=Parameters, prioriteit="Aantal ingeschreven personen per 10 m².",
    bronnen=("brp", "gemeente"),
    velden=wonen.VELDEN + ("brp.adressen.adres_id", "brp.adressen.postcode", "brp.adressen.huisnummer",
                           "brp.adressen.huisletter", "brp.adressen.huisnummertoevoeging", "brp.adressen.woonplaats",
                           "brp.adressen.gebruiksdoel", "brp.adressen.oppervlakte_m2", "brp.adressen.status"),
    stappen=(("woonadres_bekend", "Aanvrager of partner heeft op de peildatum een woonadres met BAG-gegevens"),),
    bereken=bereken,
    lineage={"reden": ("brp.verblijfplaatsen.adres_id", "brp.verblijfplaatsen.functie_adres",
                       "brp.verblijfplaatsen.datum_aanvang", "brp.verblijfplaatsen.datum_einde",
                       "brp.adressen.oppervlakte_m2", "brp.adressen.status", "brp.adressen.gebruiksdoel",
                       "brp.adressen.postcode", "brp.adressen.huisnummer"),
             "bewijs": ("brp.verblijfplaatsen.adres_id", "brp.adressen.oppervlakte_m2", "brp.adressen.status",
                        "brp.adressen.gebruiksdoel", "brp.adressen.postcode", "brp.adressen.huisnummer",
                        "brp.adressen.woonplaats"),
             "prioriteit": ("brp.verblijfplaatsen.adres_id", "brp.adressen.oppervlakte_m2")},
    wettelijke_grondslag="Het recht op bijstand en de hoogte ervan hangen af van waar en met wie iemand woont "
                         "(artikelen 21 en 22a Participatiewet); het woonadres volgt uit de BRP.",
    categorieen=("Sociale zekerheid", "Wonen"),
)
