"""A builder of small landing sets in the contract format, for tests: rows in, CSV + manifest out."""
from __future__ import annotations

import hashlib
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
                rijen = data.replace(b"\r\n", b"\n").rstrip(b"\n").count(b"\n")
            else:
                data = csv_tekst(spec.kolomnamen, inhoud).encode("utf-8")
                rijen = len(inhoud)
            (pad / spec.naam).write_bytes(data)
            items.append({"naam": spec.naam, "rijen": rijen, "sha256": hashlib.sha256(data).hexdigest()})
        if manifest:
            (pad / "manifest.json").write_text(json.dumps(
                {"bron": bron, "leverdatum": leverdatum, "gemeente": "0014", "bestanden": items}))
        return pad
