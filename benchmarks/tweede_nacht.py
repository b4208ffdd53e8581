"""The second night: a landing with one new BRP delivery in which ~1% of the persons changed (moves, deaths,
births: a death ends the partnerships, a newborn gets two parents) and the municipality's daily delivery again;
the addresses and the other sources stay as they were.

    python benchmarks/tweede_nacht.py --landing /tmp/bench/g4/landing --uit /tmp/bench/g4/landing2 [--datum 2026-11-01]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _schrijf(con, sql: str, pad: Path) -> None:
    con.execute(f"COPY ({sql}) TO '{pad}' (FORMAT csv, DELIMITER ';', HEADER, QUOTE '\"', NULLSTR '')")


def _manifest(map_: Path, bron: str, leverdatum: date) -> None:
    import duckdb

    from sources.levering import CSV_OPTIES, kolomtypes
    from sources.register import PER_BRON

    items = []
    for spec in PER_BRON[bron]:
        pad = map_ / spec.naam
        kop = pad.open(encoding="utf-8").readline().lstrip("\ufeff").rstrip("\r\n").split(";")
        rijen = duckdb.connect().sql(f"SELECT count(*) FROM read_csv('{pad}', {CSV_OPTIES}, columns={kolomtypes(kop)})"
                                     ).fetchall()[0][0]
        items.append({"naam": spec.naam, "rijen": rijen, "sha256": hashlib.sha256(pad.read_bytes()).hexdigest()})
    (map_ / "manifest.json").write_text(json.dumps({"bron": bron, "leverdatum": leverdatum.isoformat(),
                                                    "bestanden": items}))


def maak(landing: Path, uit: Path, datum: date, aandeel: float = 0.01, seed: int = 1) -> dict:
    import duckdb

    from sources.levering import CSV_OPTIES, kies, kolomtypes

    shutil.rmtree(uit, ignore_errors=True)
    for bron_map in landing.iterdir():  # every earlier delivery, as links: nothing is copied
        for lev in bron_map.iterdir():
            doel = uit / bron_map.name / lev.name
            doel.mkdir(parents=True)
            for f in lev.iterdir():
                os.link(f, doel / f.name)
    con = duckdb.connect()
    con.execute(f"SELECT setseed({seed / 10})")
    brp = kies(landing, "brp", datum)
    nieuw = uit / "brp" / datum.isoformat()
    nieuw.mkdir(parents=True)

    def lees(naam: str) -> str:
        return (f"read_csv('{brp.pad / naam}', {CSV_OPTIES}, columns={kolomtypes(brp.bestanden[naam]['kolommen'])}, "
                "ignore_errors=true)")

    d, g = datum.strftime("%Y%m%d"), datum.isoformat()
    # deaths and moves among ~aandeel of the persons; births as new persons with a valid BSN
    con.execute(f"CREATE TABLE p AS SELECT * FROM {lees('personen.csv')}")
    con.execute(f"CREATE TABLE gekozen AS SELECT bsn, random() AS r FROM p WHERE datum_overlijden IS NULL "
                f"AND random() < {aandeel}")
    con.execute(f"UPDATE p SET datum_overlijden = '{d}' WHERE bsn IN (SELECT bsn FROM gekozen WHERE r < 0.3)")
    geboren = int(con.sql("SELECT count(*) FROM p").fetchall()[0][0] * aandeel * 0.3)
    con.execute(f"""CREATE TABLE nieuw AS SELECT lpad(b::VARCHAR, 9, '0') AS bsn FROM range(900000000, 999999999) t(b)
        WHERE ((9*(b//100000000%10) + 8*(b//10000000%10) + 7*(b//1000000%10) + 6*(b//100000%10) + 5*(b//10000%10)
              + 4*(b//1000%10) + 3*(b//100%10) + 2*(b//10%10) - (b%10)) % 11) = 0
          AND lpad(b::VARCHAR, 9, '0') NOT IN (SELECT bsn FROM p) LIMIT {geboren}""")
    con.execute(f"INSERT INTO p (bsn, geboortedatum, geslacht, geboorteland, nationaliteit) "
                f"SELECT bsn, '{d}', 'V', '6030', '0001' FROM nieuw")
    _schrijf(con, "SELECT * FROM p", nieuw / "personen.csv")
    con.execute(f"CREATE TABLE v AS SELECT * FROM {lees('verblijfplaatsen.csv')}")
    con.execute(f"CREATE TABLE verhuist AS SELECT bsn FROM gekozen WHERE r >= 0.3")
    con.execute("CREATE TABLE adres AS SELECT adres_id, row_number() OVER () - 1 AS i FROM "
                "(SELECT DISTINCT adres_id FROM v WHERE adres_id IS NOT NULL ORDER BY adres_id)")
    n = con.sql("SELECT count(*) FROM adres").fetchall()[0][0]
    con.execute(f"CREATE TABLE naar AS SELECT v.bsn, a.adres_id FROM v JOIN verhuist USING (bsn) "
                f"JOIN adres a ON a.i = hash(v.bsn) % {n} WHERE v.datum_einde IS NULL AND v.functie_adres = 'W'")
    con.execute(f"UPDATE v SET datum_einde = '{d}' WHERE datum_einde IS NULL AND functie_adres = 'W' "
                "AND bsn IN (SELECT bsn FROM verhuist)")
    con.execute(f"INSERT INTO v (bsn, adres_id, functie_adres, datum_aanvang) SELECT bsn, adres_id, 'W', '{d}' FROM naar "
                f"UNION ALL SELECT nieuw.bsn, a.adres_id, 'W', '{d}' FROM nieuw JOIN adres a ON a.i = hash(nieuw.bsn) % {n}")
    _schrijf(con, "SELECT * FROM v", nieuw / "verblijfplaatsen.csv")
    # relations: a death ends the partnerships of the deceased, a newborn gets two parents (O) who get a child (K)
    con.execute(f"CREATE TABLE rel AS SELECT * FROM {lees('relaties.csv')}")
    con.execute(f"UPDATE rel SET datum_einde = '{d}' WHERE soort = 'H' AND datum_einde IS NULL AND (bsn IN "
                "(SELECT bsn FROM gekozen WHERE r < 0.3) OR relatie_bsn IN (SELECT bsn FROM gekozen WHERE r < 0.3))")
    con.execute("CREATE TABLE ouders AS SELECT bsn, row_number() OVER (ORDER BY bsn) - 1 AS i FROM p "
                "WHERE datum_overlijden IS NULL AND geboortedatum BETWEEN '19800101' AND '20051231'")
    ouders = max(con.sql("SELECT count(*) FROM ouders").fetchall()[0][0], 1)  # none: no newborn gets a parent
    con.execute(f"CREATE TABLE ouderpaar AS SELECT nieuw.bsn AS kind, o.bsn AS ouder FROM nieuw JOIN ouders o "
                f"ON o.i = hash(nieuw.bsn) % {ouders} UNION ALL SELECT nieuw.bsn, o.bsn FROM nieuw JOIN ouders o "
                f"ON o.i = hash(nieuw.bsn || 'tweede') % {ouders}")
    con.execute(f"INSERT INTO rel (bsn, relatie_bsn, soort, datum_aanvang) SELECT kind, ouder, 'O', '{d}' FROM ouderpaar "
                f"UNION ALL SELECT ouder, kind, 'K', '{d}' FROM ouderpaar")
    _schrijf(con, "SELECT * FROM rel", nieuw / "relaties.csv")
    os.link(brp.pad / "adressen.csv", nieuw / "adressen.csv")  # the BAG addresses: unchanged in a day
    _manifest(nieuw, "brp", datum)
    gem = kies(landing, "gemeente", datum)  # the municipality delivers daily: the same content again
    doel = uit / "gemeente" / datum.isoformat()
    if not doel.exists():
        shutil.copytree(gem.pad, doel)
        m = json.loads((doel / "manifest.json").read_text())
        m["leverdatum"] = datum.isoformat()
        (doel / "manifest.json").write_text(json.dumps(m))
    feiten = {"overleden": con.sql("SELECT count(*) FROM gekozen WHERE r < 0.3").fetchall()[0][0],
              "verhuisd": con.sql("SELECT count(*) FROM verhuist").fetchall()[0][0], "geboren": geboren,
              "relaties_nieuw": 2 * con.sql("SELECT count(*) FROM ouderpaar").fetchall()[0][0]}
    return feiten


def main() -> None:
    a = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    a.add_argument("--landing", type=Path, required=True)
    a.add_argument("--uit", type=Path, required=True)
    a.add_argument("--datum", type=date.fromisoformat, default=date(2026, 11, 1))
    args = a.parse_args()
    print(json.dumps(maak(args.landing, args.uit, args.datum)))


if __name__ == "__main__":
    main()
