"""Time the monitoring stage (compute, keep the trend, write JSON + HTML) at gemeente and landelijk scale.

gemeente: the demo deliveries at gemeente scale, ingested as a run does. landelijk: a national-size
onderzoeken table (default 1,200,000 investigations over 406,000 dossiers, ~10 years) and released lists
synthesised directly in DuckDB, since only the staged tables matter to this stage. Target: <= 5 s landelijk.

    .venv/bin/python benchmarks/bench_monitoring.py [--schaal gemeente|landelijk|beide]
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import date
from pathlib import Path

from assets import monitoring
from kern import opslag
from sources import levering
from sources.demo_data import genereer
from sources.inlezen import lees_in
from sources.register import PER_BRON

P = date(2026, 10, 31)
HERKOMSTEN = list(monitoring.HERKOMSTEN)
THEMA_IDS = ["vermogen_voertuigen", "vermogen_bank", "huisvesting_bezetting", "huisvesting_kostendelers"]


def meet(con, map_: Path) -> dict:
    start = time.perf_counter()
    m = monitoring.bereken(con, P, monitoring.laad_instellingen())
    berekend = time.perf_counter() - start
    monitoring.schrijf(map_, m)
    return {"seconden": round(time.perf_counter() - start, 2), "waarvan_berekenen": round(berekend, 2),
            "gemarkeerd": m.gemarkeerd,
            "trefkans": {t: (d["signalen"]["trefkans"], d["steekproef"]["trefkans"], d["p"])
                         for t, d in m.rapport["themas"].items()}}


def gemeente(werk: Path) -> dict:
    genereer(werk / "landing", "gemeente", peildatum=P)
    con = opslag.verbind(werk / "werk")
    lev = levering.kies(werk / "landing", "gemeente", P)
    levering.bewaar(con, P, lev)
    for spec in PER_BRON["gemeente"]:
        lees_in(con, lev, spec)
    n = con.sql("SELECT count(*) FROM gemeente_onderzoeken").fetchall()[0][0]
    return {"onderzoeken": n, **meet(con, werk / "m")}


def landelijk(werk: Path, onderzoeken: int, dossiers: int) -> dict:
    con = opslag.verbind(werk / "werk")
    con.execute("INSERT INTO run_bronnen (peildatum, bron, leverdatum, status) "
                "VALUES (?, 'gemeente', ?, 'geaccepteerd')", [P, P])
    con.execute(f"""
        CREATE TABLE gemeente_uitkeringen AS SELECT 'D' || lpad(i::VARCHAR, 7, '0') AS dossier_id,
            CASE WHEN i % 7 = 0 THEN DATE '2016-01-01' + (i % 3900)::INT END AS datum_einde, DATE '{P}' AS leverdatum
        FROM range({dossiers}) t(i)""")
    con.execute(f"""
        CREATE TABLE gemeente_onderzoeken AS
        WITH r AS (SELECT i, hash(i) AS h, hash(i * 31 + 7) AS g FROM range({onderzoeken}) t(i)),
        b AS (SELECT i, 'D' || lpad((h % {dossiers})::VARCHAR, 7, '0') AS dossier_id,
                     {HERKOMSTEN}[1 + (g % 6)::INT] AS herkomst, {THEMA_IDS}[1 + (h % 4)::INT] AS thema,
                     DATE '{P}' - (h % 3650)::INT AS datum_start, 14 + (g % 160)::INT AS duur,
                     (g // 7) % 100 AS u, h % 500000 AS bedrag
              FROM r)
        SELECT 'O' || i AS onderzoek_id, dossier_id, herkomst,
               CASE WHEN herkomst IN ('themacontrole', 'steekproef') THEN thema END AS thema, datum_start,
               CASE WHEN datum_start + duur < DATE '{P}' THEN datum_start + duur END AS datum_einde,
               CASE WHEN datum_start + duur >= DATE '{P}' THEN 'lopend' WHEN u < 6 THEN 'niet_meegewerkt'
                    WHEN u < 40 THEN 'niet_naleving' ELSE 'geen_afwijking' END AS uitkomst,
               CASE WHEN datum_start + duur < DATE '{P}' AND u BETWEEN 6 AND 35 THEN 10000 + bedrag END
                   AS vordering_cent,
               CASE WHEN datum_start + duur < DATE '{P}' AND u BETWEEN 6 AND 15 THEN 5000 END AS boete_cent,
               datum_start + duur < DATE '{P}' AND u BETWEEN 16 AND 25 AS waarschuwing, DATE '{P}' AS leverdatum
        FROM b""")
    con.execute(f"""
        CREATE TABLE signalen AS SELECT DATE '{P}' AS peildatum, t.thema, 'signaal' AS soort,
            'D' || lpad(((i * 7919 + t.k * 104729) % {dossiers})::VARCHAR, 7, '0') AS dossier_id
        FROM range(5000) r(i), (VALUES ('vermogen_voertuigen', 1), ('vermogen_bank', 2),
                                       ('huisvesting_bezetting', 3), ('huisvesting_kostendelers', 4)) t(thema, k)""")
    con.execute(f"""CREATE TABLE vrijgaven AS SELECT DATE '{P}' AS peildatum, thema, 'vrijgegeven' AS status,
                    5000 AS signalen FROM (SELECT DISTINCT thema FROM signalen)""")
    return {"onderzoeken": onderzoeken, "dossiers": dossiers, **meet(con, werk / "m")}


def main() -> None:
    a = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    a.add_argument("--schaal", choices=["gemeente", "landelijk", "beide"], default="beide")
    a.add_argument("--onderzoeken", type=int, default=1_200_000)
    a.add_argument("--dossiers", type=int, default=406_000)
    args = a.parse_args()
    uit = {}
    with tempfile.TemporaryDirectory() as tmp:
        if args.schaal in ("gemeente", "beide"):
            uit["gemeente"] = gemeente(Path(tmp) / "gemeente")
        if args.schaal in ("landelijk", "beide"):
            uit["landelijk"] = landelijk(Path(tmp) / "landelijk", args.onderzoeken, args.dossiers)
    print(json.dumps(uit, indent=2))


if __name__ == "__main__":
    main()
