"""The `systeemanalyse` command: demo data, a complete run through Dagster, and inzage for one resident.

Exit codes of `run` (contracts/outputs.md): 0 all released; 3 completed, but a delivery was rejected or
a theme blocked (reasons on stderr, one per line); 2 bad arguments; 1 the run failed.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import signal
import sys
import time
from datetime import date
from pathlib import Path

from kern import omgeving
from pipelines.afsluitcodes import BLOKKADE, FOUTE_INVOER, MISLUKT, OK


class Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse's own exit code is 2 as well; keep the message short and clear
        self.print_usage(sys.stderr)
        print(f"{self.prog}: fout: {message}", file=sys.stderr)
        sys.exit(FOUTE_INVOER)


def _datum(tekst: str) -> date:
    try:
        return date.fromisoformat(tekst) if len(tekst) == 10 else date.fromisoformat("x")
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{tekst}' is geen datum in de vorm JJJJ-MM-DD") from None


def _schaal(tekst: str) -> str | int:
    if tekst in ("gemeente", "g4", "landelijk"):
        return tekst
    if tekst.isdigit() and int(tekst) >= 500:
        return int(tekst)
    raise argparse.ArgumentTypeError(f"'{tekst}': kies gemeente, g4, landelijk of een aantal personen (>= 500)")


def _maanden(tekst: str) -> int:
    """A retention term: a whole number of months from 1 to 1200 (a hundred years; more reaches before year 1)."""
    if tekst.strip().isdigit() and 1 <= int(tekst) <= 1200:
        return int(tekst)
    raise argparse.ArgumentTypeError(f"'{tekst}' is geen bewaartermijn: een geheel aantal maanden van 1 tot en met 1200")


def parser() -> argparse.ArgumentParser:
    p = Parser(prog="systeemanalyse", description="Systeemanalyses Participatiewet: transparant, toetsbaar, eerlijk.")
    sub = p.add_subparsers(dest="opdracht", required=True, parser_class=Parser)

    d = sub.add_parser("demo-data", help="write synthetic deliveries of all five sources (landing contract)")
    d.add_argument("--uit", required=True, type=Path, help="landing folder to write to")
    d.add_argument("--schaal", default="gemeente", type=_schaal, help="gemeente (default), g4, landelijk or N persons")
    d.add_argument("--seed", default=20261031, type=_niet_negatief, help="random seed (deterministic output)")
    d.add_argument("--peildatum", default=date(2026, 10, 31), type=_datum, help="peildatum the deliveries are for")

    r = sub.add_parser("run", help="one complete run for a peildatum through Dagster")
    r.add_argument("--landing", required=True, type=Path, help="landing folder with <bron>/<leverdatum>/ deliveries")
    r.add_argument("--werkmap", required=True, type=Path, help="folder for DuckDB, Dagster instance and output/")
    r.add_argument("--peildatum", required=True, type=_datum, help="YYYY-MM-DD")
    r.add_argument("--verklaringen", type=Path, help="explanations registry (default <werkmap>/verklaringen.yaml when it exists)")
    r.add_argument("--filters", type=Path, help="theme parameters (default assets/themas/parameters.yaml)")
    _wachttijd(r)

    v = sub.add_parser("verklaar", help="record one decision of the ethics committee in the explanations registry")
    v.add_argument("--werkmap", required=True, type=Path)
    v.add_argument("--thema", required=True, help="theme id")
    v.add_argument("--stap", required=True, help="funnel step id, or * for all steps")
    v.add_argument("--kenmerk", required=True, help="attribute as the report names it (intersection: a×b)")
    v.add_argument("--groep", required=True, help="group as the report names it (intersection: x × y)")
    v.add_argument("--verklaring", required=True, help="the reasonable explanation, in words")
    v.add_argument("--vastgesteld-door", required=True, help="who decided")
    v.add_argument("--besluit", required=True, help="the decision reference")
    v.add_argument("--geldig-tot", required=True, type=_datum, help="YYYY-MM-DD, not in the past")
    v.add_argument("--datum", type=_datum, help="date of the decision (default today)")
    v.add_argument("--verklaringen", type=Path, help="registry (default <werkmap>/verklaringen.yaml)")
    _wachttijd(v)

    g = sub.add_parser("vrijgeven", help="judge an earlier run's stored audit again and publish what now passes")
    g.add_argument("--werkmap", required=True, type=Path)
    g.add_argument("--peildatum", required=True, type=_datum, help="YYYY-MM-DD of an earlier run")
    g.add_argument("--verklaringen", type=Path, help="registry (default <werkmap>/verklaringen.yaml when it exists)")
    _wachttijd(g)

    i = sub.add_parser("inzage", help="what the system did with one resident's data (AVG art. 15)")
    i.add_argument("--werkmap", required=True, type=Path)
    i.add_argument("--bsn", required=True)
    i.add_argument("--json", action="store_true", help="output as JSON")
    _wachttijd(i)

    lb = sub.add_parser("logboek", help="the werkmap's access log: inzage, decisions, published lists")
    lb.add_argument("--werkmap", required=True, type=Path)
    lb.add_argument("--json", action="store_true", help="output as JSON lines")

    o = sub.add_parser("opschonen", help="delete person-level data and lists older than the retention term")
    o.add_argument("--werkmap", required=True, type=Path)
    o.add_argument("--bewaartermijn-maanden", type=_maanden, default=omgeving.STANDAARD_BEWAARTERMIJN_MAANDEN,
                   help=f"retention term in months (default {omgeving.STANDAARD_BEWAARTERMIJN_MAANDEN})")
    _wachttijd(o)
    return p


def _seconden(tekst: str) -> float:
    """A waiting time: a number of seconds, 0 or more (not nan, inf or negative)."""
    try:
        waarde = float(tekst)
    except ValueError:
        waarde = float("nan")
    if not (0 <= waarde < float("inf")):
        raise argparse.ArgumentTypeError(f"'{tekst}' is geen wachttijd: een aantal seconden, 0 of meer")
    return waarde


def _niet_negatief(tekst: str) -> int:
    if tekst.strip().isdigit():
        return int(tekst)
    raise argparse.ArgumentTypeError(f"'{tekst}' is geen seed: een geheel getal, 0 of meer")


def _wachttijd(p: argparse.ArgumentParser) -> None:
    p.add_argument("--wachttijd", type=_seconden, metavar="SECONDEN", default=None,
                   help="how long to wait for another run on the same werkmap (default 600, env "
                        "SYSTEEMANALYSE_WACHTTIJD); then exit 1 naming that run")


class _Proces:
    """Whether this process is the command itself (`hoofd`), not a caller of `main` such as a test."""
    eigen = False


def hoofd() -> None:
    """The console script `systeemanalyse`: `main` in a process of its own, without two costs of Python's cyclic
    garbage collector that buy nothing here.
    - Loading the modules (Dagster, Great Expectations, Polars, SciPy: millions of objects) triggers full
      collections that find next to nothing: 7 of them, 0.7 s of a small run. So the collector is off until
      the modules are loaded (`_geladen`); every command that does not run the pipeline turns it on at once.
    - At exit the interpreter collects every object again (1.3 s) just before the memory goes back to the
      system. `gc.freeze()` skips that: objects are still released by their reference counts, atexit handlers
      and logging shutdown still run; only cyclic garbage left at exit is not finalised, which Python does not
      promise anyway. Every database is closed and every file written before `main` returns.
    """
    _Proces.eigen = True
    sys.stdout = _Pijp(sys.stdout)  # `systeemanalyse verklaar ... | head`: the reader may stop reading
    signal.signal(signal.SIGTERM, _afbreken)  # a scheduler's or systemd's stop: as Ctrl-C, with its one line
    gc.disable()
    try:
        code = main()
    finally:
        gc.enable()
    gc.freeze()
    sys.exit(code)


class _Pijp:
    """Standard output that a reader may close early (`... | head`): the command goes on and ends as it would
    have, only what it still prints is dropped, without a traceback or an 'onverwachte fout'. Python ignores
    SIGPIPE, so a closed pipe surfaces as BrokenPipeError at whichever print comes next, which would abort a run
    halfway or report a registered decision as failed; restoring SIGPIPE's default instead would kill the
    process in the middle of its work."""

    def __init__(self, stroom):
        self._stroom = stroom

    def write(self, tekst: str) -> int:
        try:
            return self._stroom.write(tekst)
        except BrokenPipeError:
            self._dicht()
            return len(tekst)

    def flush(self) -> None:
        try:
            self._stroom.flush()
        except BrokenPipeError:
            self._dicht()

    def _dicht(self) -> None:
        """From now on to /dev/null, also at the descriptor (the interpreter's last flush at exit)."""
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, self._stroom.fileno())
        finally:
            os.close(devnull)

    def __getattr__(self, naam):
        return getattr(self._stroom, naam)


