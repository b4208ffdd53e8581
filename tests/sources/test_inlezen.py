"""Every messy case of the landing contract, with its exact outcome: accepted, normalised or quarantined."""
import hashlib
import json
from datetime import date

import pytest

from kern import opslag
from sources import levering, pseudoniem
from sources.inlezen import lees_in
from sources.register import PER_BRON, bestand
from tests.bouwer import Landing, adres, bsn, csv_tekst, persoon, woont

P = date(2026, 10, 31)
PERSONEN_KOP = ["bsn", "geboortedatum", "geslacht", "geboorteland", "nationaliteit", "datum_overlijden"]


def ingest_brp(tmp_path, **bestanden):
    Landing(tmp_path / "landing").levering("brp", "2026-10-01", **bestanden)
    lev = levering.kies(tmp_path / "landing", "brp", P)
    assert lev.geaccepteerd, lev.reden
    con = opslag.verbind(tmp_path / "werk")
    uit = {s.stam: lees_in(con, lev, s) for s in PER_BRON["brp"]}
    return con, uit, lev


def ph(n: int) -> str:
    """The staged form of person n: the pseudonym of its BSN under the tests' key (tests/sources/conftest.py)."""
    return pseudoniem.pseudoniem(bsn(n), pseudoniem.sleutel("/nergens"))


def quarantaine(con, bestandsnaam):
    return con.sql("SELECT regel, reden FROM quarantaine WHERE bestand = ? ORDER BY regel",
                   params=[bestandsnaam]).fetchall()


def test_row_level_messy_cases(tmp_path):
    personen = [
        persoon(1),                                                  # line 2: fine
        {**persoon(2), "bsn": "123456789"},                           # 3: fails 11-proef
        {**persoon(3), "bsn": bsn(3)[1:]},                            # 4: 8 digits
        {**persoon(4), "bsn": bsn(4)[:4] + " " + bsn(4)[4:]},         # 5: a space
        persoon(5, geboortedatum="00000000"),                         # 6: date all zeros
        persoon(6, geboortedatum="19801301"),                         # 7: month 13
        persoon(7, geboortedatum="19800230"),                         # 8: 30 February
        persoon(8, geboortedatum="19800000"),                         # 9: unknown month and day: valid
        persoon(9, geboortedatum="19800500"),                         # 10: unknown day: valid
        persoon(10), persoon(10, geslacht="M"),                       # 11, 12: duplicate key: both out
        persoon(11, geslacht="X"),                                    # 13: not in the value set
        {**persoon(12), "geboortedatum": None},                       # 14: required field empty
    ]
    adressen = [adres(1), {**adres(2), "postcode": "9712 ab"}, {**adres(3), "oppervlakte_m2": 0}]
    vp = [woont(1, 1), woont(99, 1), woont(8, 2), {**woont(9, 1), "adres_id": None}, woont(1, 7, aanvang="20180101", einde="20190101"),
          woont(9, 2, aanvang="20200101", einde="20190101")]
    con, uit, _ = ingest_brp(tmp_path, personen=personen, adressen=adressen, verblijfplaatsen=vp)
    assert quarantaine(con, "personen.csv") == [
        (3, "bsn: voldoet niet aan de 11-proef"),
        (4, "bsn: 8 cijfers (voorloopnul verloren?)"),
        (5, "bsn: bevat spaties"),
        (6, "geboortedatum: geen geldige gbadatum (JJJJMMDD, 00 = onbekend)"),
        (7, "geboortedatum: geen geldige gbadatum (JJJJMMDD, 00 = onbekend)"),
        (8, "geboortedatum: geen geldige gbadatum (JJJJMMDD, 00 = onbekend)"),
        (11, "duplicaat"), (12, "duplicaat"),
        (13, "geslacht: onbekende waarde (toegestaan: M, V, O)"),
        (14, "geboortedatum: verplicht veld is leeg"),
    ]
    p = uit["personen"]
    assert (p.geleverd, p.geaccepteerd, p.quarantaine) == (13, 3, 10)
    partieel = dict((r[0], r[1:]) for r in con.sql(
        "SELECT bsn, geboortedatum_vroegst, geboortedatum_laatst FROM brp_personen").fetchall())
    assert partieel[ph(8)] == (date(1980, 1, 1), date(1980, 12, 31))
    assert partieel[ph(9)] == (date(1980, 5, 1), date(1980, 5, 31))
    assert quarantaine(con, "adressen.csv") == [(4, "oppervlakte_m2: kleiner dan 1")]
    assert con.sql("SELECT postcode FROM brp_adressen ORDER BY adres_id").fetchall() == [("9712AB",), ("9712AB",)]
    # orphans: person 99 not in personen; address 7 not in adressen; empty adres_id is valid (no BAG object)
    assert quarantaine(con, "verblijfplaatsen.csv") == [
        (3, "bsn: komt niet voor in personen.csv"),
        (6, "adres_id: komt niet voor in adressen.csv"),
        (7, "datum_einde: ligt voor datum_aanvang")]
    # nothing is lost: delivered = accepted + quarantined, for every file
    for i in uit.values():
        assert i.geleverd == i.geaccepteerd + i.quarantaine
    # special data is kept apart for the audit
    assert "geboorteland" not in con.sql("SELECT * FROM brp_personen LIMIT 0").columns
    assert con.sql("SELECT count(*) FROM audit.brp_personen_bijzonder").fetchall() == [(3,)]


