"""Retention (`systeemanalyse opschonen` and a Dagster job): person-level data older than the term is deleted.

Deleted, per peildatum older than the term: funnel members, the population, signals and control samples,
exclusions, the audit's person attributes and legitimate factors, and the published lists (signals, samples,
verrekening, the quality docs with their example values); per delivery older than the term that no kept run
uses: its staged rows (persons by pseudonym), its special personal data (geboorteland, nationaliteit), its
quarantined raw values and (benefits administration) its clients' BSNs; and the row verdicts with pseudonyms
kept for a file's next ingestion once no delivery of that file is kept. Kept: aggregated statistics (funnel
step counts, bias statistics and verdicts, releases, check results, file counts) and the run reports
(run.json, bias/, register/, monitoring/). A rerun of a peildatum whose delivery was removed reads and judges
its files again from the landing folder (sources/inlezen.py takes over an outcome only while its rows are
still there).

The default term is 24 months: the feedback loop (monitoring) compares investigations with the released
lists and samples of the last 24 months, and the pooled audit looks back 12 runs; a shorter term makes
those figures incomplete (the pooled audit then pools, and names, only the runs whose members are kept).
"""
from __future__ import annotations

import os
import shutil
import sys
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb

from kern import logboek, omgeving, opslag, publicatie
from kern.omgeving import STANDAARD_BEWAARTERMIJN_MAANDEN
from kern.resources import Werkomgeving
from sources.inlezen import OORDELEN, bijzondere_gegevens
from sources.pseudoniem import KLANTEN
from sources.register import ALLE


# Tables with one row per person or dossier per peildatum (all keyed by a `peildatum` column).
PER_PEILDATUM = ("funnel_leden", "populatie", "signalen", "uitsluitingen", "audit.bias_kenmerken",
                 "audit.bias_factoren")
# What stays of an old peildatum's publication: run report and aggregated, BSN-free reports.
BEWAARD_IN_UITVOER = frozenset({"run.json", "bias", "register", "monitoring"})


def grens(vandaag: date, maanden: int) -> date:
    """The first day that is still within the term: `vandaag` minus `maanden` months (clamped to month end)."""
    jaar, maand = divmod(vandaag.year * 12 + vandaag.month - 1 - maanden, 12)
    maand += 1
    for dag in range(vandaag.day, 0, -1):
        try:
            return date(jaar, maand, dag)
        except ValueError:
            continue
    raise ValueError(vandaag)


