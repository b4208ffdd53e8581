"""Thema huisvesting_kostendelers (BRP + DUO + own administration): kostendelersnorm not (fully) applied."""
from __future__ import annotations

import polars as pl

from assets.themas import wonen
from assets.themas.kader import Invoer, Thema, ThemaParameters, Uitkomst, gba_onvolledig, nl_datum, treffers
from kern.sjablonen import nl_opsomming


class Parameters(ThemaParameters):
    leeftijd_kostendeler: int
    studiefinanciering: list[str]


def regel(par: dict) -> str:
    q = par["huisvesting_kostendelers"]
    return ("Bepaal A (art. 22a Participatiewet): de aanvrager, de partner, en iedere andere persoon met een actueel "
            "woonadres op hetzelfde adres als de aanvrager die op de peildatum "
            f"{q['leeftijd_kostendeler']} jaar of ouder is, behalve personen met lopende studiefinanciering "
            f"({nl_opsomming(q['studiefinanciering'])}) op de peildatum. Een signaal ontstaat wanneer het in het "
            "dossier toegepaste aantal kostendelers lager is dan A. Norm ter referentie: (40 + A·30) / (A·100) × "
            "gehuwdennorm.")


def bereken(inv: Invoer, pop: pl.DataFrame, par: dict) -> Uitkomst:
    q, p = par["huisvesting_kostendelers"], inv.peildatum
    eigen, bewoners = wonen.bewoners(inv, pl.concat([pop["bsn"], pop["partner_bsn"].drop_nulls()]))
    woon = bewoners.lazy()
    aanvrager_adres = pop.lazy().select("dossier_id", "bsn", "partner_bsn", "kostendelers") \
        .join(eigen.lazy().select("bsn", "adres_id", pl.col("aanvang").alias("aanvang_aanvrager")), on="bsn")
    studie = inv.lees("suwi", "studiefinanciering", "bsn", "soort", "datum_aanvang", "datum_einde",
                      binnen={"bsn": bewoners["bsn"]}) \
        .filter(pl.col("soort").is_in(q["studiefinanciering"]) & (pl.col("datum_aanvang") <= p)
                & (pl.col("datum_einde").is_null() | (pl.col("datum_einde") >= p))) \
        .select("bsn").unique().with_columns(pl.lit(True).alias("studeert"))
    # old enough on P (27 by default), in the resident's favour: the latest possible birth date counts
    personen = inv.lees("brp", "personen", "bsn", "geboortedatum", "geboortedatum_laatst",
                        binnen={"bsn": bewoners["bsn"]}).with_columns(
        (pl.col("geboortedatum_laatst").dt.offset_by(f"{q['leeftijd_kostendeler']}y") <= p).alias("oud_genoeg"),
        gba_onvolledig("geboortedatum").alias("geboorte_onvolledig"))
    uitkering = pl.concat([pop.select("bsn"), pop.select(pl.col("partner_bsn").alias("bsn")).drop_nulls()]) \
        .unique().with_columns(pl.lit(True).alias("eigen_uitkering"))
    medebewoners = (aanvrager_adres.join(woon, on="adres_id")
                    .filter((pl.col("bsn_right") != pl.col("bsn"))
                            & (pl.col("partner_bsn").is_null() | (pl.col("bsn_right") != pl.col("partner_bsn"))))
                    .select("dossier_id", pl.col("bsn_right").alias("mede_bsn"), "aanvang", "adres_onvolledig")
                    .join(personen, left_on="mede_bsn", right_on="bsn", how="left")
                    .join(studie, left_on="mede_bsn", right_on="bsn", how="left")
                    .join(uitkering.lazy(), left_on="mede_bsn", right_on="bsn", how="left")
                    .with_columns(pl.col("studeert").fill_null(False), pl.col("eigen_uitkering").fill_null(False),
                                  pl.col("oud_genoeg").fill_null(False))
                    .with_columns((pl.col("oud_genoeg") & ~pl.col("studeert")).alias("telt")))
    partner_aanvang = eigen.lazy().select(pl.col("bsn").alias("partner_bsn"), "adres_id",
                                          pl.col("aanvang").alias("aanvang_partner"))
    per_dossier = (aanvrager_adres
                   .join(partner_aanvang, on=["partner_bsn", "adres_id"], how="left")
                   .join(medebewoners.filter(pl.col("telt")).group_by("dossier_id").agg(
                       pl.len().alias("medebewoners"), pl.col("aanvang").max().alias("laatste_aanvang"),
                       pl.col("eigen_uitkering").sum().alias("met_uitkering"),
                       pl.col("geboorte_onvolledig").sum().alias("geboorte_onvolledig"),
                       pl.col("adres_onvolledig").sum().alias("adres_onvolledig"),
                       pl.struct(pl.col("geboortedatum"), pl.col("aanvang").alias("woont_er_sinds"),
                                 "eigen_uitkering").sort_by("aanvang", "geboortedatum", "mede_bsn")
                       .alias("getelde_medebewoners")),
                         on="dossier_id", how="left")
                   .join(medebewoners.filter(~pl.col("telt")).group_by("dossier_id").agg(
                       (pl.col("studeert") & pl.col("oud_genoeg")).sum().alias("studenten_niet_geteld"),
                       (~pl.col("oud_genoeg")).sum().alias("jonger_niet_geteld")), on="dossier_id", how="left")
                   .with_columns(pl.col("medebewoners", "met_uitkering", "geboorte_onvolledig", "adres_onvolledig",
                                        "studenten_niet_geteld", "jonger_niet_geteld").fill_null(0))
                   .with_columns((1 + pl.col("partner_bsn").is_not_null().cast(pl.Int64) + pl.col("medebewoners"))
                                 .alias("A")))
    hits = per_dossier.filter(pl.col("kostendelers") < pl.col("A")).collect()
    rijen = []
    for t in hits.sort("dossier_id").iter_rows(named=True):
        # domain.md: the situation lasts since the latest woonadres start among the residents counted in A (the
        # applicant, the partner, the co-residents counted): since they all live there together. The dossier's own
        # start plays no part: the rule measures how long the household has been shared, not the benefit
        sinds = max(d for d in (t["laatste_aanvang"], t["aanvang_partner"], t["aanvang_aanvrager"]) if d is not None)
        maanden = max(1, (p.year - sinds.year) * 12 + p.month - sinds.month - (1 if p.day < sinds.day else 0))
        delen = [f"aanvrager", *(["partner"] if t["partner_bsn"] else []),
                 *([f"{t['medebewoners']} medebewoner(s) van {q['leeftijd_kostendeler']} jaar of ouder"]
                   if t["medebewoners"] else [])]
        extra = []
        if t["met_uitkering"]:
            extra.append(f"{t['met_uitkering']} van de medebewoners ontvangt zelf bijstand")
        if t["studenten_niet_geteld"]:
            extra.append(f"{t['studenten_niet_geteld']} medebewoner(s) met lopende studiefinanciering niet meegeteld")
        onvolledig = []
        if t["geboorte_onvolledig"]:
            onvolledig.append(f"bij {t['geboorte_onvolledig']} getelde medebewoner(s) is de geboortedatum onvolledig "
                              "bekend; uitgelegd als de laatst mogelijke datum (onbekende dag = laatste dag van de "
                              "maand, onbekende maand = 31 december)")
        if t["adres_onvolledig"]:
            onvolledig.append(f"bij {t['adres_onvolledig']} getelde medebewoner(s) is de inschrijvingsdatum onvolledig "
                              "bekend; alleen zeker ingeschreven personen zijn geteld")
        rijen.append({
            "dossier_id": t["dossier_id"],
            "reden": (f"Op het woonadres van de aanvrager telt de kostendelersnorm A = {t['A']} ("
                      + ", ".join(delen) + f"), maar in het dossier is {t['kostendelers']} toegepast; de situatie "
                      f"bestaat sinds {nl_datum(sinds)} ({maanden} maanden)"
                      + ("; " + "; ".join(extra) if extra else "") + "."),
            "bewijs": {"A": t["A"], "toegepast": t["kostendelers"], "partner": t["partner_bsn"] is not None,
                       "medebewoners_geteld": t["medebewoners"], "sinds": str(sinds), "maanden": maanden,
                       "medebewoners_met_bijstand": t["met_uitkering"],
                       "studenten_niet_geteld": t["studenten_niet_geteld"],
                       "jonger_dan_27_niet_geteld": t["jonger_niet_geteld"],
                       "getelde_medebewoners": [{**m, "woont_er_sinds": str(m["woont_er_sinds"])}
                                                for m in (t["getelde_medebewoners"] or [])]},
            "prioriteit": float((t["A"] - t["kostendelers"]) * maanden),
            "onvolledig": "; ".join(onvolledig) or None,
        })
    return Uitkomst(stappen={"woonadres_bekend": aanvrager_adres.select("dossier_id").unique().collect()},
                    treffers=treffers(rijen))