def test_dialect_bom_crlf_column_order_quotes_and_extra_column(tmp_path):
    kop = ["geslacht", "bsn", "extra", "geboortedatum", "datum_overlijden", "nationaliteit", "geboorteland"]
    rijen = [{**persoon(1), "extra": 'een "quote"; en ;'}, {**persoon(2), "extra": "regel\nover twee regels"}]
    tekst = csv_tekst(kop, rijen, crlf=True, bom=True)
    tn = csv_tekst(bestand("rdw", "tenaamstellingen.csv").kolomnamen, [
        {"kenteken": "ab-123-c", "bsn": bsn(1), "datum_aanvang_tenaamstelling": "20260101",
         "voertuigsoort": "Personenauto", "merk": 'Merk; "Speciaal"'}])
    con, uit, lev = ingest_brp(tmp_path, personen=tekst)
    assert lev.waarschuwingen == ["personen.csv: onbekende kolom(men) genegeerd: extra"]
    assert (uit["personen"].geleverd, uit["personen"].geaccepteerd) == (2, 2)
    assert uit["personen"].extra_kolommen == ["extra"]
    assert sorted(con.sql("SELECT bsn, geslacht FROM brp_personen").fetchall()) == sorted([(ph(1), "V"), (ph(2), "V")])
    # header-only files are valid deliveries of zero rows
    assert (uit["relaties"].geleverd, uit["relaties"].geaccepteerd) == (0, 0)
    Landing(tmp_path / "landing").levering("rdw", "2026-10-01", tenaamstellingen=tn)
    rdw = levering.kies(tmp_path / "landing", "rdw", P)
    lees_in(con, rdw, bestand("rdw", "tenaamstellingen.csv"))
    assert con.sql("SELECT kenteken, merk FROM rdw_tenaamstellingen").fetchall() == [("AB123C", 'Merk; "Speciaal"')]


def test_a_semicolon_at_the_end_of_every_line_is_a_nameless_extra_column_and_ignored(tmp_path):
    """An outside supplier's export: `;` after the last field of the header and of every row. The nameless
    column (and an unknown column twice) is ignored with a warning, like any unknown column; it used to fail
    the run (DuckDB cannot read a column without a name)."""
    kop = PERSONEN_KOP + ["opmerking", "opmerking", ""]
    rijen = [{**persoon(1), "opmerking": "a"}, {**persoon(2), "bsn": "123"}]
    tekst = "".join(r + ";\n" for r in csv_tekst(PERSONEN_KOP + ["opmerking", "opmerking"], rijen).splitlines())
    assert tekst.splitlines()[0] == ";".join(kop)
    con, uit, lev = ingest_brp(tmp_path, personen=tekst)
    assert lev.waarschuwingen == ["personen.csv: onbekende kolom(men) genegeerd: opmerking, opmerking, (zonder naam)"]
    assert (uit["personen"].geleverd, uit["personen"].geaccepteerd, uit["personen"].quarantaine) == (2, 1, 1)
    assert con.sql("SELECT bsn FROM brp_personen").fetchall() == [(ph(1),)]
    assert quarantaine(con, "personen.csv") == [(3, "bsn: geen 9 cijfers")]