def _afbreken(signum, frame) -> None:
    """SIGTERM as SIGINT: whoever handles Ctrl-C at this moment (Dagster during a run, at its safe points; else
    Python's KeyboardInterrupt, which main reports in one line). Also when SIGINT is ignored, as it is for a
    command started in the background by a script: a stop must stop."""
    if signal.getsignal(signal.SIGINT) in (signal.SIG_IGN, signal.SIG_DFL, None):
        raise KeyboardInterrupt
    signal.raise_signal(signal.SIGINT)


def _geladen() -> None:
    """The modules of a run are loaded: freeze them out of the collector's work and turn it on (`hoofd`)."""
    if _Proces.eigen:
        import great_expectations  # noqa: F401 - loaded by the first check otherwise, with the collector on

        gc.freeze()
        gc.enable()


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.opdracht not in ("run", "vrijgeven"):
        gc.enable()
    from kern.omgeving import WerkmapOnbruikbaar
    from kern.slot import WerkmapBezet

    try:
        return _voer_uit(args)
    except WerkmapBezet as fout:
        print(f"systeemanalyse {args.opdracht}: fout: {fout}", file=sys.stderr)
        return MISLUKT
    except WerkmapOnbruikbaar as fout:  # a bad argument: nothing was written
        print(f"systeemanalyse {args.opdracht}: fout: {fout}", file=sys.stderr)
        return FOUTE_INVOER
    except KeyboardInterrupt:
        print(f"systeemanalyse {args.opdracht}: afgebroken", file=sys.stderr)
        return MISLUKT
    except Exception as fout:  # never a traceback for a user: one line, the cause
        eerste = (str(fout).strip().splitlines() or [""])[0]
        print(f"systeemanalyse {args.opdracht}: onverwachte fout: {type(fout).__name__}: {eerste}", file=sys.stderr)
        return MISLUKT