THEMA = Thema(
    id="huisvesting_kostendelers", titel="Huisvesting: kostendelersnorm",
    doel="Signaleren van dossiers waarin de kostendelersnorm niet (volledig) is toegepast.",
    regel_van=regel, parameters=Parameters,
    prioriteit="(A − toegepast aantal) × aantal maanden dat de situatie bestaat.",
    bronnen=("brp", "gemeente", "suwi"),
    velden=wonen.VELDEN + ("brp.personen.geboortedatum", "suwi.studiefinanciering.bsn",
                           "suwi.studiefinanciering.soort", "suwi.studiefinanciering.datum_aanvang",
                           "suwi.studiefinanciering.datum_einde"),
    stappen=(("woonadres_bekend", "De aanvrager heeft op de peildatum een woonadres met BAG-gegevens"),),
    bereken=bereken,
    lineage={"reden": ("brp.verblijfplaatsen.adres_id", "brp.verblijfplaatsen.datum_aanvang",
                       "brp.personen.geboortedatum", "suwi.studiefinanciering.soort",
                       "suwi.studiefinanciering.datum_einde", "gemeente.uitkeringen.kostendelers",
                       "gemeente.uitkeringen.partner_bsn"),
             "bewijs": ("brp.verblijfplaatsen.adres_id", "brp.verblijfplaatsen.datum_aanvang",
                        "brp.personen.geboortedatum", "suwi.studiefinanciering.datum_einde",
                        "gemeente.uitkeringen.kostendelers"),
             "prioriteit": ("gemeente.uitkeringen.kostendelers", "brp.verblijfplaatsen.datum_aanvang",
                            "brp.personen.geboortedatum")},
    wettelijke_grondslag="De kostendelersnorm verlaagt de bijstand als iemand de woning deelt met andere "
                         "volwassenen (artikel 22a Participatiewet).",
    categorieen=("Sociale zekerheid", "Wonen"),
)
