"""Run benchmarks/regels.sql for a peildatum: the final signal sets of the four rules in plain DuckDB SQL."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from assets.themas import kader
from assets.themas.vermogen_bank import vermogensgrens

SQL = Path(__file__).with_name("regels.sql")
THEMAS = ("vermogen_voertuigen", "vermogen_bank", "huisvesting_bezetting", "huisvesting_kostendelers")


def signalen(con: duckdb.DuckDBPyConnection, peildatum: date, parameters: dict) -> dict[str, set[str]]:
    lever = dict(con.sql("SELECT bron, leverdatum FROM run_bronnen WHERE peildatum = ?", params=[peildatum]).fetchall())
    grens = vermogensgrens(parameters, peildatum.year)
    waarden = {"P": f"DATE '{peildatum}'", "lg": f"DATE '{lever['gemeente']}'", "lb": f"DATE '{lever['brp']}'",
               "lr": f"DATE '{lever['rdw']}'", "li": f"DATE '{lever['ib']}'", "ls": f"DATE '{lever['suwi']}'",
               "grens_alleen": str(grens["alleenstaande"]), "grens_samen": str(grens["gehuwden"])}
    tekst = SQL.read_text()
    for naam in sorted(waarden, key=len, reverse=True):
        tekst = tekst.replace(f"${naam}", waarden[naam])
    con.execute(tekst)
    return {t: {r[0] for r in con.sql(f"SELECT dossier_id FROM sql_{t} EXCEPT SELECT dossier_id FROM uitgesloten "
                                          f"WHERE thema = '{t}'").fetchall()} for t in THEMAS}
