"""The row model's two renderings agree: the pandera (polars) rules and the same rules compiled to DuckDB SQL
give every text the same reasons and every accepted row the same typed values — including the texts where
polars and DuckDB differ by default (Unicode digits and whitespace, signs, chrono's dates, ß)."""
import random
from datetime import date

import duckdb
import polars as pl
import polars.selectors  # noqa: F401
import pytest

from sources.contract import (duckdb_type, getypeerde_kolommen, getypeerde_kolommen_sql, met_hulpkolommen,
                              validiteitsregels)
from sources.inlezen import met_bestand_redenen, reden_sql, redenen_per_rij
from sources.register import ALLE
from tests.bouwer import bsn, dossier, woont

LASTIG = ["", " ", "\u00a0", "\x0b", "\t", "\n", "\u3000", "+", "-", "0", "00", "٣", "ß", "ﬁ", "ı", "ſ", "x", ";", '"']
VOORBEELDEN = {
    "bsn": [bsn(1), bsn(2), "123456789", "000000000", bsn(3)[1:], bsn(4)[:4] + " " + bsn(4)[4:], "٣" * 9,
            bsn(5)[:8] + "٣", " " + bsn(6), bsn(7) + "\u00a0", "12345678", "1234567890"],
    "datum": ["2026-01-05", "2026-1-5", " 2026-01-05", "2026-01-05 ", "+2026-01-05", "-001-01-01", "2026-02-30",
              "2024-02-29", "2026-13-01", "26-01-05", "02026-01-05", "2026- 1-05", "2026-01-05\n", "٢٠٢٦-01-05",
              "0000-01-01", "9999-12-31", "2026/01/05", "\u00a02026-01-05", "+300000-01-01", "2026-00-10"],
    "gbadatum": ["19700000", "19800500", "19800230", "00000000", "18000101", "17991231", "1980 101", "19801301",
                 "20261031", "٢٠٢٦1031", "2026103٣", "2026103", "202610311", "+1980101", "19800015", "20240229",
                 "20230229", "19801200", "19800001"],
    "getal": ["1", "0", "-1", "+5", " 5", "5 ", "007", "-0", "٣", "99999999999999999999", "1_0", "0x10", "12.5",
              "100000", "-100", "2"],
    "postcode": ["1234AB", "1234 ab", "9712\u00a0ab", "1234ß", "1234ﬁ", "0123AB", "1234ıS", "1234ſs", "٣234AB",
                 "1234ABC", "1234\x0bAB"],
    "kenteken": ["AB-123-C", "ab123c", "ab-12-ß", "ﬁ-12-34", "AB 123 C", "AB-123-CD", "ab\u00a0123c", "ıı1234"],
    "code": ["6030", "0001", "٣٣٣٣", "603", "WK001401", "BU00140100", "wk001401", "0014000000000001", "NL", "nl",
             "2026-10", "2026-13", "woonfunctie", "woonfunctie|winkelfunctie", "woonfunctie|", "kantoorfunctie"],
}


def _waarden(k) -> tuple[list[str], list[str]]:
    """All example texts for a column, and those its own validity rules accept."""
    soort = {"bsn": "bsn", "datum": "datum", "gbadatum": "gbadatum", "cent": "getal", "int": "getal",
             "postcode": "postcode", "kenteken": "kenteken"}.get(k.type, "code")
    waarden = k.waarden or (("0", "1") if k.type == "vlag" else ())
    alle = VOORBEELDEN[soort] + list(waarden) + [w.lower() for w in waarden]
    ok = pl.all_horizontal([e for _, e in validiteitsregels(k)] or [pl.lit(True)])
    goed = pl.DataFrame({k.naam: alle}).filter(ok)[k.naam].to_list()
    return alle, goed or alle