def _voer_uit(args) -> int:
    try:  # DuckDB's memory setting, before any command opens a database
        omgeving.duckdb_geheugen()
    except omgeving.OngeldigeInstelling as fout:
        return _fout(str(fout), args.opdracht)
    if args.opdracht == "logboek":
        from pipelines.logboek import main as logboek_main

        return logboek_main(args)
    if args.opdracht == "opschonen":
        from pipelines.opschonen import main as opschonen_main

        return opschonen_main(args)
    if args.opdracht == "demo-data":
        return demo_data(args)
    if args.opdracht == "run":
        return run(args)
    if args.opdracht == "verklaar":
        from pipelines.besluiten import verklaar

        return verklaar(args)
    if args.opdracht == "vrijgeven":
        return vrijgeven(args)
    if args.opdracht == "inzage":
        from pipelines.inzage import main as inzage_main

        return inzage_main(args)
    return FOUTE_INVOER


def demo_data(args) -> int:
    from sources.demo_data import genereer

    if args.uit.exists() and not args.uit.is_dir():
        return _fout(f"--uit {args.uit} is geen map", "demo-data")
    start = time.monotonic()
    samenvatting = genereer(args.uit, schaal=args.schaal, seed=args.seed, peildatum=args.peildatum)
    print(f"demo-data ({args.schaal}, seed {args.seed}) in {args.uit} — {time.monotonic() - start:.1f}s")
    print(json.dumps(samenvatting, indent=2, default=str))
    return OK


def _fout(bericht: str, opdracht: str = "run") -> int:
    print(f"systeemanalyse {opdracht}: fout: {bericht}", file=sys.stderr)
    return FOUTE_INVOER