def test_a_contract_column_twice_rejects_the_delivery_and_says_which(tmp_path):
    tekst = csv_tekst(PERSONEN_KOP + ["geslacht"], [persoon(1)])
    Landing(tmp_path / "landing").levering("brp", "2026-10-01", personen=tekst, adressen=[], verblijfplaatsen=[],
                                           relaties=[])
    lev = levering.kies(tmp_path / "landing", "brp", P)
    assert not lev.geaccepteerd and lev.reden == (
        "levering brp/2026-10-01 afgewezen: personen.csv: kolomnaam komt dubbel voor in de kopregel: geslacht")


def test_unparsable_line_is_quarantined_with_its_line(tmp_path):
    goed = csv_tekst(PERSONEN_KOP, [persoon(1), persoon(2)])
    kapot = goed.rstrip("\n") + f"\n{bsn(3)};19800101;V;6030\n{bsn(4)};19800101;V;6030;0001;;x\n" + \
        csv_tekst(PERSONEN_KOP, [persoon(5)]).split("\n", 1)[1]
    con, uit, _ = ingest_brp(tmp_path, personen=kapot)
    q = quarantaine(con, "personen.csv")
    assert [r for r, _ in q] == [4, 5] and all(x.startswith("regel niet leesbaar als CSV") for _, x in q)
    assert (uit["personen"].geleverd, uit["personen"].geaccepteerd, uit["personen"].quarantaine) == (5, 3, 2)


def test_a_file_unchanged_beside_a_changed_file_it_refers_to_is_judged_again(tmp_path):
    """A delivery sent again into its folder with only personen.csv changed: verblijfplaatsen.csv has the same
    bytes, but its orphans changed (outside supplier's review: they stayed as in the first ingestion)."""
    verblijf = [woont(1, 1), woont(2, 1)]
    con, uit, _ = ingest_brp(tmp_path, personen=[persoon(1)], adressen=[adres(1)], verblijfplaatsen=verblijf)
    assert quarantaine(con, "verblijfplaatsen.csv") == [(3, "bsn: komt niet voor in personen.csv")]
    for personen, verwacht in (([persoon(1), persoon(2)], []),  # the person is delivered after all
                               ([persoon(1)], [(3, "bsn: komt niet voor in personen.csv")])):  # and withdrawn again
        Landing(tmp_path / "landing").levering("brp", "2026-10-01", personen=personen, adressen=[adres(1)],
                                               verblijfplaatsen=verblijf)
        lev = levering.kies(tmp_path / "landing", "brp", P)
        uit = {s.stam: lees_in(con, lev, s) for s in PER_BRON["brp"]}
        assert not uit["verblijfplaatsen"].hergebruikt and uit["adressen"].hergebruikt
        assert quarantaine(con, "verblijfplaatsen.csv") == verwacht
        assert con.sql("SELECT count(*) FROM brp_verblijfplaatsen").fetchall() == [(2 - len(verwacht),)]


def test_rerun_of_same_delivery_is_idempotent(tmp_path):
    con, uit, lev = ingest_brp(tmp_path, personen=[persoon(1), persoon(2), {**persoon(3), "bsn": "123"}])
    eerste = con.sql("SELECT * FROM brp_personen ORDER BY bsn").fetchall()
    opnieuw = lees_in(con, lev, bestand("brp", "personen.csv"))
    assert opnieuw.hergebruikt and (opnieuw.geaccepteerd, opnieuw.quarantaine) == (2, 1)
    assert con.sql("SELECT * FROM brp_personen ORDER BY bsn").fetchall() == eerste
    assert con.sql("SELECT count(*) FROM quarantaine").fetchall() == [(1,)]
    assert con.sql("SELECT count(*) FROM bestand_tellingen WHERE bestand = 'personen.csv'").fetchall() == [(1,)]


# --- whole-delivery rejection ------------------------------------------------------------------------

def lever_en_kies(tmp_path, wijzig):
    pad = Landing(tmp_path / "landing").levering("brp", "2026-10-01", personen=[persoon(1), persoon(2)])
    wijzig(pad)
    return levering.kies(tmp_path / "landing", "brp", P)


def _manifest(pad, **wijziging):
    m = json.loads((pad / "manifest.json").read_text())
    for item in m["bestanden"]:
        item.update(wijziging.get(item["naam"], {}))
    (pad / "manifest.json").write_text(json.dumps(m))


