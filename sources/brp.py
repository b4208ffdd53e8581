"""BRP extract (persons, address history, relations) with BAG address data; delivered monthly."""

from sources.contract import BSN, ENUM, GBADATUM, INT, POSTCODE, REGEX, TEKST, Bestand, Kolom, Verwijzing, niet_voor

GEBRUIKSDOELEN = ("woonfunctie", "kantoorfunctie", "winkelfunctie", "industriefunctie", "logiesfunctie",
                  "overige gebruiksfunctie")
STATUSSEN = ("Verblijfsobject in gebruik", "Verblijfsobject buiten gebruik",
             "Verblijfsobject in gebruik (niet ingemeten)", "Verbouwing verblijfsobject", "Verblijfsobject gevormd")

PERSONEN = Bestand("brp", "personen.csv", (
    Kolom("bsn", BSN, verplicht=True),
    Kolom("geboortedatum", GBADATUM, verplicht=True),
    Kolom("geslacht", ENUM, verplicht=True, waarden=("M", "V", "O")),
    Kolom("geboorteland", REGEX, patroon=r"^\d{4}$", bijzonder=True),
    Kolom("nationaliteit", REGEX, patroon=r"^\d{4}$", bijzonder=True),
    Kolom("datum_overlijden", GBADATUM),
), sleutel=("bsn",), omschrijving="Ingeschreven personen")

ADRESSEN = Bestand("brp", "adressen.csv", (
    Kolom("adres_id", REGEX, verplicht=True, patroon=r"^\d{16}$"),
    Kolom("postcode", POSTCODE),
    Kolom("huisnummer", INT, minimum=1),
    Kolom("huisletter", TEKST),
    Kolom("huisnummertoevoeging", TEKST),
    Kolom("woonplaats", TEKST),
    Kolom("wijk_code", REGEX, patroon=r"^WK\d{6}$"),
    Kolom("buurt_code", REGEX, patroon=r"^BU\d{8}$"),
    Kolom("gebruiksdoel", REGEX, verplicht=True,
          patroon="^(" + "|".join(GEBRUIKSDOELEN) + r")(\|(" + "|".join(GEBRUIKSDOELEN) + "))*$"),
    Kolom("oppervlakte_m2", INT, verplicht=True, minimum=1),
    Kolom("status", ENUM, verplicht=True, waarden=STATUSSEN),
), sleutel=("adres_id",), omschrijving="BAG-gegevens van adressen")

VERBLIJFPLAATSEN = Bestand("brp", "verblijfplaatsen.csv", (
    Kolom("bsn", BSN, verplicht=True),
    Kolom("adres_id", REGEX, patroon=r"^\d{16}$"),
    Kolom("functie_adres", ENUM, verplicht=True, waarden=("W", "B")),
    Kolom("datum_aanvang", GBADATUM, verplicht=True),
    Kolom("datum_einde", GBADATUM),
), verwijzingen=(Verwijzing("bsn", "personen.csv", "bsn"), Verwijzing("adres_id", "adressen.csv", "adres_id")),
    regels=(niet_voor("datum_einde", "datum_aanvang"),),
    omschrijving="Adreshistorie")

RELATIES = Bestand("brp", "relaties.csv", (
    Kolom("bsn", BSN, verplicht=True),
    Kolom("relatie_bsn", BSN, verplicht=True),
    Kolom("soort", ENUM, verplicht=True, waarden=("H", "K", "O")),
    Kolom("datum_aanvang", GBADATUM),
    Kolom("datum_einde", GBADATUM),
), omschrijving="Familierelaties")

# Order matters: referenced files are staged before the files that refer to them.
BESTANDEN = (PERSONEN, ADRESSEN, VERBLIJFPLAATSEN, RELATIES)
