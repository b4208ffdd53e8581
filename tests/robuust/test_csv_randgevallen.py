"""The two crash kinds the fuzzer found, each with its exact outcome.

A blank line holds no field at all (a record of empty fields still has its delimiters): it is no data row.
The contract counts data rows (`rijen`, extracts.md), so the delivery check does not count it, the reader skips
it, and the quarantine's line numbers still point at the physical lines. Line ends other than the file's own
\n and \r\n both occur, also within one file (extracts.md: messy): such a file is read through a copy with one
line end, with the same records and line numbers; a record whose quoted field holds line ends keeps the line it
begins on, and so does every record after it. A lone CR is no line end of the contract's dialect: the
delivery is rejected with one line naming the file and the line — never a parser crash.
"""
from __future__ import annotations

import json
from datetime import date

from sources import levering
from sources.inlezen import ONLEESBAAR
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


@pytest.mark.parametrize("nl, veld", [("\n", None), ("\r\n", None), ("\n", '"Neder\nland"')],
                         ids=["lf", "crlf", "veld-over-twee-regels"])
def test_more_blank_lines_than_the_facts_keep_still_give_each_row_its_own_line(tmp_path, monkeypatch, nl, veld):
    """A double-spaced export (a blank line after every row) has more blank lines than a delivery's facts keep the
    numbers of (MAX_LEGE, 10,000; here 2): the reader finds them all again in the file, so the quarantine and the
    staged rows keep the file's own line numbers (they came one short for every blank line past the limit). Also
    when a quoted field of the first row runs over two lines (its second line is no blank line and no record; a
    geboorteland code with a line end in it is quarantined, on the line the row begins on)."""
    monkeypatch.setattr(levering, "MAX_LEGE", 2)
    rijen = [_rij(1, **({"geboorteland": veld} if veld else {}))] + [_rij(n) for n in range(2, 6)] \
        + [_rij(6, geboortedatum="19801301")]
    tekst = KOP + nl + "".join(r + nl + nl for r in rijen)  # row n on line 2n (+1 after the two-line field)
    lever_alles(tmp_path / "landing", personen=tekst)
    con = ingest(tmp_path / "landing", tmp_path / "werk", P)
    na = 1 if veld else 0
    assert con.sql("SELECT geleverd, geaccepteerd, quarantaine FROM bestand_tellingen "
                   "WHERE bestand = 'personen.csv'").fetchall() == [(6, 5 - na, 1 + na)]
    assert con.sql("SELECT regel FROM quarantaine WHERE bestand = 'personen.csv' ORDER BY regel").fetchall() == [
        *([(2,)] if veld else []), (12 + na,)]
    assert con.sql("SELECT regel FROM brp_personen ORDER BY regel").fetchall() == [
        *([] if veld else [(2,)]), *[(2 * n + na,) for n in range(2, 6)]]


def test_a_short_row_is_quarantined_with_the_number_of_fields_it_has(tmp_path):
    """DuckDB reports a short row once per missing column ("Found: 3", "Found: 4", "Found: 5"): the reason names
    the one that is true, and a line of spaces has one field."""
    tekst = f"{KOP}\n{_rij(1)}\n{';'.join(_rij(2).split(';')[:3])}\n   \n{_rij(3)}\n"
    lever_alles(tmp_path / "landing", personen=tekst)
    con = ingest(tmp_path / "landing", tmp_path / "werk", P)
    assert con.sql("SELECT regel, reden FROM quarantaine WHERE bestand = 'personen.csv' ORDER BY regel").fetchall() == [
        (3, f"{ONLEESBAAR}MISSING COLUMNS: Expected Number of Columns: 6 Found: 3"),
        (4, f"{ONLEESBAAR}MISSING COLUMNS: Expected Number of Columns: 6 Found: 1")]


