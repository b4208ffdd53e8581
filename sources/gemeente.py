"""The municipality's own benefits administration: dossiers, investigations, reported income (daily)."""

import polars as pl

from sources.contract import BSN, CENT, DATUM, ENUM, INT, REGEX, TEKST, VLAG, Bestand, Kolom, RijRegel, niet_voor

THEMA_IDS = ("vermogen_voertuigen", "vermogen_bank", "huisvesting_bezetting", "huisvesting_kostendelers")


def _zonder_afwijking(kolom: str, wat: str) -> RijRegel:
    """No claim or fine on an investigation that found nothing (the amount read as polars reads an integer)."""
    bedrag = f'CASE WHEN regexp_full_match("{kolom}", \'[+-]?[0-9]+\') THEN TRY_CAST("{kolom}" AS BIGINT) END'
    return RijRegel(f"{kolom}: {wat} bij een onderzoek zonder afwijking",
                    (pl.col("uitkomst") != "geen_afwijking") | ~(pl.col(kolom).cast(pl.Int64, strict=False) > 0),
                    f'"uitkomst" <> \'geen_afwijking\' OR NOT ({bedrag} > 0)')


UITKERINGEN = Bestand("gemeente", "uitkeringen.csv", (
    Kolom("dossier_id", TEKST, verplicht=True),
    Kolom("bsn", BSN, verplicht=True),
    Kolom("partner_bsn", BSN),
    Kolom("regeling", ENUM, verplicht=True, waarden=("PW", "IOAW", "IOAZ", "BBZ")),
    Kolom("normcategorie", ENUM, verplicht=True, waarden=("alleenstaande", "alleenstaande_ouder", "gehuwden")),
    Kolom("kostendelers", INT, verplicht=True, minimum=1),
    Kolom("datum_aanvang", DATUM, verplicht=True),
    Kolom("datum_einde", DATUM),
    Kolom("kwetsbaar", VLAG, verplicht=True),
), sleutel=("dossier_id",), regels=(niet_voor("datum_einde", "datum_aanvang"),),
    omschrijving="Uitkeringsdossiers")

ONDERZOEKEN = Bestand("gemeente", "onderzoeken.csv", (
    Kolom("onderzoek_id", TEKST, verplicht=True),
    Kolom("signaal_id", TEKST),
    Kolom("dossier_id", TEKST, verplicht=True),
    Kolom("bsn", BSN, verplicht=True),
    Kolom("herkomst", ENUM, verplicht=True,
          waarden=("themacontrole", "steekproef", "tip", "laa", "inkomstenverrekening", "overig")),
    Kolom("thema", ENUM, waarden=THEMA_IDS),
    Kolom("datum_start", DATUM, verplicht=True),
    Kolom("datum_einde", DATUM),
    Kolom("uitkomst", ENUM, verplicht=True, waarden=("lopend", "geen_afwijking", "niet_naleving", "niet_meegewerkt")),
    Kolom("vordering_cent", CENT, minimum=0),
    Kolom("boete_cent", CENT, minimum=0),
    Kolom("waarschuwing", VLAG),
), sleutel=("onderzoek_id",), regels=(
    # The feedback loop counts each investigation by its origin, theme, dates and outcome: a row that
    # contradicts itself would be counted wrongly, so it is quarantined with its reason (domain.md).
    niet_voor("datum_einde", "datum_start"),
    RijRegel("datum_einde: ontbreekt bij een afgerond onderzoek",
             (pl.col("uitkomst") == "lopend") | pl.col("datum_einde").is_not_null(),
             '"uitkomst" = \'lopend\' OR "datum_einde" IS NOT NULL'),
    RijRegel("thema: ontbreekt bij herkomst themacontrole of steekproef",
             ~pl.col("herkomst").is_in(["themacontrole", "steekproef"]) | pl.col("thema").is_not_null(),
             'NOT ("herkomst" IN (\'themacontrole\', \'steekproef\')) OR "thema" IS NOT NULL'),
    _zonder_afwijking("vordering_cent", "vordering"),
    _zonder_afwijking("boete_cent", "boete"),
), omschrijving="Onderzoeken en hun uitkomsten")

OPGEGEVEN_INKOMSTEN = Bestand("gemeente", "opgegeven_inkomsten.csv", (
    Kolom("dossier_id", TEKST, verplicht=True),
    Kolom("bsn", BSN, verplicht=True),
    Kolom("periode", REGEX, verplicht=True, patroon=r"^\d{4}-(0[1-9]|1[0-2])$"),
    Kolom("bruto_cent", CENT, verplicht=True),
), omschrijving="Opgegeven inkomsten per maand")

BESTANDEN = (UITKERINGEN, ONDERZOEKEN, OPGEGEVEN_INKOMSTEN)
