"""Pseudonymisation: the key comes from the environment or an owner-only werkmap file; analysis tables key
persons by HMAC pseudonym and hold no BSN."""
import hashlib
import hmac
import stat

import duckdb
import polars as pl

from sources import pseudoniem
from sources.register import PER_BRON
from tests.bouwer import bsn
from tests.lineage.conftest import alle_bsns

# From ingestion on every table keys persons by pseudonym. The BSN stays only in the quarantined raw values and in
# the clients' table (applicants and partners of the municipality's own dossiers); source tables keep the
# contract's column names (bsn, partner_bsn, relatie_bsn) for the pseudonyms.
MET_BSN = {"quarantaine", pseudoniem.KLANTEN}
BRONTABELLEN = {s.tabel for specs in PER_BRON.values() for s in specs} | {
    "run_bronnen", "bestand_tellingen", "controle_resultaten", "rij_oordelen"}
KLANTEN = {1, 2, 3, 4, 7, *range(20, 45)}  # tests/lineage/conftest.py: every applicant and partner of a dossier


def test_key_from_environment_creates_no_file(tmp_path, monkeypatch):
    monkeypatch.setenv("SYSTEEMANALYSE_PSEUDONIEM_SLEUTEL", "geheim-uit-de-omgeving")
    assert pseudoniem.sleutel(tmp_path) == b"geheim-uit-de-omgeving"
    assert not (tmp_path / pseudoniem.BESTAND).exists()


def test_key_file_is_created_owner_only_and_stable(tmp_path, monkeypatch):
    monkeypatch.delenv("SYSTEEMANALYSE_PSEUDONIEM_SLEUTEL", raising=False)
    eerste = pseudoniem.sleutel(tmp_path / "werk")
    pad = tmp_path / "werk" / pseudoniem.BESTAND
    assert stat.S_IMODE(pad.stat().st_mode) == 0o600
    assert len(eerste) == 64 and pseudoniem.sleutel(tmp_path / "werk") == eerste
    assert pseudoniem.sleutel(tmp_path / "ander") != eerste


def test_pseudonyms_are_keyed_hmac_and_null_safe():
    s = pseudoniem.pseudoniemen(pl.Series([bsn(1), None, bsn(1), bsn(2)]), b"k")
    verwacht = hmac.new(b"k", bsn(1).encode(), hashlib.sha256).hexdigest()[:32]
    assert s.to_list() == [verwacht, None, verwacht, s[3]] and s[3] != verwacht
    assert pseudoniem.pseudoniemen(pl.Series([bsn(1)]), b"andere")[0] != verwacht
    assert hashlib.sha256(bsn(1).encode()).hexdigest()[:32] != verwacht     # not a plain (reversible) hash


def test_no_table_holds_a_bsn_but_the_clients_table_and_the_quarantine(run):
    werkmap = run["werkmap"]
    assert stat.S_IMODE((werkmap / pseudoniem.BESTAND).stat().st_mode) == 0o600
    assert stat.S_IMODE(werkmap.stat().st_mode) == 0o700
    sleutel = (werkmap / pseudoniem.BESTAND).read_text().strip().encode()
    con = duckdb.connect(str(werkmap / "systeemanalyse.duckdb"), read_only=True)
    tabellen = con.sql("SELECT table_schema, table_name FROM information_schema.tables "
                       "WHERE table_catalog = current_database()").fetchall()
    assert {"populatie", "funnel_leden", "funnel_stappen", "signalen", "uitsluitingen", "brp_personen",
            "gemeente_uitkeringen", pseudoniem.KLANTEN} <= {t for _, t in tabellen}
    bsns = alle_bsns()
    for schema, tabel in tabellen:
        if tabel in MET_BSN:
            continue
        frame = con.sql(f'SELECT COLUMNS(*)::VARCHAR FROM "{schema}"."{tabel}"').pl()  # lists too, as text
        tekst = frame.write_csv()
        assert not [b for b in bsns if b in tekst], tabel
        if tabel not in BRONTABELLEN and schema == "main":
            assert "bsn" not in {c.lower() for c in frame.columns}, tabel
    # the clients' table: exactly the applicants and partners of the municipality's dossiers, by pseudonym
    klanten = con.sql(f"SELECT ph, bsn FROM {pseudoniem.KLANTEN}").fetchall()
    assert sorted(b for _, b in klanten) == sorted(bsn(n) for n in KLANTEN)
    assert all(ph == pseudoniem.pseudoniem(b, sleutel) for ph, b in klanten)
    # staged persons and the household are keyed by the HMAC of the werkmap's key: inzage can find them, nobody
    # can reverse them
    rij = con.sql("SELECT aanvrager_ph, partner_ph FROM populatie WHERE dossier_id = 'D00001'").fetchall()[0]
    co = con.sql("SELECT count(*) FROM brp_personen WHERE bsn = ?", params=[pseudoniem.pseudoniem(bsn(6), sleutel)])
    assert co.fetchall() == [(1,)]
    con.close()
    assert rij == tuple(hmac.new(sleutel, bsn(n).encode(), hashlib.sha256).hexdigest()[:32] for n in (1, 2))
