"""The next night validates only what changed: rows whose content an earlier ingestion of the same file
already judged (under the same rules) carry over their row verdict; duplicates and orphans are judged on the
whole delivery. Every case gives exactly the quarantine and staged rows of a full validation."""
from dataclasses import replace
from datetime import date

import duckdb

from kern import opslag
from sources import brp, levering
from sources import pseudoniem as ps
from sources.contract import ENUM, TEKST, Bestand, Kolom
from sources.inlezen import inhoud_sql, lees_in
from tests.bouwer import Landing, adres, bsn, persoon, woont

P1, P2 = date(2026, 9, 15), date(2026, 10, 31)
BASIS = {"personen": [persoon(i) for i in range(1, 7)], "adressen": [adres(1), adres(2)],
         "verblijfplaatsen": [woont(i, 1 + i % 2) for i in range(1, 7)],
         "relaties": [{"bsn": bsn(1), "relatie_bsn": bsn(2), "soort": "H", "datum_aanvang": "20100101"}]}


def _ingest(con, landing, peildatum, specs):
    lev = levering.kies(landing, "brp", peildatum)
    assert lev.geaccepteerd, lev.reden
    return {s.stam: lees_in(con, lev, s) for s in specs}


def _uitkomst(con, leverdatum):
    q = con.sql("SELECT bestand, regel, ruwe_waarden, reden FROM quarantaine WHERE leverdatum = ? "
                "ORDER BY bestand, regel", params=[leverdatum]).fetchall()
    staged = {t: con.sql(f"SELECT * FROM {t} WHERE leverdatum = ? ORDER BY regel", params=[leverdatum]).fetchall()
              for t in ("brp_personen", "brp_adressen", "brp_verblijfplaatsen", "brp_relaties")}
    return q, staged


def nacht(tmp_path, tweede: dict, eerste: dict | None = None, specs_tweede=brp.BESTANDEN):
    """Delivery 1, then delivery 2 incrementally; and delivery 2 validated in full in a fresh werkmap.
    Asserts both give the same quarantine and staged rows; returns the incremental ingestion of night 2."""
    landing = Landing(tmp_path / "landing")
    landing.levering("brp", "2026-09-01", **{**BASIS, **(eerste or {})})
    landing.levering("brp", "2026-10-01", **{**BASIS, **tweede})
    con = opslag.verbind(tmp_path / "incrementeel")
    _ingest(con, tmp_path / "landing", P1, brp.BESTANDEN)
    nacht2 = _ingest(con, tmp_path / "landing", P2, specs_tweede)
    vol = Landing(tmp_path / "vol")
    vol.levering("brp", "2026-10-01", **{**BASIS, **tweede})
    con_vol = opslag.verbind(tmp_path / "volledig")
    volledig = _ingest(con_vol, tmp_path / "vol", P2, specs_tweede)
    assert _uitkomst(con, date(2026, 10, 1)) == _uitkomst(con_vol, date(2026, 10, 1))
    assert all(volledig[s].rij_voor_rij == volledig[s].geleverd for s in volledig)
    return nacht2, _uitkomst(con, date(2026, 10, 1))[0]


def test_changed_row_becomes_invalid(tmp_path):
    personen = [persoon(i) for i in range(1, 7)]
    personen[2] = persoon(3, geslacht="X")
    n, q = nacht(tmp_path, {"personen": personen})
    assert [(b, r, reden) for b, r, _, reden in q] == [
        ("personen.csv", 4, "geslacht: onbekende waarde (toegestaan: M, V, O)"),
        ("verblijfplaatsen.csv", 4, "bsn: komt niet voor in personen.csv")]  # unchanged row, now an orphan
    assert n["personen"].rij_voor_rij == 1 and n["verblijfplaatsen"].rij_voor_rij == 0


def test_invalid_row_corrected(tmp_path):
    fout = [persoon(i) for i in range(1, 7)]
    fout[1] = {**persoon(2), "geboortedatum": "19801301"}
    n, q = nacht(tmp_path, {}, eerste={"personen": fout})
    assert q == [] and n["personen"].rij_voor_rij == 1 and n["personen"].geaccepteerd == 6


