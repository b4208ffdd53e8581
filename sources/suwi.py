"""Suwinet: UWV polis administration (income) and DUO study finance."""

from sources.contract import BSN, CENT, DATUM, ENUM, TEKST, Bestand, Kolom, niet_voor

POLIS = Bestand("suwi", "polis.csv", (
    Kolom("bsn", BSN, verplicht=True),
    Kolom("inkomstenverhouding_id", TEKST, verplicht=True),
    Kolom("loonheffingennummer", TEKST),
    Kolom("soort", ENUM, verplicht=True, waarden=("loon", "uitkering")),
    Kolom("periode_start", DATUM, verplicht=True),
    Kolom("periode_einde", DATUM, verplicht=True),
    Kolom("bruto_cent", CENT, verplicht=True),
), regels=(niet_voor("periode_einde", "periode_start"),),
    omschrijving="Inkomsten per inkomstenverhouding en periode")

STUDIEFINANCIERING = Bestand("suwi", "studiefinanciering.csv", (
    Kolom("bsn", BSN, verplicht=True),
    Kolom("soort", ENUM, verplicht=True, waarden=("WSF", "WTOS")),
    Kolom("datum_aanvang", DATUM, verplicht=True),
    Kolom("datum_einde", DATUM),
), regels=(niet_voor("datum_einde", "datum_aanvang"),),
    omschrijving="Studiefinanciering (WSF 2000) en WTOS")

BESTANDEN = (POLIS, STUDIEFINANCIERING)
