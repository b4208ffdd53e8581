"""Inlichtingenbureau: bank and investment balances (box 3) of benefit recipients and partners."""
from sources.contract import BSN, CENT, DATUM, ENUM, REGEX, TEKST, Bestand, Kolom

VERMOGEN = Bestand("ib", "vermogen.csv", (
    Kolom("bsn", BSN, verplicht=True),
    Kolom("rekening_id", TEKST, verplicht=True),
    Kolom("soort", ENUM, verplicht=True, waarden=("betaalrekening", "spaarrekening", "beleggingsrekening", "overig")),
    Kolom("land", REGEX, patroon=r"^[A-Z]{2}$"),
    Kolom("saldo_cent", CENT, verplicht=True),
    Kolom("saldo_peildatum", DATUM, verplicht=True),
), sleutel=("bsn", "rekening_id", "saldo_peildatum"), omschrijving="Saldi van rekeningen")

BESTANDEN = (VERMOGEN,)