def test_row_deleted(tmp_path):
    n, q = nacht(tmp_path, {"adressen": [adres(1)], "verblijfplaatsen": [woont(i, 1) for i in range(1, 7)]})
    assert q == [] and n["adressen"].rij_voor_rij == 0 and n["adressen"].geaccepteerd == 1


def test_duplicate_appearing(tmp_path):
    n, q = nacht(tmp_path, {"personen": [persoon(i) for i in range(1, 7)] + [persoon(2, geslacht="M")]})
    assert [(r, reden) for b, r, _, reden in q if b == "personen.csv"] == [(3, "duplicaat"), (8, "duplicaat")]
    assert n["personen"].rij_voor_rij == 1  # the unchanged first copy carried its (clean) row verdict


def test_reference_broken_because_another_file_changed(tmp_path):
    n, q = nacht(tmp_path, {"personen": [persoon(i) for i in range(2, 7)]})
    assert [(b, r, reden) for b, r, _, reden in q] == [
        ("verblijfplaatsen.csv", 2, "bsn: komt niet voor in personen.csv")]
    assert n["verblijfplaatsen"].rij_voor_rij == 0  # the file did not change, the orphan is found anyway


def test_rule_version_change_invalidates_every_carried_verdict(tmp_path):
    # the same delivery again, but the rules changed: geslacht V is no longer allowed
    kolommen = tuple(Kolom("geslacht", ENUM, verplicht=True, waarden=("M", "O")) if k.naam == "geslacht" else k
                     for k in brp.PERSONEN.kolommen)
    specs = (replace(brp.PERSONEN, kolommen=kolommen), *brp.BESTANDEN[1:])
    n, q = nacht(tmp_path, {}, specs_tweede=specs)
    personen = [r for b, _, _, r in q if b == "personen.csv"]
    assert len(personen) == 6 and all(r.endswith("(toegestaan: M, O)") for r in personen)
    assert n["personen"].rij_voor_rij == 6 and n["relaties"].rij_voor_rij == 0


def test_identical_rows_keep_one_verdict_and_carry_it_over(tmp_path):
    personen = [persoon(i) for i in range(1, 7)] + [persoon(3)]  # row 8 is row 4 again, byte for byte
    n, q = nacht(tmp_path, {"personen": personen}, eerste={"personen": personen})
    assert [(b, r, reden) for b, r, _, reden in q] == [
        ("personen.csv", 4, "duplicaat"), ("personen.csv", 8, "duplicaat"),
        ("verblijfplaatsen.csv", 4, "bsn: komt niet voor in personen.csv")]  # no accepted person 3 left
    assert n["personen"].rij_voor_rij == 0
    con = opslag.verbind(tmp_path / "incrementeel")
    assert con.sql("SELECT count(*), count(DISTINCT inhoud) FROM rij_oordelen WHERE bestand = 'personen.csv'"
                   ).fetchall() == [(6, 6)]


def test_unchanged_rows_carry_over_their_pseudonyms(tmp_path):
    """An unchanged row takes its pseudonyms from its earlier verdict instead of computing the HMAC again: a marked
    stored pseudonym shows up in the staged table (the other cases hold them equal to a full validation)."""
    landing = Landing(tmp_path / "landing")
    landing.levering("brp", "2026-09-01", **BASIS)  # the next night one relation more (else the file is copied)
    landing.levering("brp", "2026-10-01", **{**BASIS, "relaties": BASIS["relaties"] + [
        {"bsn": bsn(3), "relatie_bsn": bsn(4), "soort": "H", "datum_aanvang": "20150101"}]})
    con = opslag.verbind(tmp_path / "w")
    _ingest(con, tmp_path / "landing", P1, brp.BESTANDEN)
    ph = con.sql("SELECT bsn FROM brp_relaties").fetchall()[0][0]
    assert con.sql("SELECT pseudoniemen FROM rij_oordelen WHERE bestand = 'relaties.csv'").fetchall() == [
        ([ph, con.sql("SELECT relatie_bsn FROM brp_relaties").fetchall()[0][0]],)]
    con.execute("UPDATE rij_oordelen SET pseudoniemen = ['gemerkt', pseudoniemen[2]] WHERE bestand = 'relaties.csv'")
    n = _ingest(con, tmp_path / "landing", P2, brp.BESTANDEN)
    assert n["relaties"].rij_voor_rij == 1 and n["relaties"].gekopieerd_van is None
    assert con.sql("SELECT bsn FROM brp_relaties WHERE leverdatum = DATE '2026-10-01' ORDER BY regel").fetchall()[0] \
        == ("gemerkt",)