def run(args) -> int:
    from kern.partities import PEILDATUM

    if not args.landing.is_dir():
        return _fout(f"landingsmap {args.landing} " + ("is geen map" if args.landing.exists() else "bestaat niet"))
    for naam, pad in (("--verklaringen", args.verklaringen), ("--filters", args.filters)):
        if pad is not None and not pad.is_file():
            return _fout(f"{naam}: {pad} " + ("is geen bestand" if pad.exists() else "bestaat niet"))
    from assets.algoritmeregister import laad_organisatie
    from assets.monitoring import laad_instellingen as monitoring_instellingen
    from assets.themas.kader import laad_parameters
    from bias_audit.instellingen import laad as bias_instellingen
    from checks.register import drempels
    from kern.configuratie import ConfiguratieFout

    # every configuration file is validated before anything runs (kern/configuratie.py)
    for laad in (lambda: laad_parameters(args.filters or omgeving.STANDAARD_FILTERS), drempels, laad_organisatie,
                 bias_instellingen, monitoring_instellingen):
        try:
            laad()
        except ConfiguratieFout as fout:
            return _fout(str(fout))
    if args.peildatum.isoformat() not in PEILDATUM.get_partition_keys():
        return _fout(f"peildatum {args.peildatum} ligt buiten het bereik 2015-01-01 tot en met morgen")
    werkmap = args.werkmap.resolve()
    if (fout := _registerfout(args.verklaringen or omgeving.register_pad(werkmap))) is not None:
        return _fout(fout)
    try:
        omgeving.maak_werkmap(werkmap)
    except omgeving.WerkmapOnbruikbaar as fout:
        return _fout(str(fout))
    from sources import pseudoniem

    try:  # the pseudonymisation key before anything runs: a key file others may read is refused
        pseudoniem.sleutel(werkmap)
    except pseudoniem.SleutelFout as fout:
        return _fout(str(fout))
    instellingen = {"landing": str(args.landing.resolve()), "werkmap": str(werkmap),
                    "verklaringen": str((args.verklaringen or omgeving.register_pad(werkmap)).resolve()),
                    "filters": str((args.filters or omgeving.STANDAARD_FILTERS).resolve())}
    from kern.slot import werkmap_slot

    # The werkmap's lock before anything is opened (Dagster instance, DuckDB): one run per werkmap at a time.
    with werkmap_slot(werkmap, "systeemanalyse run", args.wachttijd, peildatum=args.peildatum.isoformat()):
        instance, home = dagster_instance(werkmap)
        print(f"systeemanalyse run — peildatum {args.peildatum}, landing {args.landing}, werkmap {werkmap}")
        print(f"Dagster-instantie: {home}")
        return voer_run_uit(instance, args.peildatum, werkmap, instellingen)


def vrijgeven(args) -> int:
    """Judge the stored audits of an earlier run against the registry as it is now and publish what passes."""
    from pipelines.besluiten import Onleesbaar, is_gedraaid, register_pad

    werkmap = args.werkmap.resolve()
    if args.verklaringen is not None and not args.verklaringen.is_file():
        return _fout(f"--verklaringen: bestand {args.verklaringen} bestaat niet", "vrijgeven")
    if not werkmap.is_dir():
        return _fout(f"voor peildatum {args.peildatum} is in werkmap {werkmap} geen run met een bias-audit "
                     "opgeslagen; draai eerst systeemanalyse run", "vrijgeven")
    if (fout := _registerfout(register_pad(werkmap, args.verklaringen))) is not None:
        return _fout(fout, "vrijgeven")
    from kern import logboek
    from kern.slot import werkmap_slot

    # the lock before the stored audits are read: a run still going holds the database (and is waited for)
    with werkmap_slot(werkmap, "systeemanalyse vrijgeven", args.wachttijd, peildatum=args.peildatum.isoformat()):
        vorige = werkmap / "output" / args.peildatum.isoformat() / "run.json"
        eerder = json.loads(vorige.read_text(encoding="utf-8")) if vorige.is_file() else {}
        if eerder.get("opgeschoond"):  # its lists and person-level data are gone: nothing left to release
            return _fout(f"voor peildatum {args.peildatum} zijn de lijsten en de gegevens op persoonsniveau op "
                         f"{eerder['opgeschoond']} verwijderd (bewaartermijn, systeemanalyse opschonen); er is niets "
                         "meer om vrij te geven", "vrijgeven")
        try:
            gedraaid = is_gedraaid(werkmap, args.peildatum)
        except Onleesbaar as fout:
            print(f"systeemanalyse vrijgeven: fout: {fout}", file=sys.stderr)
            return MISLUKT
        if not gedraaid:
            return _fout(f"voor peildatum {args.peildatum} is in werkmap {werkmap} geen run met een bias-audit "
                         "opgeslagen; draai eerst systeemanalyse run", "vrijgeven")
        filters = eerder.get("parameters_bestand")
        instellingen = {"landing": str(werkmap), "werkmap": str(werkmap),
                        "filters": filters if filters and Path(filters).is_file() else str(omgeving.STANDAARD_FILTERS),
                        "verklaringen": str(register_pad(werkmap, args.verklaringen))}
        instance, home = dagster_instance(werkmap)
        print(f"systeemanalyse vrijgeven — peildatum {args.peildatum}, werkmap {werkmap}, register "
              f"{instellingen['verklaringen']}")
        code = voer_run_uit(instance, args.peildatum, werkmap, instellingen, job="vrijgeven")
        logboek.schrijf(werkmap, "vrijgeven", peildatum=args.peildatum, register=instellingen["verklaringen"],
                        afsluitcode=code)
        return code


