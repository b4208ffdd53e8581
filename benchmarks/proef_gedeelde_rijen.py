"""Measures the design the next night needs before it is built: staged rows shared between deliveries.

Today each delivery of a file is a full typed copy in its staged table, so the next night writes every row again
(16-23 s per big BRP file at landelijk) although ~1% changed. The alternative stores each distinct row once
(`rijen`: row id, content hash, typed columns) and per delivery only its membership in file order (`lid`:
leverdatum, regel, row id); a reader sees a delivery through the join of the two. This script takes one staged
table of a werkmap that holds two deliveries (e.g. after `bench_run.py --tweede-nacht`), builds both layouts
from it in a scratch database, and times, with the same DuckDB settings:

- the write of the newer delivery: today's full typed copy against the membership rows plus the rows that are new;
- a reader of that delivery: a projection with a filter, as the themes and GX read it, direct and through the join;
- the same for layout B: each distinct row once with the deliveries it is valid in (van, tot), which the next
  night updates in place (rows gone get `tot`, new rows come in) and a reader filters on; the delivery's line
  numbers, which only the examples of a failed check need, in a narrow table (leverdatum, regel, hash);
- the size of each layout.

    python benchmarks/proef_gedeelde_rijen.py --werkmap /tmp/bench/landelijk/werk --tabel brp_verblijfplaatsen \
        [--lezer "functie_adres = 'W'"] [--json uit.json]
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def klok(con, sql: str, params=None) -> tuple[float, list]:
    start = time.monotonic()
    rij = con.execute(sql, params or []).fetchall()
    return round(time.monotonic() - start, 2), rij


def main(argv=None) -> int:
    import duckdb

    a = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    a.add_argument("--werkmap", type=Path, required=True)
    a.add_argument("--tabel", default="brp_verblijfplaatsen")
    a.add_argument("--lezer", default="true", help="a reader's filter on the delivery's rows (SQL)")
    a.add_argument("--json", type=Path)
    args = a.parse_args(argv)

    kladmap = Path(tempfile.mkdtemp(prefix="proef_rijen_", dir=args.werkmap))
    try:
        con = duckdb.connect(str(kladmap / "proef.duckdb"))
        con.execute(f"ATTACH '{args.werkmap / 'systeemanalyse.duckdb'}' AS w (READ_ONLY)")
        t = args.tabel
        oud, nieuw = [r[0] for r in con.sql(f"SELECT DISTINCT leverdatum FROM w.{t} ORDER BY 1").fetchall()[-2:]]
        kolommen = [r[0] for r in con.sql(f"SELECT column_name FROM (DESCRIBE w.{t})").fetchall()
                    if r[0] not in ("regel", "leverdatum")]
        lijst = ", ".join(f'"{k}"' for k in kolommen)
        def hash_van(prefix: str = "") -> str:  # the row's content hash (typed columns as text, as ingestion hashes)
            return f"md5_number(to_json([{', '.join(f'{prefix}{chr(34)}{k}{chr(34)}::VARCHAR' for k in kolommen)}]))"
        h = hash_van()
        # the state after the first night, in both layouts (untimed)
        con.execute(f"CREATE TABLE kopie AS SELECT * FROM w.{t} WHERE leverdatum = ? ORDER BY regel", [oud])
        con.execute(f"CREATE TABLE rijen AS SELECT row_number() OVER () - 1 AS rij_id, {h} AS h, {lijst} "
                    f"FROM (SELECT DISTINCT {lijst} FROM w.{t} WHERE leverdatum = ?)", [oud])
        con.execute("CREATE TABLE lid (leverdatum DATE, regel BIGINT, rij_id BIGINT)")
        con.execute(f"CREATE TEMP TABLE nieuw AS SELECT *, {h} AS h FROM w.{t} WHERE leverdatum = ? ORDER BY regel",
                    [nieuw])  # stands in for the parsed delivery, with the hash ingestion computes anyway
        # layout B: each distinct row once with the deliveries it is valid in (van <= leverdatum < tot)
        con.execute(f"CREATE TABLE geldig AS SELECT h, {lijst}, DATE '{oud}' AS van, NULL::DATE AS tot FROM rijen")
        con.execute("CHECKPOINT")
        uit: dict = {"tabel": t, "leverdata": [str(oud), str(nieuw)],
                     "rijen_nieuwe_levering": con.sql("SELECT count(*) FROM nieuw").fetchall()[0][0]}

        # the write of the newer delivery
        uit["schrijven_volledige_kopie_s"], _ = klok(
            con, "INSERT INTO kopie SELECT * EXCLUDE (h) FROM nieuw ORDER BY regel")
        start = time.monotonic()
        con.execute("BEGIN")
        con.execute("CREATE TEMP TABLE nieuwe_rijen AS SELECT h, any_value(COLUMNS(* EXCLUDE (h, regel, "
                    "leverdatum))) FROM nieuw WHERE h NOT IN (SELECT h FROM rijen) GROUP BY h")
        con.execute(f"INSERT INTO rijen SELECT (SELECT max(rij_id) FROM rijen) + row_number() OVER (), h, {lijst} "
                    "FROM nieuwe_rijen")
        con.execute("INSERT INTO lid SELECT n.leverdatum, n.regel, r.rij_id FROM nieuw n JOIN rijen r USING (h) "
                    "ORDER BY n.regel")
        con.execute("COMMIT")
        uit["schrijven_gedeeld_s"] = round(time.monotonic() - start, 2)
        uit["nieuwe_rijen"] = con.sql("SELECT count(*) FROM nieuwe_rijen").fetchall()[0][0]
        start = time.monotonic()
        con.execute("BEGIN")
        con.execute(f"UPDATE geldig SET tot = DATE '{nieuw}' WHERE tot IS NULL AND h NOT IN (SELECT h FROM nieuw)")
        con.execute(f"INSERT INTO geldig SELECT h, {lijst}, DATE '{nieuw}', NULL FROM nieuwe_rijen")
        con.execute("COMMIT")
        uit["schrijven_geldigheid_s"] = round(time.monotonic() - start, 2)
        # with B, a delivery's line numbers (for the examples of a failed check) in a narrow table of their own
        con.execute("CREATE TABLE regels (leverdatum DATE, regel BIGINT, h UHUGEINT)")
        uit["schrijven_regelnummers_s"], _ = klok(con, "INSERT INTO regels SELECT leverdatum, regel, h FROM nieuw "
                                                       "ORDER BY regel")
        uit["vervallen_rijen"] = con.sql(f"SELECT count(*) FROM geldig WHERE tot = DATE '{nieuw}'").fetchall()[0][0]
        # and the first night's membership, so the table holds two deliveries like the copy
        con.execute(f"INSERT INTO lid SELECT k.leverdatum, k.regel, r.rij_id FROM kopie k JOIN rijen r "
                    f"ON r.h = {hash_van('k.')} WHERE k.leverdatum = ?", [oud])
        con.execute("CHECKPOINT")

        # a reader of the newer delivery
        som = " + ".join(f'hash("{k}") % 1000' for k in kolommen[:3])
        direct = f"SELECT count(*), sum({som}) FROM kopie WHERE leverdatum = ? AND ({args.lezer})"
        via = (f"SELECT count(*), sum({som}) FROM (SELECT r.* EXCLUDE (rij_id, h) FROM lid "
               f"JOIN rijen r USING (rij_id) WHERE lid.leverdatum = ?) WHERE ({args.lezer})")
        uit["lezen_direct_s"], r1 = klok(con, direct, [nieuw])
        uit["lezen_via_lid_s"], r2 = klok(con, via, [nieuw])
        geldig = (f"SELECT count(*), sum({som}) FROM geldig WHERE van <= ? AND (tot IS NULL OR tot > ?) "
                  f"AND ({args.lezer})")
        uit["lezen_geldigheid_s"], r3 = klok(con, geldig, [nieuw, nieuw])
        uit["lezen_direct_s"], r1 = klok(con, direct, [nieuw])  # again, warm like the others
        # the same rows, but for identical rows in one delivery: layout B (as measured) keeps each content once
        uit["lezer_zelfde_uitkomst"] = {"via_lid": r1 == r2, "geldigheid": r1 == r3}
        con.close()
        grootte = duckdb.connect(str(kladmap / "proef.duckdb"))
        for tabel in ("kopie", "rijen", "lid", "geldig", "regels"):
            uit[f"blokken_{tabel}"] = grootte.sql(
                f"SELECT count(DISTINCT block_id) FROM pragma_storage_info('{tabel}')").fetchall()[0][0]
        grootte.close()
    finally:
        shutil.rmtree(kladmap, ignore_errors=True)
    print(json.dumps(uit, indent=1))
    if args.json:
        args.json.write_text(json.dumps(uit, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