def schoon_op(werkmap: str | Path, maanden: int = STANDAARD_BEWAARTERMIJN_MAANDEN,
              vandaag: date | None = None) -> dict:
    """Delete what is older than the term; returns the counts per table and peildatum (or leverdatum)."""
    werkmap = Path(werkmap)
    g = grens(vandaag or date.today(), maanden)
    verslag: dict = {"bewaartermijn_maanden": maanden, "grens": g.isoformat(), "tabellen": {}, "uitvoer": {}}
    if opslag.database_pad(werkmap).is_file():
        con = opslag.verbind(werkmap)
        try:
            con.execute("BEGIN TRANSACTION")
            for tabel in PER_PEILDATUM:
                if opslag.bestaat_tabel(con, tabel):
                    tellingen = _tel(con, f"SELECT peildatum, count(*) FROM {tabel} WHERE peildatum < ? "
                                          "GROUP BY peildatum", [g])
                    con.execute(f"DELETE FROM {tabel} WHERE peildatum < ?", [g])
                    if tellingen:
                        verslag["tabellen"][tabel] = tellingen
            # quarantined raw rows of deliveries before the term that no run within the term uses
            oud = "q.leverdatum < ? AND NOT EXISTS (SELECT 1 FROM run_bronnen r WHERE r.bron = q.bron " \
                  "AND r.leverdatum = q.leverdatum AND r.peildatum >= ?)"
            tellingen = _tel(con, f"SELECT q.bron || '/' || q.leverdatum, count(*) FROM quarantaine q WHERE {oud} "
                                  "GROUP BY 1", [g, g])
            con.execute(f"DELETE FROM quarantaine q WHERE {oud}", [g, g])
            if tellingen:
                verslag["tabellen"]["quarantaine"] = tellingen
            # the clients' BSNs of such an old delivery of the benefits administration (sources/pseudoniem.py)
            if opslag.bestaat_tabel(con, KLANTEN):
                klant = oud.replace("r.bron = q.bron", "r.bron = 'gemeente'")
                tellingen = _tel(con, f"SELECT 'gemeente/' || q.leverdatum, count(*) FROM {KLANTEN} q WHERE {klant} "
                                      "GROUP BY 1", [g, g])
                con.execute(f"DELETE FROM {KLANTEN} q WHERE {klant}", [g, g])
                if tellingen:
                    verslag["tabellen"]["klanten"] = tellingen  # the log refuses a field named after a BSN
            # the staged rows of such an old delivery (persons by pseudonym) and its special personal data
            for spec in ALLE:
                bijzonder, bijzonder_tabel = bijzondere_gegevens(spec)
                for tabel in (spec.tabel, *([bijzonder_tabel] if bijzonder else [])):
                    if not opslag.bestaat_tabel(con, tabel):
                        continue
                    eigen = oud.replace("r.bron = q.bron", f"r.bron = '{spec.bron}'")
                    tellingen = _tel(con, f"SELECT '{spec.bron}/' || q.leverdatum, count(*) FROM {tabel} q "
                                          f"WHERE {eigen} GROUP BY 1", [g, g])
                    con.execute(f"DELETE FROM {tabel} q WHERE {eigen}", [g, g])
                    if tellingen:
                        verslag["tabellen"][tabel] = tellingen
            # the row verdicts and pseudonyms kept for the next ingestion of a file no kept delivery has
            if opslag.bestaat_tabel(con, OORDELEN):
                weg = ("NOT EXISTS (SELECT 1 FROM bestand_tellingen b WHERE b.bron = o.bron AND b.bestand = o.bestand "
                       "AND (b.leverdatum >= ? OR EXISTS (SELECT 1 FROM run_bronnen r WHERE r.bron = b.bron "
                       "AND r.leverdatum = b.leverdatum AND r.peildatum >= ?)))")
                tellingen = _tel(con, f"SELECT o.bron || '/' || o.bestand, count(*) FROM {OORDELEN} o WHERE {weg} "
                                      "GROUP BY 1", [g, g])
                con.execute(f"DELETE FROM {OORDELEN} o WHERE {weg}", [g, g])
                if tellingen:
                    verslag["tabellen"][OORDELEN] = tellingen
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            con.close()
            raise
        con.close()
        if verslag["tabellen"]:
            verslag["herschreven"] = _herschrijf(opslag.database_pad(werkmap))
    uitvoer = werkmap / "output"
    for map_ in sorted(uitvoer.iterdir()) if uitvoer.is_dir() else []:
        p = _als_datum(map_.name)
        if p is not None and p < g:
            n = _beperk_publicatie(werkmap, p)
            if n:
                verslag["uitvoer"][p.isoformat()] = n
    logboek.schrijf(werkmap, "opschonen", **verslag)
    return verslag


def _herschrijf(pad: Path) -> bool | str:
    """Write the database anew, holding only its live rows: DuckDB marks deleted rows and reuses their blocks
    later, and until then their bytes (a BSN inside a dictionary of strings) stay in the file. The copy replaces
    the file in one step (it needs room for a second copy meanwhile). True, or why it could not be done: the rows
    are deleted either way, and the next `opschonen` tries again. No other connection to the database may be open
    in this process (DuckDB would share its instance, which keeps the old file): the CLI and the Dagster job run it
    alone, under the werkmap's lock."""
    import os

    nieuw = pad.with_name(pad.name + ".opschonen")
    for oud in (nieuw, nieuw.with_name(nieuw.name + ".wal")):
        oud.unlink(missing_ok=True)
    try:
        con = duckdb.connect(str(pad), config={"memory_limit": omgeving.duckdb_geheugen()})
        try:
            naam = con.sql("SELECT current_database()").fetchall()[0][0]
            con.execute(f"ATTACH '{nieuw}' AS opgeschoond")
            con.execute(f'COPY FROM DATABASE "{naam}" TO opgeschoond')
            con.execute("DETACH opgeschoond")
        finally:
            con.close()
        os.chmod(nieuw, pad.stat().st_mode & 0o777)
        os.replace(nieuw, pad)
        return True
    except (duckdb.Error, OSError) as fout:
        nieuw.unlink(missing_ok=True)
        return f"niet gelukt: {str(fout).splitlines()[0]}"


def _tel(con, sql: str, params: list) -> dict[str, int]:
    return {str(k): n for k, n in sorted(con.sql(sql, params=params).fetchall())}


def _als_datum(naam: str) -> date | None:
    try:
        return date.fromisoformat(naam) if len(naam) == 10 else None
    except ValueError:
        return None