def _registerfout(pad: Path) -> str | None:
    """The explanations registry is checked before anything runs, like every configuration file: a registry that
    cannot be read is a bad argument (exit 2, nothing written), not a run that blocks every theme. A registry that
    does not exist yet is empty. (The audit itself still fails closed on a registry broken during the run.)"""
    from bias_audit import verklaringen

    if not Path(pad).is_file():
        return None
    try:
        verklaringen.lees(pad)
    except verklaringen.VerklaringenFout as fout:  # named with the file it is in
        return str(fout) if str(fout).startswith("verklaringenregister") else f"verklaringenregister {pad}: {fout}"
    return None


def dagster_instance(werkmap: Path):
    """The Dagster instance: DAGSTER_HOME when set, else the werkmap's own (dagster.yaml from the project).

    Settings reach the definitions as resources; nothing is written into os.environ."""
    from dagster import DagsterInstance

    from kern.slot import bestandsslot

    home = Path(os.environ["DAGSTER_HOME"]) if os.environ.get("DAGSTER_HOME") else werkmap / "dagster_home"
    # Creating an instance creates its storage (SQLite tables, migrations): one process at a time, also when
    # several werkmaps share one DAGSTER_HOME.
    with bestandsslot(home / ".aanmaak.slot"):
        # a DAGSTER_HOME without configuration gets the project's, as the werkmap's own does: one run at a time,
        # and no telemetry (Dagster's default would send it, and print its banner on stderr among our lines)
        sjabloon = omgeving.PROJECT / "dagster.yaml"
        if sjabloon.is_file() and not (home / "dagster.yaml").exists():
            shutil.copy(sjabloon, home / "dagster.yaml")
        instance = DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else DagsterInstance.from_config(str(home))
        instance.get_runs(limit=1)  # storage fully initialised before the lock is released
    return instance, str(home)


def voer_run_uit(instance, peildatum: date, werkmap: Path, instellingen: dict[str, str],
                 job: str = "volledige_run") -> int:
    from assets import verslag
    from pipelines import mislukt
    from pipelines.definitions import bouw

    defs = bouw(instellingen)
    _geladen()
    resultaat = defs.resolve_job_def(job).execute_in_process(
        partition_key=peildatum.isoformat(), instance=instance, raise_on_error=False,
        run_config={"loggers": {"voortgang": {}}},
        tags={"aanleiding": "cli" if job == "volledige_run" else job, mislukt.CLI_TAG: "ja"})
    from kern import publicatie

    pad = publicatie.zichtbaar(werkmap, peildatum) / "run.json"
    if not resultaat.success:
        fouten = mislukt.meldingen(resultaat.all_events)
        mislukt.publiceer(instance, werkmap, peildatum, resultaat.run_id, fouten)
        print(f"\nRun MISLUKT (Dagster-run {resultaat.run_id}):", file=sys.stderr)
        for f in fouten:
            print(f"  {f.splitlines()[0]}", file=sys.stderr)
        return MISLUKT
    run = json.loads(pad.read_text(encoding="utf-8"))
    toon_samenvatting(run, pad)
    regels = verslag.blokkaderegels(run)
    for regel in regels:
        print(regel, file=sys.stderr)
    return BLOKKADE if run["status"] != verslag.VOLTOOID else OK


def toon_samenvatting(run: dict, pad: Path) -> None:
    print(f"\nSamenvatting peildatum {run['peildatum']}: {run['status']}")
    for bron, d in run["bronnen"].items():
        tellingen = ", ".join(f"{b} {t['geaccepteerd']}/{t['geleverd']}"
                              + (f" (quarantaine {t['quarantaine']})" if t["quarantaine"] else "")
                              for b, t in d["bestanden"].items())
        print(f"  bron {bron:<9} {d['leverdatum'] or '-'} {d['status']:<12} {tellingen}")
    for thema, d in run["themas"].items():
        print(f"  thema {thema:<26} {d['status']:<12} signalen {d['signalen']:>5}  steekproef {d['steekproef']:>4}"
              f"  filter_versie {d['filter_versie']}")
    print(f"Uitvoer: {pad.parent}")


if __name__ == "__main__":
    hoofd()
