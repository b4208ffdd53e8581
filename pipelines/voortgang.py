"""A quiet Dagster logger for the CLI: one line per finished step and per stage message."""
from __future__ import annotations

import logging
import sys
import time

import dagster as dg

_TONEN = {"STEP_SUCCESS": "klaar", "STEP_FAILURE": "MISLUKT", "STEP_SKIPPED": "overgeslagen"}


class _Regels(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.INFO)
        self.start = time.monotonic()

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        stap = meta.get("step_key") or ""
        verstreken = f"{time.monotonic() - self.start:7.1f}s"
        if event is None:
            if record.levelno >= logging.WARNING or stap:
                bericht = meta.get("orig_message") or record.getMessage()
                niveau = "" if record.levelno < logging.WARNING else f"{record.levelname.lower()}: "
                print(f"{verstreken}  {stap:<36} {niveau}{bericht}", file=sys.stdout, flush=True)
        elif event.event_type_value in _TONEN:
            print(f"{verstreken}  {stap:<36} {_TONEN[event.event_type_value]}", file=sys.stdout, flush=True)


@dg.logger(description="Compact progress lines for the command line")
def voortgang(_init_context):
    log = logging.Logger("systeemanalyse.voortgang", level=logging.INFO)
    log.addHandler(_Regels())
    return log