@pytest.mark.traag  # every contract file of a demo landing through both engines
@pytest.mark.parametrize("spec", ALLE, ids=lambda s: s.tabel)
def test_sql_and_pandera_give_the_same_reasons_and_values(spec):
    rnd = random.Random(spec.tabel)
    waarden = {k.naam: _waarden(k) for k in spec.kolommen}  # once per column, not once per row
    rijen = []
    for _ in range(1500):
        rij = {}
        for k in spec.kolommen:
            alle, goed = waarden[k.naam]
            r = rnd.random()
            rij[k.naam] = (None if r < 0.04 else rnd.choice(LASTIG) if r < 0.08 else rnd.choice(alle) if r < 0.2
                           else rnd.choice(goed))
        rijen.append(rij)
    frame = pl.DataFrame(rijen, schema={k.naam: pl.Utf8 for k in spec.kolommen})
    verwacht = redenen_per_rij(spec, frame, uniek=False)
    verwacht = dict(zip(verwacht["index"].to_list(), verwacht["reden"].to_list()))

    con = duckdb.connect()
    t = frame.with_row_index("_k")  # noqa: F841 - read by name below
    sql = con.sql(f"SELECT _k, {reden_sql(spec, date(2026, 10, 31), heel_bestand=False)} AS reden "
                  f"FROM ({met_hulpkolommen(spec.kolommen, 'SELECT * FROM t')}) ORDER BY _k")
    gekregen = {k: r for k, r in sql.fetchall() if r is not None}
    assert gekregen == verwacht
    assert 0 < len(verwacht) < len(rijen)

    goed = [i for i in range(len(rijen)) if i not in verwacht]
    kolommen = [k for k in spec.kolommen if not k.bijzonder]
    als_getal = pl.selectors.date().cast(pl.Int32)  # dates of any year (chrono reads '-001-01-01')
    polars_getypeerd = frame[goed].select([e for k in kolommen for e in getypeerde_kolommen(k)]) \
        .with_columns(als_getal)
    namen = [n for k in kolommen for n, _ in duckdb_type(k)]
    sql_getypeerd = con.sql(f"SELECT {', '.join(e + ' AS ' + n for e, n in zip((e for k in kolommen for e in getypeerde_kolommen_sql(k)), namen))} "
                            f"FROM ({met_hulpkolommen(kolommen, 'SELECT * FROM t')}) WHERE list_contains({goed}, _k) "
                            "ORDER BY _k").pl().with_columns(als_getal)
    assert sql_getypeerd.columns == polars_getypeerd.columns
    assert sql_getypeerd.rows() == polars_getypeerd.rows()


def _vast_pad_waarden(soort: str, rnd: random.Random) -> list[str]:
    """Texts on and around the ASCII fast paths of the SQL rules: canonical ASCII forms (valid and not), and
    the same with a Unicode digit, whitespace or a lower-case letter that must send them to the full rule."""
    uit = []
    for _ in range(3000):
        if soort == "bsn":
            w = "".join(rnd.choice("0123456789") for _ in range(9))
            if rnd.random() < 0.5:  # make it pass the 11-proef where a last digit can
                som = sum(g * int(c) for g, c in zip((9, 8, 7, 6, 5, 4, 3, 2), w))
                w = w[:8] + str(som % 11) if som % 11 < 10 else w
        elif soort == "gbadatum":
            j = rnd.choice([1799, 1800, 1899, 1900, 1999, 2000, 2023, 2024, 2100, 2400, 9999, rnd.randrange(0, 10000)])
            w = f"{j:04d}{rnd.randrange(0, 14):02d}{rnd.choice([0, 1, 28, 29, 30, 31, 32, rnd.randrange(0, 100)]):02d}"
        elif soort == "postcode":
            w = (rnd.choice("0123456789") + "".join(rnd.choice("0123456789") for _ in range(3))
                 + "".join(rnd.choice("ABZabß") for _ in range(2)))
        else:
            w = "".join(rnd.choice("AZ09az-ß") for _ in range(rnd.choice([5, 6, 6, 6, 7])))
        r = rnd.random()
        if r < 0.1:
            i = rnd.randrange(len(w))
            w = w[:i] + rnd.choice(["٣", " ", "\u00a0", "\u3000", "x", "ſ"]) + w[i + 1:]
        elif r < 0.15:
            w = rnd.choice([" ", "\n", "+", "-", "\u00a0"]) + w
        uit.append(w)
    return uit


@pytest.mark.parametrize("soort", ["bsn", "gbadatum", "postcode", "kenteken"])
def test_ascii_fast_paths_give_the_rules_verdicts(soort):
    """The SQL rules take an integer/ASCII shortcut for canonical ASCII values; on every text, the verdict per
    rule and the typed value are still exactly polars'."""
    from sources.contract import Kolom, validiteitsregels_sql

    k = Kolom("w", soort)
    waarden = _vast_pad_waarden(soort, random.Random(soort))
    frame = pl.DataFrame({"w": waarden})
    polars_fout = frame.select([(~e).alias(r) for r, e in validiteitsregels(k)])
    con = duckdb.connect()
    t = frame  # noqa: F841 - read by name below
    sql = con.sql(f"SELECT {', '.join(f + ' AS ' + chr(34) + r + chr(34) for r, f in validiteitsregels_sql(k))} "
                  f"FROM ({met_hulpkolommen([k], 'SELECT * FROM t')})").pl()
    assert sql.rows() == polars_fout.rows()
    assert 0 < polars_fout.select(pl.any_horizontal(pl.all()).sum()).item() < len(waarden)
    goed = frame.filter(~pl.any_horizontal(polars_fout))  # noqa: F841 - typed values of accepted rows only
    typed_sql = con.sql(f"SELECT {getypeerde_kolommen_sql(k)[-1]} AS w "
                        f"FROM ({met_hulpkolommen([k], 'SELECT * FROM goed')})").pl()
    typed_polars = goed.select(getypeerde_kolommen(k)[-1].alias("w"))
    if soort == "gbadatum":
        typed_sql, typed_polars = (f.with_columns(pl.col("w").cast(pl.Int32)) for f in (typed_sql, typed_polars))
    assert typed_sql["w"].to_list() == typed_polars["w"].to_list()