def _beperk_publicatie(werkmap: Path, peildatum: date) -> int:
    """Publish a version holding only what is kept; every other version goes. Returns the files deleted."""
    huidig = publicatie.huidige(werkmap, peildatum)
    versies = publicatie.versiemap(werkmap, peildatum)
    alle = sum(len(publicatie.bestanden(d)) for d in versies.iterdir() if d.is_dir()) if versies.is_dir() else 0
    if huidig is None:
        return alle
    if huidig.parent != versies:  # a plain folder from before versioned publication
        alle += len(publicatie.bestanden(huidig))
    if not [e for e in huidig.iterdir() if e.name not in BEWAARD_IN_UITVOER] and alle == len(
            publicatie.bestanden(huidig)):
        return 0
    nieuw = versies / f"opgeschoond-{date.today().isoformat()}"
    shutil.rmtree(nieuw, ignore_errors=True)
    nieuw.mkdir(parents=True)
    for e in huidig.iterdir():
        if e.name in BEWAARD_IN_UITVOER and e.name != publicatie.RUN_JSON:
            (shutil.copytree if e.is_dir() else shutil.copy2)(e, nieuw / e.name)
    run = publicatie.lees_run_json(huidig)
    publicatie.publiceer(werkmap, peildatum, nieuw, {**run, "opgeschoond": date.today().isoformat()})
    publicatie.ruim_op(werkmap, peildatum, bewaren=1)
    if huidig.exists() and huidig.parent != versies:
        shutil.rmtree(huidig)
    return alle - len(publicatie.bestanden(nieuw))


def tekst(verslag: dict) -> str:
    r = [f"Opschonen: bewaartermijn {verslag['bewaartermijn_maanden']} maanden; verwijderd wat vóór "
         f"{verslag['grens']} ligt."]
    if not verslag["tabellen"] and not verslag["uitvoer"]:
        return "\n".join(r + ["Niets te verwijderen."])
    for tabel, tellingen in verslag["tabellen"].items():
        soort = "peildatum" if tabel in PER_PEILDATUM else "bestand" if tabel == OORDELEN else "levering"
        r += [f"  {tabel:<22} {soort} {k}: {n} rijen" for k, n in tellingen.items()]
    r += [f"  {'uitvoer':<22} peildatum {p}: {n} bestanden" for p, n in verslag["uitvoer"].items()]
    if verslag.get("herschreven") is True:
        r.append("  De database is herschreven: de verwijderde gegevens staan ook niet meer in het bestand.")
    elif verslag.get("herschreven"):
        r.append(f"  Let op: de database herschrijven is {verslag['herschreven']}; de verwijderde rijen zijn weg, maar "
                 "hun bytes kunnen nog in het bestand staan tot de volgende keer opschonen.")
    return "\n".join(r)


def main(args) -> int:
    from kern.slot import werkmap_slot

    if not args.werkmap.is_dir():
        print(f"systeemanalyse opschonen: fout: werkmap {args.werkmap} bestaat niet", file=sys.stderr)
        return 2
    with werkmap_slot(args.werkmap, "systeemanalyse opschonen", args.wachttijd):
        print(tekst(schoon_op(args.werkmap, args.bewaartermijn_maanden)))
    return 0


@dg.op(description="Verwijdert persoonsgegevens en lijsten ouder dan de bewaartermijn; houdt geaggregeerde "
                   "statistieken en runverslagen.",
       config_schema={"bewaartermijn_maanden": dg.Field(int, default_value=STANDAARD_BEWAARTERMIJN_MAANDEN)})
def opschonen_op(context, werkomgeving: Werkomgeving) -> None:
    verslag = schoon_op(werkomgeving.werkmap, context.op_config["bewaartermijn_maanden"])
    context.log.info(tekst(verslag))


@dg.job(description="Bewaartermijn: verwijdert persoonsgegevens en lijsten ouder dan de termijn.")
def opschonen():
    opschonen_op()


@dg.schedule(job=opschonen, cron_schedule="0 4 1 * *", execution_timezone="Europe/Amsterdam",
             default_status=dg.DefaultScheduleStatus.STOPPED,
             description="De eerste van elke maand om 04:00: opschonen volgens de bewaartermijn.")
def maandelijks_opschonen(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    return dg.RunRequest(run_key=f"opschonen-{context.scheduled_execution_time:%Y-%m}",
                         tags={"aanleiding": "schema"})
