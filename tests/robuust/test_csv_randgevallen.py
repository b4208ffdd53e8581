"""The two crash kinds the fuzzer found, each with its exact outcome.

A blank line holds no field at all (a record of empty fields still has its delimiters): it is no data row.
The contract counts data rows (`rijen`, extracts.md), so the delivery check does not count it, the reader skips
it, and the quarantine's line numbers still point at the physical lines. Line ends other than the file's own
style (a lone CR, LF and CRLF mixed) outside quotes are not CSV in the contract's dialect: the delivery is
rejected with one line naming the file and the line — never a parser crash.
"""
from __future__ import annotations

import json
from datetime import date

from sources import levering
from sources.brp import PERSONEN
from tests.bouwer import persoon
from tests.helpers import ingest, lever_alles
import pytest

pytestmark = pytest.mark.traag  # ingests through Dagster

P = date(2026, 10, 31)
KOP = ";".join(PERSONEN.kolomnamen)


def _rij(n: int, **extra) -> str:
    return ";".join(str({**persoon(n), **extra}.get(k) or "") for k in PERSONEN.kolomnamen)


def _manifest_rijen(landing, bestand: str, rijen: int) -> None:
    [pad] = list(landing.root.glob("brp/*/manifest.json"))
    m = json.loads(pad.read_text())
    for item in m["bestanden"]:
        if item["naam"] == bestand:
            item["rijen"] = rijen
    pad.write_text(json.dumps(m))


def test_blank_line_is_no_record_and_line_numbers_stay_physical(tmp_path):
    # line 1 header, 2 person 1, 3 blank, 4 person 2, 5 person 3 with a 13th month (quarantined), 6 blank at the end
    tekst = f"{KOP}\n{_rij(1)}\n\n{_rij(2)}\n{_rij(3, geboortedatum='19801301')}\n\n"
    lever_alles(tmp_path / "landing", personen=tekst)
    con = ingest(tmp_path / "landing", tmp_path / "werk", P)
    assert con.sql("SELECT geleverd, geaccepteerd, quarantaine FROM bestand_tellingen "
                   "WHERE bestand = 'personen.csv'").fetchall() == [(3, 2, 1)]
    assert con.sql("SELECT regel FROM quarantaine WHERE bestand = 'personen.csv'").fetchall() == [(5,)]
    assert con.sql("SELECT regel FROM brp_personen ORDER BY regel").fetchall() == [(2,), (4,)]


def test_blank_line_counted_by_the_supplier_rejects_the_delivery_with_the_count(tmp_path):
    landing = lever_alles(tmp_path / "landing", personen=f"{KOP}\n{_rij(1)}\n\n{_rij(2)}\n")
    _manifest_rijen(landing, "personen.csv", 3)
    lev = levering.kies(tmp_path / "landing", "brp", P)
    assert not lev.geaccepteerd
    assert lev.reden == ("levering brp/2026-10-01 afgewezen: personen.csv: 2 rijen (lege regels niet meegeteld: 1), "
                         "manifest zegt 3 (afgekapt of onvolledig?)")


def test_lone_carriage_return_rejects_the_delivery_naming_file_and_line(tmp_path):
    lever_alles(tmp_path / "landing", personen=f"{KOP}\n{_rij(1)}\n{_rij(2)}\r{_rij(3)}\n")
    lev = levering.kies(tmp_path / "landing", "brp", P)
    assert not lev.geaccepteerd
    assert lev.reden.startswith("levering brp/2026-10-01 afgewezen: personen.csv: regel 3: losse CR of \\n en \\r\\n "
                                "door elkaar")


def test_mixed_line_ends_reject_the_delivery(tmp_path):
    lever_alles(tmp_path / "landing", personen=f"{KOP}\r\n{_rij(1)}\r\n{_rij(2)}\n{_rij(3)}\r\n")
    lev = levering.kies(tmp_path / "landing", "brp", P)
    assert "personen.csv: regel 3: losse CR" in lev.reden


def test_crlf_file_with_blank_lines_and_bom_is_accepted(tmp_path):
    tekst = "\ufeff" + "\r\n".join([KOP, _rij(1), "", _rij(2), ""]) + "\r\n"
    lever_alles(tmp_path / "landing", personen=tekst)
    con = ingest(tmp_path / "landing", tmp_path / "werk", P)
    assert con.sql("SELECT geleverd, geaccepteerd, quarantaine FROM bestand_tellingen "
                   "WHERE bestand = 'personen.csv'").fetchall() == [(2, 2, 0)]
    assert con.sql("SELECT regel FROM brp_personen ORDER BY regel").fetchall() == [(2,), (4,)]


def test_parser_state_error_in_a_quoted_file_is_a_rejection_not_a_crash(tmp_path):
    # a stray quote, then a lone CR: DuckDB's strict CSV state machine gives up; the delivery check rejects
    lever_alles(tmp_path / "landing", personen=f'{KOP}\n{_rij(1)}\n1;2"\r;3\n{_rij(3)}\n')
    lev = levering.kies(tmp_path / "landing", "brp", P)
    assert not lev.geaccepteerd
    assert lev.reden.startswith("levering brp/2026-10-01 afgewezen: personen.csv: niet leesbaar als CSV volgens het "
                                "contract (vermoedelijk bij regel 3): ")
    assert "\n" not in lev.reden
