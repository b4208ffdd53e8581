"""The access log of a werkmap: who looked up whom, who decided and what was published (AVG, audit trail).

One JSON object per line in `<werkmap>/logboek.jsonl`, only ever appended: when (UTC), which OS user, which
action, and its details. A resident appears only as pseudonym, never as BSN: `schrijf` refuses any detail
that is one (a value of nine digits, or a field named bsn).
"""
from __future__ import annotations

import fcntl
import getpass
import json
import os
import re
from datetime import datetime, timezone
from pathlib import Path

BESTAND = "logboek.jsonl"
_BSN = re.compile(r"\d{9}")


class LogboekFout(Exception):
    """A log entry that would put a BSN at rest."""


def pad(werkmap: str | Path) -> Path:
    return Path(werkmap) / BESTAND


def gebruiker() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())


def schrijf(werkmap: str | Path, actie: str, **details) -> dict:
    """Append one entry; returns it. Details must be JSON-able and hold no BSN."""
    regel = {"tijdstip": datetime.now(timezone.utc).isoformat(timespec="seconds"), "gebruiker": gebruiker(),
             "actie": actie, **details}
    tekst = json.dumps(regel, ensure_ascii=False, default=str, sort_keys=False)
    if _bevat_bsn(details):
        raise LogboekFout(f"logboekregel voor '{actie}' bevat een BSN (of een veld 'bsn'); niet geschreven")
    doel = pad(werkmap)
    doel.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(doel, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # one whole line per writer, also from parallel processes
        os.write(fd, (tekst + "\n").encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    return regel


def _bevat_bsn(waarde) -> bool:
    if isinstance(waarde, dict):
        return any("bsn" in str(k).lower() or _bevat_bsn(v) for k, v in waarde.items())
    if isinstance(waarde, (list, tuple, set)):
        return any(_bevat_bsn(v) for v in waarde)
    return isinstance(waarde, (str, int)) and not isinstance(waarde, bool) and _BSN.fullmatch(str(waarde)) is not None


def lees(werkmap: str | Path, actie: str | None = None) -> list[dict]:
    """All entries, oldest first (optionally of one action); a damaged line is reported, not skipped silently."""
    doel = pad(werkmap)
    if not doel.is_file():
        return []
    regels = []
    for nr, tekst in enumerate(doel.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
        if not tekst.strip():
            continue
        try:
            regel = json.loads(tekst)
        except ValueError:
            regel = None
        if not isinstance(regel, dict) or not isinstance(regel.get("actie"), str):  # JSON, but no entry of ours
            regel = {"tijdstip": None, "gebruiker": None, "actie": "onleesbare_regel", "regel": nr}
        if actie is None or regel.get("actie") == actie:
            regels.append(regel)
    return regels


def als_tekst(regels: list[dict]) -> str:
    if not regels:
        return "Het logboek is leeg."
    uit = []
    for r in regels:
        details = ", ".join(f"{k}={v}" for k, v in r.items() if k not in ("tijdstip", "gebruiker", "actie"))
        uit.append(f"{r.get('tijdstip') or '?'}  {r.get('gebruiker') or '?':<12} {r.get('actie') or '?':<12} {details}")
    return "\n".join(uit)
