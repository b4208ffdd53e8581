"""The one pass over a delivered file's bytes (sources.levering._hash_en_tel) reads it in blocks, with fast paths
for the usual block (ASCII only, no CR, no blank line). Whatever the block size, it must tell the same facts —
sha256, lines, header, quotes, the first broken line end, blank lines — and reject the same files."""
from __future__ import annotations

import hashlib
import random

import pytest

from sources import levering

# the pieces a hostile file is made of: separators, quotes, every line end, blank lines, multi-byte characters
# (split over block boundaries by small blocks) and bytes that are no UTF-8
STUKKEN = [b"a", b"1", b";", b'"', b"\n", b"\r", b"\r\n", b"\n\n", b"\n\r\n", b"\xc3\xa9", b"\xe2\x82\xac", b"\xff",
           b"\xc3"]


def _scan(pad, blok: int, monkeypatch):
    monkeypatch.setattr(levering, "_BLOK", blok)
    try:
        return levering._hash_en_tel(pad)
    except levering.Afwijzing as fout:
        return f"afgewezen: {fout}"


def test_the_scan_tells_the_same_facts_at_every_block_size(tmp_path, monkeypatch):
    rnd = random.Random(20261130)
    pad = tmp_path / "bestand.csv"
    soorten = {"geldig": 0, "afgewezen": 0, "lege regels": 0, "regeleinde fout": 0}
    for _ in range(1500):
        stukken = STUKKEN if rnd.random() < 0.3 else [s for s in STUKKEN if s not in (b"\xff", b"\xc3")]
        if rnd.random() < 0.5:
            stukken = [s for s in stukken if b"\r" not in s]
        data = b"kop;b\n" + b"".join(rnd.choice(stukken) for _ in range(rnd.randint(0, 60)))
        pad.write_bytes(data)
        heel = _scan(pad, 1 << 20, monkeypatch)  # the whole file in one block: no boundary at all
        for blok in (1, 2, 3, 5, 8):
            assert repr(_scan(pad, blok, monkeypatch)) == repr(heel), (data, blok)
        if isinstance(heel, str):
            soorten["afgewezen"] += 1
        else:
            soorten["geldig"] += 1
            assert heel.sha256 == hashlib.sha256(data).hexdigest()
            soorten["lege regels"] += heel.lege_aantal > 0
            soorten["regeleinde fout"] += heel.regeleinde_fout is not None
    assert all(n >= 50 for n in soorten.values()), soorten  # every kind of file was made often enough


@pytest.mark.parametrize("data,lege,fout", [
    (b"kop\na\n\nb\n", [3], None),
    (b"kop\r\na\r\n\r\nb\r\n", [3], None),
    (b"kop\na\r\nb\n", [], None),  # both line ends: valid (extracts.md), read through a copy
    (b"kop\na\rb\n", [], 2),  # a lone CR: no line end of the contract
    (b"kop\r\na\r\r\n", [], 2),
    (b"kop\n\xc3\xa9\n\n", [3], None),
])
def test_blank_lines_and_line_ends_at_a_block_boundary(tmp_path, monkeypatch, data, lege, fout):
    pad = tmp_path / "bestand.csv"
    pad.write_bytes(data)
    for blok in range(1, len(data) + 1):
        scan = _scan(pad, blok, monkeypatch)
        assert (scan.lege_regels, scan.regeleinde_fout) == (lege, fout), blok
        assert scan.gemengd == (b"\r\n" in data and b"\n" in data.replace(b"\r\n", b"")), blok


def test_files_are_read_side_by_side_but_judged_in_contract_order(tmp_path):
    """The files of a delivery are scanned in parallel; the rejection still names the first file in contract order
    that fails, whichever scan finishes first."""
    from datetime import date

    from sources.register import PER_BRON
    from tests.bouwer import Landing, adres, persoon, woont

    namen = [s.naam for s in PER_BRON["brp"]]
    for kapot in (namen[::-1], namen[1:], namen[-1:]):  # every file from the first broken one on is broken
        root = tmp_path / "-".join(n.removesuffix(".csv") for n in kapot)
        Landing(root).levering("brp", "2026-10-01", personen=[persoon(1)], adressen=[adres(1)],
                               verblijfplaatsen=[woont(1, 1)])
        for naam in kapot:
            pad = root / "brp" / "2026-10-01" / naam
            pad.write_bytes(pad.read_bytes() + b"\n")  # no longer the manifest's sha256
        lev = levering.kies(root, "brp", date(2026, 10, 31))
        eerste = next(n for n in namen if n in kapot)
        assert not lev.geaccepteerd and f"afgewezen: {eerste}: sha256 wijkt af" in lev.reden, lev.reden