def test_verdicts_of_a_werkmap_from_before_pseudonyms_were_kept_are_judged_again(tmp_path):
    landing = Landing(tmp_path / "landing")
    for datum in ("2026-09-01", "2026-10-01"):
        landing.levering("brp", datum, **BASIS)
    con = opslag.verbind(tmp_path / "w")
    _ingest(con, tmp_path / "landing", P1, brp.BESTANDEN)
    con.execute("ALTER TABLE rij_oordelen DROP COLUMN pseudoniemen")
    con.execute("DELETE FROM bestand_tellingen")  # nothing to copy the same files from
    n = _ingest(con, tmp_path / "landing", P2, brp.BESTANDEN)
    assert all(i.rij_voor_rij == i.geleverd for i in n.values())  # judged in full once
    con.execute("DELETE FROM bestand_tellingen")  # the same delivery ingested again: now everything carries over
    assert [i.rij_voor_rij for i in _ingest(con, tmp_path / "landing", P2, brp.BESTANDEN).values()] == [0, 0, 0, 0]


def test_rule_version_is_the_same_in_every_process():
    """The next night runs in another process: a rule version that depended on the process (an object's address,
    the hash seed) would judge every row again, and skip no unchanged file."""
    import subprocess
    import sys

    code = ("from sources.register import PER_BRON; from sources.inlezen import regelversie, codeversie; "
            "print([(regelversie(s), codeversie(s)) for b in PER_BRON.values() for s in b])")
    uit = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**__import__("os").environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert len(uit) == 1, uit


def test_content_hash_is_keyed_and_tells_every_content_apart():
    """A row's content hash depends on the werkmap's key (stored hashes cannot be tested against guessed rows
    without it), is the same for the same content and key, and tells apart contents a plain text join would
    confuse: NULL and the text 'null', a separator inside a value."""
    spec = Bestand("brp", "x.csv", (Kolom("a", TEKST), Kolom("b", TEKST)))
    rijen = [("1", "2"), ("1", None), ("1", "null"), ("1", ""), ("1,2", None), ("1", ",2"), ("1", "2")]

    def hashes(key: bytes) -> list[int]:
        con = duckdb.connect()
        ps.maak_macro(con, key)
        con.execute("CREATE TABLE t (i INTEGER, a VARCHAR, b VARCHAR)")
        con.executemany("INSERT INTO t VALUES (?, ?, ?)", [(i, *r) for i, r in enumerate(rijen)])
        return [h for (h,) in con.sql(f"SELECT {ps.MACRO}_inhoud({inhoud_sql(spec)}) FROM t ORDER BY i").fetchall()]

    a, b = hashes(b"sleutel-a"), hashes(b"sleutel-b")
    assert a == hashes(b"sleutel-a")
    assert a[0] == a[6] and len(set(a[:6])) == 6
    assert not set(a) & set(b)