def _redenen(spec, rijen: list[dict]) -> list[str | None]:
    """Each row's reasons from both renderings, which must agree."""
    frame = pl.DataFrame([{k: None if v is None else str(v) for k, v in r.items()} for r in rijen],
                         schema={k.naam: pl.Utf8 for k in spec.kolommen})
    verwacht = redenen_per_rij(spec, frame, uniek=False)
    polars = dict(zip(verwacht["index"].to_list(), verwacht["reden"].to_list()))
    t = frame.with_row_index("_k")  # noqa: F841 - read by name below
    sql = duckdb.connect().sql(
        f"SELECT {reden_sql(spec, date(2026, 10, 31), heel_bestand=False)} "
        f"FROM ({met_hulpkolommen(spec.kolommen, 'SELECT * FROM t')}) ORDER BY _k").fetchall()
    assert [polars.get(i) for i in range(len(rijen))] == [r for (r,) in sql]
    return [r for (r,) in sql]


def test_digits_are_ascii_dates_are_exactly_jjjj_mm_dd_and_integers_fit_64_bits():
    """What an outside supplier delivered and the rules let through before: digits of other scripts (a BSN of
    Arabic-Indic zeros passed as valid), dates that are not JJJJ-MM-DD or in year 0 (which crashed a theme),
    integers that no 64-bit column holds (staged as empty)."""
    spec = next(s for s in ALLE if s.tabel == "gemeente_uitkeringen")
    d = dossier(1, 1, kostendelers=2, aanvang="2024-10-01")
    gevallen = {
        "٠٠٠٠٠٠٠٠٠": {**d, "bsn": "٠٠٠٠٠٠٠٠٠"},
        "0000-01-01": {**d, "datum_aanvang": "0000-01-01"},
        "2026-1-1": {**d, "datum_aanvang": "2026-1-1"},
        " 2026-01-01": {**d, "datum_aanvang": " 2026-01-01"},
        "+2026-01-01": {**d, "datum_aanvang": "+2026-01-01"},
        "26-01-01": {**d, "datum_aanvang": "26-01-01"},
        "+20000-01-01": {**d, "datum_einde": "+20000-01-01"},
        "-0005-01-01": {**d, "datum_einde": "-0005-01-01"},
        "einde 2024-9-30": {**d, "datum_einde": "2024-9-30"},
        "einde 2024-09-30": {**d, "datum_einde": "2024-09-30"},
        "20 cijfers": {**d, "kostendelers": "99999999999999999999"},
        "٣": {**d, "kostendelers": "٣"},
        "goed": {**d, "datum_einde": "2024-10-01", "kostendelers": "5"},
    }
    assert dict(zip(gevallen, _redenen(spec, list(gevallen.values())))) == {
        "٠٠٠٠٠٠٠٠٠": "bsn: geen 9 cijfers",
        "0000-01-01": "datum_aanvang: geen geldige datum (JJJJ-MM-DD)",
        "2026-1-1": "datum_aanvang: geen geldige datum (JJJJ-MM-DD)",
        " 2026-01-01": "datum_aanvang: geen geldige datum (JJJJ-MM-DD)",
        "+2026-01-01": "datum_aanvang: geen geldige datum (JJJJ-MM-DD)",
        "26-01-01": "datum_aanvang: geen geldige datum (JJJJ-MM-DD)",
        "+20000-01-01": "datum_einde: geen geldige datum (JJJJ-MM-DD)",  # no longer also "ligt voor datum_aanvang"
        "-0005-01-01": "datum_einde: geen geldige datum (JJJJ-MM-DD)",
        "einde 2024-9-30": "datum_einde: geen geldige datum (JJJJ-MM-DD)",  # was accepted: '2024-9' > '2024-1'
        "einde 2024-09-30": "datum_einde: ligt voor datum_aanvang",
        "20 cijfers": "kostendelers: getal te groot (meer dan 64 bits)",
        "٣": "kostendelers: geen geheel getal",
        "goed": None,
    }


