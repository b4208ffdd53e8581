"""RDW: vehicle registrations (tenaamstellingen) of benefit recipients and partners."""

from sources.contract import BSN, ENUM, GBADATUM, INT, KENTEKEN, TEKST, Bestand, Kolom, past_niet

VOERTUIGSOORTEN = ("Personenauto", "Bedrijfsauto", "Motorfiets", "Bromfiets", "Aanhangwagen", "Oplegger",
                   "Driewielig motorrijtuig")

TENAAMSTELLINGEN = Bestand("rdw", "tenaamstellingen.csv", (
    Kolom("kenteken", KENTEKEN, verplicht=True),
    Kolom("bsn", BSN, verplicht=True),
    Kolom("datum_aanvang_tenaamstelling", GBADATUM, verplicht=True),
    Kolom("datum_einde_tenaamstelling", GBADATUM),
    Kolom("voertuigsoort", ENUM, verplicht=True, waarden=VOERTUIGSOORTEN),
    Kolom("merk", TEKST),
    Kolom("handelsbenaming", TEKST),
    Kolom("datum_eerste_toelating", GBADATUM),
    Kolom("catalogusprijs", INT, minimum=0),
), regels=(past_niet("datum_aanvang_tenaamstelling", "geen volledige datum", r"^\d{4}(00\d{2}|\d{2}00)$"),),
    omschrijving="Tenaamstellingen van voertuigen")

BESTANDEN = (TENAAMSTELLINGEN,)