def test_a_file_identical_to_an_earlier_delivery_is_copied_not_judged_again(tmp_path):
    """adressen.csv and relaties.csv are the same bytes as last night: their staged rows and quarantine are copied.
    verblijfplaatsen.csv is the same bytes too, but its orphan rules read personen.csv, which changed: judged."""
    adressen = [adres(1), adres(2), {**adres(3), "postcode": "12345"}, {**adres(4), "huisnummer": "x"}]
    personen = [persoon(i) for i in range(1, 7)]
    personen[2] = persoon(3, geslacht="X")
    n, q = nacht(tmp_path, {"adressen": adressen, "personen": personen}, eerste={"adressen": adressen})
    assert n["adressen"].gekopieerd_van == n["relaties"].gekopieerd_van == date(2026, 9, 1)
    assert n["adressen"].rij_voor_rij == 0 and (n["adressen"].geaccepteerd, n["adressen"].quarantaine) == (2, 2)
    assert list(n["adressen"].redenen.values()) == [1, 1]
    assert n["verblijfplaatsen"].gekopieerd_van is None and n["personen"].gekopieerd_van is None
    assert [(b, r) for b, r, _, _ in q] == [("adressen.csv", 4), ("adressen.csv", 5), ("personen.csv", 4),
                                            ("verblijfplaatsen.csv", 4)]


def test_a_copy_needs_the_earlier_delivery_staged_in_full(tmp_path):
    """Retention removed last night's staged addresses: the same file is judged again, not copied from nothing."""
    landing = Landing(tmp_path / "landing")
    landing.levering("brp", "2026-09-01", **BASIS)
    landing.levering("brp", "2026-10-01", **BASIS)
    con = opslag.verbind(tmp_path / "w")
    _ingest(con, tmp_path / "landing", P1, brp.BESTANDEN)
    con.execute("DELETE FROM brp_adressen WHERE leverdatum = DATE '2026-09-01' AND regel = 2")
    n = _ingest(con, tmp_path / "landing", P2, brp.BESTANDEN)
    assert n["adressen"].gekopieerd_van is None and n["adressen"].geaccepteerd == 2
    assert n["personen"].gekopieerd_van == date(2026, 9, 1)
    assert con.sql("SELECT count(*) FROM brp_adressen WHERE leverdatum = DATE '2026-10-01'").fetchall() == [(2,)]


def test_the_same_delivery_again_under_new_rules_for_a_referenced_file_finds_the_new_orphans(tmp_path):
    """A rerun after the rules of personen.csv changed: verblijfplaatsen.csv, whose own bytes and rules did not
    change, is judged again (its orphans depend on which persons the new rules accept), not taken over."""
    landing = Landing(tmp_path / "landing")
    landing.levering("brp", "2026-09-01", **BASIS)
    con = opslag.verbind(tmp_path / "w")
    _ingest(con, tmp_path / "landing", P1, brp.BESTANDEN)
    kolommen = tuple(Kolom("geslacht", ENUM, verplicht=True, waarden=("M", "O")) if k.naam == "geslacht" else k
                     for k in brp.PERSONEN.kolommen)
    n = _ingest(con, tmp_path / "landing", P1, (replace(brp.PERSONEN, kolommen=kolommen), *brp.BESTANDEN[1:]))
    assert n["personen"].geaccepteerd == 0 and not n["verblijfplaatsen"].hergebruikt
    assert n["verblijfplaatsen"].redenen == {"bsn: komt niet voor in personen.csv": 6}
    assert n["adressen"].hergebruikt and n["relaties"].hergebruikt


def test_the_log_counts_as_unchanged_only_rows_whose_verdict_carried_over():
    """A first delivery with an unparsable line judged every record row by row: nothing 'unchanged since the
    previous delivery' (the log said 'the rest' of the delivered rows was)."""
    from assets.bronnen import _ongewijzigd
    from sources.inlezen import ONLEESBAAR, Inlezing

    onleesbaar = {f"{ONLEESBAAR}MISSING COLUMNS: Expected Number of Columns: 6 Found: 3": 1}
    assert _ongewijzigd(Inlezing(brp.PERSONEN, 5, 4, 1, onleesbaar, rij_voor_rij=4)) == 0
    assert _ongewijzigd(Inlezing(brp.PERSONEN, 5, 4, 1, onleesbaar, rij_voor_rij=1)) == 3
    assert _ongewijzigd(Inlezing(brp.PERSONEN, 5, 5, 0, rij_voor_rij=0, gekopieerd_van=P1)) == 0
    assert _ongewijzigd(Inlezing(brp.PERSONEN, 5, 5, 0, hergebruikt=True)) == 0
