"""A builder of small landing sets in the contract format, for tests: rows in, CSV + manifest out."""
from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

from sources.register import PER_BRON


def csv_tekst(kolommen: list[str], rijen: list[dict], crlf: bool = False, bom: bool = False) -> str:
    def veld(v) -> str:
        s = "" if v is None else str(v)
        return '"' + s.replace('"', '""') + '"' if any(c in s for c in ';"\n\r') else s

    eol = "\r\n" if crlf else "\n"
    regels = [";".join(kolommen)] + [";".join(veld(r.get(k)) for k in kolommen) for r in rijen]
    return ("\ufeff" if bom else "") + eol.join(regels) + eol


class Landing:
    """Write deliveries: `levering("brp", "2026-10-31", personen=[...], ...)`; unspecified files are empty."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def levering(self, bron: str, leverdatum: str, manifest: bool = True, **bestanden) -> Path:
        pad = self.root / bron / leverdatum
        pad.mkdir(parents=True, exist_ok=True)
        items = []
        for spec in PER_BRON[bron]:
            inhoud = bestanden.get(spec.stam, [])
            if isinstance(inhoud, (bytes, str)):
                data = inhoud.encode("utf-8") if isinstance(inhoud, str) else inhoud
                tekst = data.decode("utf-8", errors="replace").lstrip("\ufeff")
                # records as the contract counts them: a blank line is no data row (sources/levering.py)
                try:
                    rijen = max(0, sum(1 for r in csv.reader(io.StringIO(tekst), delimiter=";") if r) - 1)
                except csv.Error:  # not CSV to Python either (a lone CR): the lines a supplier would count
                    rijen = max(0, tekst.count("\n") - 1)
            else:
                data = csv_tekst(spec.kolomnamen, inhoud).encode("utf-8")
                rijen = len(inhoud)
            (pad / spec.naam).write_bytes(data)
            items.append({"naam": spec.naam, "rijen": rijen, "sha256": hashlib.sha256(data).hexdigest()})
        if manifest:
            (pad / "manifest.json").write_text(json.dumps(
                {"bron": bron, "leverdatum": leverdatum, "gemeente": "0014", "bestanden": items}))
        return pad


def bsn(n: int) -> str:
    """The n-th valid BSN (11-proef) from a fixed start, for readable test data."""
    gevonden = 0
    kandidaat = 100000000
    while True:
        kandidaat += 1
        s = f"{kandidaat:09d}"
        som = sum(w * int(c) for w, c in zip((9, 8, 7, 6, 5, 4, 3, 2, -1), s))
        if som % 11 == 0:
            gevonden += 1
            if gevonden == n:
                return s


def persoon(n: int, geboortedatum: str = "19800101", geslacht: str = "V", **extra) -> dict:
    return {"bsn": bsn(n), "geboortedatum": geboortedatum, "geslacht": geslacht, "geboorteland": "6030",
            "nationaliteit": "0001", **extra}


def adres(n: int, oppervlakte: int = 80, gebruiksdoel: str = "woonfunctie",
          status: str = "Verblijfsobject in gebruik", wijk: str = "WK001401") -> dict:
    return {"adres_id": f"0014010000{n:06d}", "postcode": "9712AB", "huisnummer": n, "woonplaats": "Groningen",
            "wijk_code": wijk, "buurt_code": "BU" + wijk[2:] + "01", "gebruiksdoel": gebruiksdoel,
            "oppervlakte_m2": oppervlakte, "status": status}


def woont(n_persoon: int, n_adres: int, aanvang: str = "20200101", einde: str | None = None,
          functie: str = "W") -> dict:
    return {"bsn": bsn(n_persoon), "adres_id": f"0014010000{n_adres:06d}", "functie_adres": functie,
            "datum_aanvang": aanvang, "datum_einde": einde}


def dossier(nr: int, aanvrager: int, partner: int | None = None, normcategorie: str = "alleenstaande",
            kostendelers: int = 1, aanvang: str = "2020-01-01", einde: str | None = None, regeling: str = "PW",
            kwetsbaar: str = "0") -> dict:
    return {"dossier_id": f"D{nr:05d}", "bsn": bsn(aanvrager), "partner_bsn": bsn(partner) if partner else None,
            "regeling": regeling, "normcategorie": normcategorie, "kostendelers": kostendelers,
            "datum_aanvang": aanvang, "datum_einde": einde, "kwetsbaar": kwetsbaar}
