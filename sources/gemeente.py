"""The municipality's own benefits administration: dossiers, investigations, reported income (daily)."""

from sources.contract import BSN, CENT, DATUM, ENUM, INT, REGEX, TEKST, VLAG, Bestand, Kolom, niet_voor

THEMA_IDS = ("vermogen_voertuigen", "vermogen_bank", "huisvesting_bezetting", "huisvesting_kostendelers")

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
    ("datum_einde: ligt voor datum_start",
     pl.col("datum_einde").is_null() | (pl.col("datum_einde") >= pl.col("datum_start"))),
    ("datum_einde: ontbreekt bij een afgerond onderzoek",
     (pl.col("uitkomst") == "lopend") | pl.col("datum_einde").is_not_null()),
    ("thema: ontbreekt bij herkomst themacontrole of steekproef",
     ~pl.col("herkomst").is_in(["themacontrole", "steekproef"]) | pl.col("thema").is_not_null()),
    ("vordering_cent: vordering bij een onderzoek zonder afwijking",
     (pl.col("uitkomst") != "geen_afwijking") | ~(pl.col("vordering_cent").cast(pl.Int64, strict=False) > 0)),
    ("boete_cent: boete bij een onderzoek zonder afwijking",
     (pl.col("uitkomst") != "geen_afwijking") | ~(pl.col("boete_cent").cast(pl.Int64, strict=False) > 0)),
), omschrijving="Onderzoeken en hun uitkomsten")

OPGEGEVEN_INKOMSTEN = Bestand("gemeente", "opgegeven_inkomsten.csv", (
    Kolom("dossier_id", TEKST, verplicht=True),
    Kolom("bsn", BSN, verplicht=True),
    Kolom("periode", REGEX, verplicht=True, patroon=r"^\d{4}-(0[1-9]|1[0-2])$"),
    Kolom("bruto_cent", CENT, verplicht=True),
), omschrijving="Opgegeven inkomsten per maand")

BESTANDEN = (UITKERINGEN, ONDERZOEKEN, OPGEGEVEN_INKOMSTEN)
