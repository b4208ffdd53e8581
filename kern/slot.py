"""One run per werkmap at a time: an exclusive OS lock on the werkmap, taken before anything is opened.

The lock is an `fcntl.flock` on `<werkmap>/.slot`; the kernel releases it when the holder dies, so a killed
run never leaves a stale lock. The holder writes who it is (command, peildatum, start, process) into the
file, so that a second run can say what it is waiting for. Within one process the slot is re-entrant: the
CLI takes it, and the run's Werkomgeving resource (which also guards runs launched by the UI or the daemon)
enters it again without blocking itself.
"""
from __future__ import annotations

import fcntl
import getpass
import json
import os
import sys
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from kern import omgeving

BESTAND = ".slot"
POOL = "werkmap_duckdb"  # Dagster concurrency pool of every asset that writes the werkmap's DuckDB file
STANDAARD_WACHTTIJD_S = 600.0

_gehouden: dict[str, int] = {}  # lock file -> nesting depth, for this process
_mutex = threading.Lock()


class WerkmapBezet(Exception):
    """Another process held the werkmap for longer than we were willing to wait."""


def wachttijd(opgegeven: float | None = None) -> float:
    """Seconds to wait: the given value, else SYSTEEMANALYSE_WACHTTIJD, else 600."""
    if opgegeven is not None:
        return opgegeven
    try:
        return float(os.environ.get(omgeving.WACHTTIJD, STANDAARD_WACHTTIJD_S))
    except ValueError:
        return STANDAARD_WACHTTIJD_S


def houder(werkmap: Path) -> dict:
    """Who holds (or last held) the werkmap, as recorded in the lock file; {} when unknown."""
    try:
        return json.loads((Path(werkmap) / BESTAND).read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}


def beschrijf(h: dict) -> str:
    if not h:
        return "een onbekend proces"
    wat = h.get("omschrijving", "?")
    peil = f"peildatum {h['peildatum']}, " if h.get("peildatum") else ""
    return f"{wat} ({peil}gestart {h.get('start', '?')}, proces {h.get('pid', '?')} van {h.get('gebruiker', '?')})"


@contextmanager
def werkmap_slot(werkmap: str | Path, omschrijving: str, wachttijd_s: float | None = None,
                 peildatum: str | None = None, melding=None):
    """Hold the werkmap exclusively; wait up to `wachttijd_s` for another holder, then raise WerkmapBezet.

    `melding(tekst)` is called once when we have to wait (default: a line on stderr)."""
    werkmap = Path(werkmap)
    omgeving.maak_werkmap(werkmap)  # WerkmapOnbruikbaar when it cannot be made
    pad = (werkmap / BESTAND).resolve()
    sleutel = str(pad)
    with _mutex:
        if sleutel in _gehouden:
            _gehouden[sleutel] += 1
            opnieuw = True
        else:
            opnieuw = False
    if opnieuw:
        try:
            yield
        finally:
            with _mutex:
                _gehouden[sleutel] -= 1
        return
    try:
        fd = os.open(pad, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as fout:
        raise omgeving.WerkmapOnbruikbaar(f"werkmap {werkmap} is niet beschrijfbaar: {fout.strerror or fout}") from None
    try:
        _neem(fd, werkmap, wachttijd(wachttijd_s), melding)
        gegevens = {"omschrijving": omschrijving, "peildatum": peildatum, "pid": os.getpid(),
                    "gebruiker": _gebruiker(), "start": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(gegevens, ensure_ascii=False).encode(), 0)
        with _mutex:
            _gehouden[sleutel] = 1
        try:
            yield
        finally:
            with _mutex:
                del _gehouden[sleutel]
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _neem(fd: int, werkmap: Path, wachten: float, melding) -> None:
    einde = time.monotonic() + max(wachten, 0.0)
    gemeld = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        if time.monotonic() >= einde:
            raise WerkmapBezet(f"werkmap {werkmap} is in gebruik door {beschrijf(houder(werkmap))}; "
                               f"na {wachten:g} s wachten gestopt")
        if not gemeld:
            tekst = f"werkmap {werkmap} is in gebruik door {beschrijf(houder(werkmap))}; wacht tot {wachten:g} s"
            (melding or (lambda t: print(t, file=sys.stderr, flush=True)))(tekst)
            gemeld = True
        time.sleep(min(0.2, max(einde - time.monotonic(), 0.01)))


def _gebruiker() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())


@contextmanager
def bestandsslot(pad: Path):
    """A plain blocking exclusive lock on one file (e.g. while creating a shared Dagster instance)."""
    pad.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(pad, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
