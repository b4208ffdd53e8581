"""Excel files made for a person: formatted frozen header, fitted widths, real date cells, an explanation sheet,
and printable as they are: A4 landscape, one page wide, the header row on every page, long texts wrapped."""
from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import polars as pl
import xlsxwriter


OMLOOP_VANAF = 50  # a text column with longer values is wrapped at this width (reasons, facts, source fields)


def afdrukbaar(ws, titel: str) -> None:
    """Print setup: A4 landscape, every column on one page wide (as many pages down as needed), header row
    repeated on each page, the sheet and page number in the footer."""
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    ws.set_footer(f"&L{titel.replace('&', '&&')}&RPagina &P van &N")


def regels(tekst: str | None, breedte: float) -> int:
    """Lines a wrapped text takes in a column of this width (about 1.1 characters per width unit): the row
    height is set from it, since spreadsheet programs do not grow rows of a written file themselves."""
    if not tekst:
        return 1
    return sum(max(1, math.ceil(len(deel) / (breedte * 1.1))) for deel in tekst.split("\n"))


def rijhoogtes(ws, hoogtes: dict[int, int]) -> None:
    for i, n in hoogtes.items():
        if n > 1:
            ws.set_row(i, 15 * n)


def schrijf(pad: Path, frame: pl.DataFrame, blad: str, toelichting: list[tuple[str, object]] | None = None) -> None:
    """Write `frame` to one sheet and, optionally, a 'Toelichting' sheet of (label, value) rows."""
    pad.parent.mkdir(parents=True, exist_ok=True)
    with xlsxwriter.Workbook(str(pad), {"remove_timezone": True}) as wb:
        kop = wb.add_format({"bold": True, "bg_color": "#1F4E79", "font_color": "#FFFFFF", "text_wrap": True,
                             "valign": "top", "border": 1})
        datum = wb.add_format({"num_format": "dd-mm-yyyy", "valign": "top"})
        bedrag = wb.add_format({"num_format": "#,##0.00", "valign": "top"})
        boven = wb.add_format({"valign": "top"})
        tekst = wb.add_format({"text_wrap": False, "valign": "top"})
        omloop_tekst = wb.add_format({"text_wrap": True, "valign": "top"})
        ws = wb.add_worksheet(blad)
        hoogtes: dict[int, int] = {}
        for j, naam in enumerate(frame.columns):
            ws.write_string(0, j, naam, kop)
            reeks = frame[naam]
            if reeks.dtype == pl.Date:
                for i, v in enumerate(reeks.to_list(), start=1):
                    ws.write_datetime(i, j, v, datum) if v is not None else ws.write_blank(i, j, None)
                breedte = 12
            elif reeks.dtype.is_numeric():
                fmt = bedrag if reeks.dtype == pl.Float64 else boven
                for i, v in enumerate(reeks.to_list(), start=1):
                    ws.write_number(i, j, v, fmt) if v is not None else ws.write_blank(i, j, None)
                breedte = max(len(naam) + 2, 12)
            elif reeks.dtype == pl.Boolean:
                for i, v in enumerate(reeks.to_list(), start=1):
                    ws.write_boolean(i, j, v, boven) if v is not None else ws.write_blank(i, j, None)
                breedte = max(len(naam) + 2, 10)
            else:
                waarden = reeks.cast(pl.Utf8).to_list()
                langste = max([len(naam)] + [len(v) for v in waarden[:2000] if v])
                fmt = omloop_tekst if langste > OMLOOP_VANAF else tekst
                breedte = min(max(langste + 2, 10), OMLOOP_VANAF)
                for i, v in enumerate(waarden, start=1):
                    ws.write_string(i, j, v, fmt) if v is not None else ws.write_blank(i, j, None)
                    if fmt is omloop_tekst:
                        hoogtes[i] = max(hoogtes.get(i, 1), regels(v, breedte))
            ws.set_column(j, j, breedte)
        rijhoogtes(ws, hoogtes)
        ws.freeze_panes(1, 0)
        afdrukbaar(ws, f"{pad.stem} — {blad}")
        if frame.height:
            ws.autofilter(0, 0, frame.height, max(frame.width - 1, 0))
        if toelichting:
            uitleg = wb.add_worksheet("Toelichting")
            vet = wb.add_format({"bold": True, "valign": "top"})
            omloop = wb.add_format({"text_wrap": True, "valign": "top"})
            uitleg.set_column(0, 0, 32)
            uitleg.set_column(1, 1, 110)
            afdrukbaar(uitleg, f"{pad.stem} — Toelichting")
            for i, (label, waarde) in enumerate(toelichting):
                uitleg.write_string(i, 0, label, vet)
                if isinstance(waarde, date):
                    uitleg.write_datetime(i, 1, waarde, datum)
                elif isinstance(waarde, (int, float)) and not isinstance(waarde, bool):
                    uitleg.write_number(i, 1, waarde)
                else:
                    tekst_ = "" if waarde is None else str(waarde)
                    uitleg.write_string(i, 1, tekst_, omloop)
                    rijhoogtes(uitleg, {i: regels(tekst_, 110)})