def test_an_end_with_an_unknown_month_or_day_is_before_the_start_only_when_its_latest_date_is():
    spec = next(s for s in ALLE if s.tabel == "brp_verblijfplaatsen")
    gevallen = {("20240315", einde): woont(1, 1, aanvang="20240315", einde=einde)
                for einde in ("20240000", "20240300", "20240314", "20240200", "20230000", "20240315", "١٩٧٠٠١٠١")}
    gevallen[("١٩٧٠٠١٠١", None)] = woont(1, 1, aanvang="١٩٧٠٠١٠١")
    assert dict(zip(gevallen, _redenen(spec, list(gevallen.values())))) == {
        ("20240315", "20240000"): None, ("20240315", "20240300"): None, ("20240315", "20240315"): None,
        ("20240315", "20240314"): "datum_einde: ligt voor datum_aanvang",
        ("20240315", "20240200"): "datum_einde: ligt voor datum_aanvang",
        ("20240315", "20230000"): "datum_einde: ligt voor datum_aanvang",
        ("20240315", "١٩٧٠٠١٠١"): "datum_einde: geen geldige gbadatum (JJJJMMDD, 00 = onbekend)",
        ("١٩٧٠٠١٠١", None): "datum_aanvang: geen geldige gbadatum (JJJJMMDD, 00 = onbekend)",
    }


def test_each_orphan_rule_joins_the_referenced_file_once():
    """The whole-file facts are columns before the reasons are joined: `nullif` repeats its argument, so an
    orphan rule inside it would join the referenced file twice (at national scale 3 s per join)."""
    spec = next(s for s in ALLE if s.tabel == "brp_verblijfplaatsen")
    d = date(2026, 10, 31)
    con = duckdb.connect()
    con.execute("CREATE TABLE brp_personen AS SELECT * FROM (VALUES ('p1', DATE '2026-10-31'), "
                "('p2', DATE '2026-10-30')) v(bsn, leverdatum)")
    con.execute("CREATE TABLE brp_adressen AS SELECT * FROM (VALUES ('a1', DATE '2026-10-31')) v(adres_id, leverdatum)")
    con.execute("CREATE TABLE t AS SELECT * FROM (VALUES (0, 'b1', 'p1', 'a1', NULL), (1, 'b2', 'p2', 'a1', 'x'), "
                "(2, 'b1', 'p1', 'a9', NULL), (3, NULL, NULL, 'a9', NULL), (4, 'b1', 'p1', NULL, NULL)) "
                'v(_k, bsn, "_ph_bsn", adres_id, _rij)')
    sql = met_bestand_redenen(spec, d, "_rij", "SELECT * FROM t")
    plan = con.sql(f"EXPLAIN {sql}").fetchall()[0][1]
    assert plan.count("MARK") == len(spec.verwijzingen) == 2
    assert con.sql(f"SELECT _k, reden FROM ({sql}) ORDER BY _k").fetchall() == [
        (0, None), (1, "x; bsn: komt niet voor in personen.csv"), (2, "adres_id: komt niet voor in adressen.csv"),
        (3, "adres_id: komt niet voor in adressen.csv"), (4, None)]


def test_duplicate_keys_are_marked_without_a_window_over_the_rows():
    """A key that occurs more than once marks each of its rows, however often it occurs and whatever else the
    row fails; a missing key part is no duplicate (its row fails 'required'). Found by grouping the key columns
    of the file's records and a join on the duplicated keys: a window over the rows would carry every column
    through its partitions (at national scale half the CPU of the rules statement)."""
    spec = next(s for s in ALLE if s.tabel == "ib_vermogen")  # a key of three columns, one of them a date
    assert len(spec.sleutel) == 3
    d = date(2026, 10, 31)
    con = duckdb.connect()
    a, b, c = ("r1", "20260101"), ("r2", "20260101"), ("r1", "20260102")
    rijen = [(0, bsn(1), *a, None), (1, bsn(1), *a, "x"), (2, bsn(1), *b, None), (3, bsn(1), *a, None),
             (4, bsn(1), *c, None), (5, None, *c, None), (6, None, *c, None), (7, bsn(2), *a, None)]
    con.execute(f"CREATE TABLE t (_k INT, {', '.join(f'{chr(34)}{k}{chr(34)} VARCHAR' for k in spec.sleutel)}, "
                "_rij VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?)", rijen)
    sql = met_bestand_redenen(spec, d, "_rij", "SELECT * FROM t", records="t")
    assert "WINDOW" not in con.sql(f"EXPLAIN {sql}").fetchall()[0][1]
    assert con.sql(f"SELECT _k, reden FROM ({sql}) ORDER BY _k").fetchall() == [
        (0, "duplicaat"), (1, "x; duplicaat"), (2, None), (3, "duplicaat"), (4, None), (5, None), (6, None),
        (7, None)]