@pytest.mark.parametrize("wijzig, reden", [
    (lambda p: (p / "manifest.json").unlink(), "manifest.json ontbreekt"),
    (lambda p: (p / "manifest.json").write_text("{niet json"), "manifest.json is geen geldige JSON"),
    (lambda p: (p / "relaties.csv").unlink(), "relaties.csv ontbreekt"),
    (lambda p: (p / "personen.csv").write_bytes((p / "personen.csv").read_bytes()[:-30]),
     "personen.csv: sha256 wijkt af van manifest"),
    (lambda p: (p / "personen.csv").write_bytes((p / "personen.csv").read_bytes().replace(b"V", b"M")),
     "personen.csv: sha256 wijkt af van manifest"),
    (lambda p: _manifest(p, **{"personen.csv": {"rijen": 3}}), "personen.csv: 2 rijen, manifest zegt 3"),
    (lambda p: _manifest(p, **{"personen.csv": {"rijen": "2"}}),
     "manifest.json: 'rijen' van personen.csv is geen aantal (geheel getal >= 0): '2'"),
    (lambda p: _manifest(p, **{"personen.csv": {"rijen": 2.5}}), "'rijen' van personen.csv is geen aantal"),
])
def test_rejected_whole(tmp_path, wijzig, reden):
    lev = lever_en_kies(tmp_path, wijzig)
    assert lev.status == "afgewezen" and reden in lev.reden and "brp/2026-10-01" in lev.reden


def test_a_manifest_with_a_bom_is_read(tmp_path):
    lev = lever_en_kies(tmp_path, lambda p: (p / "manifest.json").write_bytes(
        b"\xef\xbb\xbf" + (p / "manifest.json").read_bytes()))
    assert lev.geaccepteerd, lev.reden


def test_what_is_no_delivery_folder_is_named_not_passed_over_in_silence(tmp_path):
    """A delivery put in suwi/20261030/ (or 2026-13-01/) is no delivery: the older one is used, with a warning
    naming the folder; with no delivery at all, the reason names it. Hidden entries (.DS_Store) are no news."""
    landing = Landing(tmp_path / "landing")
    landing.levering("brp", "2026-10-01", personen=[persoon(1)])
    landing.levering("brp", "2026-10-20", personen=[persoon(1)]).rename(tmp_path / "landing" / "brp" / "20261020")
    (tmp_path / "landing" / "brp" / "2026-13-01").mkdir()
    (tmp_path / "landing" / "brp" / "LEESMIJ.txt").write_text("x")
    (tmp_path / "landing" / "brp" / ".DS_Store").write_text("x")
    lev = levering.kies(tmp_path / "landing", "brp", P)
    assert lev.geaccepteerd and lev.leverdatum == date(2026, 10, 1)
    assert lev.waarschuwingen == [
        f"brp/{n}: geen leveringsmap (naam is geen leverdatum JJJJ-MM-DD); genegeerd"
        for n in ("2026-13-01/", "20261020/", "LEESMIJ.txt")]
    (tmp_path / "landing" / "brp" / "2026-10-01").rename(tmp_path / "landing" / "brp" / "oud")
    lev = levering.kies(tmp_path / "landing", "brp", P)
    assert not lev.geaccepteerd and lev.reden.endswith(
        "(wel in brp/: 2026-13-01/, 20261020/, LEESMIJ.txt, oud/; geen leverdatum JJJJ-MM-DD)")


def _herschrijf(pad, naam, data: bytes):
    (pad / naam).write_bytes(data)
    _manifest(pad, **{naam: {"sha256": hashlib.sha256(data).hexdigest()}})


def test_not_utf8_and_missing_column_reject_the_delivery(tmp_path):
    lev = lever_en_kies(tmp_path, lambda p: _herschrijf(
        p, "personen.csv", (p / "personen.csv").read_bytes().replace(b"V", b"\xe9")))
    assert lev.status == "afgewezen" and "personen.csv: regel 2: geen geldige UTF-8 (byte " in lev.reden
    lev = lever_en_kies(tmp_path / "b", lambda p: _herschrijf(
        p, "personen.csv", (p / "personen.csv").read_bytes().replace(b";datum_overlijden", b"")))
    assert lev.status == "afgewezen" and "verplichte kolom(men) ontbreken: datum_overlijden" in lev.reden
    assert "de kopregel heeft" not in lev.reden
    # a near miss (case, spaces) is named: the contract matches column names exactly
    lev = lever_en_kies(tmp_path / "c", lambda p: _herschrijf(
        p, "personen.csv", (p / "personen.csv").read_bytes().replace(b"bsn;", b"BSN ;", 1)))
    assert lev.reden.endswith("personen.csv: verplichte kolom(men) ontbreken: bsn (de kopregel heeft 'BSN ': "
                              "kolomnamen moeten exact overeenkomen, hoofdletters en spaties tellen mee)")