def test_blank_line_counted_by_the_supplier_rejects_the_delivery_with_the_count(tmp_path):
    landing = lever_alles(tmp_path / "landing", personen=f"{KOP}\n{_rij(1)}\n\n{_rij(2)}\n")
    _manifest_rijen(landing, "personen.csv", 3)
    lev = levering.kies(tmp_path / "landing", "brp", P)
    assert not lev.geaccepteerd
    assert lev.reden == ("levering brp/2026-10-01 afgewezen: personen.csv: 2 rijen (lege regels niet meegeteld: 1), "
                         "manifest zegt 3 (afgekapt of onvolledig?)")


def test_a_stray_quote_rejects_the_delivery_naming_the_line_it_opens_on(tmp_path):
    """A field that begins with a quote it never closes makes the rest of the file one field: fewer records than
    the manifest says. The reason names the line, not only a count that suggests a truncated file."""
    rijen = [_rij(1), _rij(2), _rij(3, geslacht='"M'), _rij(4), _rij(5)]
    landing = lever_alles(tmp_path / "landing", personen=KOP + "\n" + "\n".join(rijen) + "\n")
    _manifest_rijen(landing, "personen.csv", 5)
    lev = levering.kies(tmp_path / "landing", "brp", P)
    assert not lev.geaccepteerd
    assert lev.reden.startswith("levering brp/2026-10-01 afgewezen: personen.csv: ")
    assert lev.reden.endswith(", manifest zegt 5 (afgekapt of onvolledig?); vanaf regel 4 loopt een veld tussen "
                              "aanhalingstekens door over de regeleinden tot het eind van het bestand: staat daar "
                              'een " die niet gesloten wordt?')


def test_lone_carriage_return_rejects_the_delivery_naming_file_and_line(tmp_path):
    lever_alles(tmp_path / "landing", personen=f"{KOP}\n{_rij(1)}\n{_rij(2)}\r{_rij(3)}\n")
    lev = levering.kies(tmp_path / "landing", "brp", P)
    assert not lev.geaccepteerd
    assert lev.reden == ("levering brp/2026-10-01 afgewezen: personen.csv: regel 3: losse CR; het contract kent als "
                         "regeleinde alleen \\n en \\r\\n (een CR in een veld moet tussen \"\")")


def test_a_file_with_cr_line_ends_only_and_bytes_that_are_no_utf8_are_rejected_naming_the_line(tmp_path):
    lever_alles(tmp_path / "landing", personen=f"{KOP}\r{_rij(1)}\r{_rij(2)}\r")
    lev = levering.kies(tmp_path / "landing", "brp", P)
    assert lev.reden == ("levering brp/2026-10-01 afgewezen: personen.csv: regel 1: losse CR; het contract kent als "
                         "regeleinde alleen \\n en \\r\\n (een CR in een veld moet tussen \"\")")
    tekst = f"{KOP}\n{_rij(1)}\n{_rij(2)}\n".encode()
    fout = tekst.index(b"\n", len(KOP) + 1) + 3  # in line 3
    lever_alles(tmp_path / "b", personen=tekst[:fout] + b"\xe9" + tekst[fout + 1:])
    lev = levering.kies(tmp_path / "b", "brp", P)
    assert lev.reden == f"levering brp/2026-10-01 afgewezen: personen.csv: regel 3: geen geldige UTF-8 (byte {fout})"