def test_newest_delivery_is_used_and_a_rejected_one_is_not_replaced(tmp_path):
    landing = Landing(tmp_path / "landing")
    landing.levering("brp", "2026-09-01", personen=[persoon(1)])
    landing.levering("brp", "2026-10-01", personen=[persoon(1), persoon(2)])
    landing.levering("brp", "2026-11-01", personen=[persoon(3)])          # after the peildatum: not used
    assert levering.kies(tmp_path / "landing", "brp", P).leverdatum == date(2026, 10, 1)
    (tmp_path / "landing" / "brp" / "2026-10-01" / "manifest.json").unlink()
    lev = levering.kies(tmp_path / "landing", "brp", P)
    assert lev.status == "afgewezen" and lev.leverdatum == date(2026, 10, 1)
    assert levering.kies(tmp_path / "landing", "brp", date(2026, 8, 1)).reden.startswith("geen levering van brp")


def test_line_numbers_after_skipped_lines_are_the_reference_count():
    """Line numbers of records when unparsable or blank lines were skipped: the ASOF join of the engine gives
    what the reference path counts (sources.inlezen._regelnummers), for many skipped lines, adjacent ones too."""
    import random

    import duckdb
    import numpy as np

    from sources import inlezen

    kans = random.Random(3)
    for _ in range(40):
        n = kans.randint(1, 300)
        overgeslagen = kans.sample(range(2, n + 400), kans.randint(0, 60))
        con = duckdb.connect()
        con.execute(f"CREATE TEMP TABLE {inlezen.GELEZEN} AS SELECT range AS x FROM range({n})")  # records 0..n-1
        sql = inlezen._drempels(con, overgeslagen)
        regels = [r[0] for r in con.sql(f"SELECT _regel FROM ({sql}) ORDER BY _k").fetchall()]
        assert regels == inlezen._regelnummers(0, n, np.array(sorted(set(overgeslagen)), dtype=np.int64)).tolist()


def test_small_file_planning_gives_the_same_rows_and_leaves_the_setting_as_it_was(tmp_path, monkeypatch):
    """Small files are planned without two optimizer passes (sources.inlezen.KLEIN): the same staged rows and
    quarantine as with every pass, and the connection's setting is back afterwards, also after a failure."""
    from sources import inlezen

    personen = [persoon(1), persoon(1), {**persoon(2), "bsn": "123456789"}, persoon(3, geslacht="X"), persoon(4)]
    vp = [woont(1, 1), woont(99, 1), woont(4, 2)]
    gezien = []

    def tabellen(con):
        gezien.append(con.sql("SELECT current_setting('disabled_optimizers')").fetchall()[0][0])
        return [con.sql(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
                for t in ("brp_personen", "brp_verblijfplaatsen", "quarantaine", "bestand_tellingen")]

    klein = tabellen(ingest_brp(tmp_path / "klein", personen=personen, adressen=[adres(1), adres(2)],
                                verblijfplaatsen=vp)[0])
    monkeypatch.setattr(inlezen, "KLEIN", 0)  # every file planned with every pass
    groot = tabellen(ingest_brp(tmp_path / "groot", personen=personen, adressen=[adres(1), adres(2)],
                                verblijfplaatsen=vp)[0])
    # both copies of 1, the 11-proef, the value set; then the residents 1 (no longer a person) and 99
    assert klein == groot and len(klein[2]) == 6 and gezien == ["", ""]

    monkeypatch.setattr(inlezen, "KLEIN", 20_000)
    con = opslag.verbind(tmp_path / "fout")

    def faalt(con, *_):
        assert con.sql("SELECT current_setting('disabled_optimizers')").fetchall()[0][0] == inlezen.KLEIN_OPTIMALISATIES
        with opslag.transactie(con):
            con.execute("SELECT error('kapot')")

    monkeypatch.setattr(inlezen, "_lees_in", faalt)
    lev = levering.kies(tmp_path / "klein" / "landing", "brp", P)
    with pytest.raises(Exception, match="kapot"):
        lees_in(con, lev, PER_BRON["brp"][0])
    assert con.sql("SELECT current_setting('disabled_optimizers')").fetchall()[0][0] == ""