@pytest.mark.parametrize("quotes", [False, True], ids=["zonder quotes", "met quotes"])
def test_mixed_line_ends_in_one_file_are_read_with_exact_records_and_line_numbers(tmp_path, quotes):
    """LF and CRLF mixed in one file, and a quarantined row; without quotes a blank line too, with quotes a quoted
    field holding a ';' and, in the last record, one holding a CRLF: every record accepted or quarantined at its
    line, nothing lost."""
    from sources.brp import ADRESSEN
    from tests.bouwer import adres

    kop = ";".join(ADRESSEN.kolomnamen)

    def rij(n: int, **extra) -> str:
        return ";".join(str({**adres(n), **extra}.get(k) or "") for k in ADRESSEN.kolomnamen)

    fout = rij(3, oppervlakte_m2="0")  # quarantined: an area of 0
    if quotes:  # 1 header, 2 address 1, 3 address 2, 4 address 3, 5 address 5, 6-7 address 4
        een, vier = rij(1, woonplaats='"Gro;ningen"'), rij(4, woonplaats='"Groningen\r\nStad"')
        tekst = f"{kop}\r\n{een}\n{rij(2)}\r\n{fout}\n{rij(5)}\r\n{vier}\r\n"
        regels, quarantaine = [(2,), (3,), (5,), (6,)], 4
    else:  # 1 header, 2 address 1, 3 blank, 4 address 2, 5 address 3, 6 address 4, 7 address 5
        tekst = f"{kop}\r\n{rij(1)}\n\r\n{rij(2)}\r\n{fout}\n{rij(4)}\r\n{rij(5)}\n"
        regels, quarantaine = [(2,), (4,), (6,), (7,)], 5
    landing = lever_alles(tmp_path / "landing", adressen=tekst)
    lev = levering.kies(landing.root, "brp", P)
    assert lev.geaccepteerd, lev.reden
    assert lev.bestanden["adressen.csv"]["regeleinden"] == levering.GEMENGD
    con = ingest(tmp_path / "landing", tmp_path / "werk", P)
    assert con.sql("SELECT geleverd, geaccepteerd, quarantaine FROM bestand_tellingen "
                   "WHERE bestand = 'adressen.csv'").fetchall() == [(5, 4, 1)]
    assert con.sql("SELECT regel, reden FROM quarantaine WHERE bestand = 'adressen.csv'").fetchall() == [
        (quarantaine, "oppervlakte_m2: kleiner dan 1")]
    assert con.sql("SELECT regel FROM brp_adressen ORDER BY regel").fetchall() == regels
    if quotes:
        woonplaatsen = dict(con.sql("SELECT regel, woonplaats FROM brp_adressen").fetchall())
        assert (woonplaatsen[2], woonplaatsen[6]) == ("Gro;ningen", "Groningen\nStad")
    assert not list(tmp_path.glob("systeemanalyse-regeleinden-*"))


def test_records_after_a_field_with_line_ends_keep_their_own_line_numbers(tmp_path):
    """Quoted fields holding line ends (and a blank line inside one) in the middle of the file, a blank line, an
    unparsable line and a quarantined row after them: every record at the line it begins on (outside supplier's
    review: they were numbered by record, 2 lines too low after the first two such fields)."""
    from sources.brp import ADRESSEN
    from tests.bouwer import adres

    def rij(n: int, **extra) -> str:
        return ";".join(str({**adres(n), **extra}.get(k) or "") for k in ADRESSEN.kolomnamen)

    tekst = "\n".join([";".join(ADRESSEN.kolomnamen),               # 1
                        rij(1, woonplaats='"Gro\nningen"'),          # 2-3
                        rij(2),                                      # 4
                        "",                                          # 5 blank
                        rij(3, woonplaats='"a ""b""\n\nc"'),          # 6-8, with a blank line inside
                        rij(6) + ";x;y",                             # 9 too many fields
                        rij(4, oppervlakte_m2="0"),                  # 10 quarantined
                        rij(5)]) + "\n"                              # 11
    landing = lever_alles(tmp_path / "landing", adressen=tekst)
    lev = levering.kies(landing.root, "brp", P)
    assert lev.bestanden["adressen.csv"]["vervolgregels"] == [3, 7, 8]
    con = ingest(tmp_path / "landing", tmp_path / "werk", P)
    assert con.sql("SELECT geleverd, geaccepteerd, quarantaine FROM bestand_tellingen "
                   "WHERE bestand = 'adressen.csv'").fetchall() == [(6, 4, 2)]
    q = con.sql("SELECT regel, reden FROM quarantaine WHERE bestand = 'adressen.csv' ORDER BY regel").fetchall()
    assert [r for r, _ in q] == [9, 10] and q[0][1].startswith("regel niet leesbaar als CSV: ")
    assert q[1][1] == "oppervlakte_m2: kleiner dan 1"
    assert con.sql("SELECT regel, woonplaats FROM brp_adressen ORDER BY regel").fetchall() == [
        (2, "Gro\nningen"), (4, "Groningen"), (6, 'a "b"\n\nc'), (11, "Groningen")]
