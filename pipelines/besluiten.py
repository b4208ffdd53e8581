"""The ethics committee's loop on the command line: `verklaar` records one decision in the explanations
registry (validated before writing, entries only ever appended), `vrijgeven` judges the stored audit of an
earlier run again and publishes what now passes — through Dagster, without ingesting or computing again.
"""
from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import duckdb
import yaml

from assets.themas.register import THEMAS
from bias_audit import audit, oordeel
from bias_audit import verklaringen as vk
from bias_audit.kenmerken import ONBEKEND
from kern import logboek, omgeving, opslag
from kern.slot import WerkmapBezet, bestandsslot, werkmap_slot

KOP = """# Explanations registry of the bias audit (Actielijn 5): the decisions of the ethics committee.
# Written by `systeemanalyse verklaar`; entries are only ever added, never rewritten (an audit trail,
# expired decisions included). Format: bias_audit/verklaringen.yaml (a documented example).
verklaringen:
"""


class Fout(Exception):
    """Bad input for a command: one line, exit 2, nothing written."""


class Onleesbaar(Exception):
    """The werkmap's database exists but cannot be read (damaged, not a DuckDB file): one line, exit 1."""


def register_pad(werkmap: Path, verklaringen: Path | None) -> Path:
    return (verklaringen or omgeving.register_pad(werkmap)).resolve()


def _opgeslagen(werkmap: Path, tabel: str, lees):
    """`lees(con)` on the werkmap's database, read-only, when it holds `tabel`; None when there is no database (yet),
    no such table, or a run holds the database. A database that cannot be read for another reason is no
    'nothing stored': Onleesbaar."""
    pad = opslag.database_pad(werkmap)
    if not pad.exists():
        return None
    try:
        con = duckdb.connect(str(pad), read_only=True)
    except duckdb.Error as fout:
        if "lock" in str(fout).lower():  # held by a run (or another program) that writes it
            return None
        raise Onleesbaar(f"de database {pad} is niet te lezen: {str(fout).splitlines()[0]}") from None
    try:
        return lees(con) if opslag.bestaat_tabel(con, tabel) else None
    finally:
        con.close()


def _bekende_wijken(werkmap: Path) -> set[str] | None:
    """The wijken the population's applicants lived in, in the runs stored in the werkmap; None when that cannot
    be told (no run stored yet, or a run holds the database: the decision is recorded all the same)."""
    from bias_audit import kenmerken

    return _opgeslagen(werkmap, kenmerken.TABEL, lambda con: {
        r[0] for r in con.sql(f"SELECT DISTINCT wijk FROM {kenmerken.TABEL}").fetchall()})


def _wijken(kenmerk: str, groep: str, werkmap: Path) -> str:
    """The group with its wijk codes as the report names them (upper case), refused when no stored run knows the
    wijk (outputs.md: an unknown group is exit 2); any well-formed code while no run is stored."""
    paren = vk.paren(kenmerk, groep)
    if not any(k == "wijk" and vk.normaal(g) != vk.normaal(ONBEKEND) for k, g in paren):
        return groep
    paren = [(k, g.upper() if k == "wijk" and vk.normaal(g) != vk.normaal(ONBEKEND) else g) for k, g in paren]
    bekend = _bekende_wijken(werkmap)
    for k, g in paren:
        if bekend is not None and k == "wijk" and g != ONBEKEND and g not in bekend:
            voorbeeld = ", ".join(sorted(w for w in bekend if w != ONBEKEND)[:10])
            raise Fout(f"onbekende groep '{g}' voor kenmerk wijk: in geen opgeslagen run woonde een aanvrager van "
                       f"de populatie in die wijk (bekend: {voorbeeld}{', …' if len(bekend) > 11 else ''})")
    return f" {vk.KRUIS} ".join(g for _, g in paren)


def _entry(args, vandaag: date, werkmap: Path) -> dict:
    thema = THEMAS.get(args.thema)
    if thema is None:
        raise Fout(f"onbekend thema '{args.thema}' (kies uit {', '.join(THEMAS)})")
    stappen = [s for s, _ in thema.alle_stappen][1:]
    if args.stap != "*" and args.stap not in stappen:
        raise Fout(f"onbekende stap '{args.stap}' voor {thema.id} (kies uit * of {', '.join(stappen)})")
    for veld, waarde in (("--verklaring", args.verklaring), ("--vastgesteld-door", args.vastgesteld_door),
                         ("--besluit", args.besluit)):
        if not waarde or not waarde.strip():
            raise Fout(f"{veld} is leeg")
    datum = args.datum or vandaag
    if datum > vandaag:
        raise Fout(f"--datum {datum} ligt in de toekomst: een besluit wordt vastgelegd op of na de dag waarop de "
                   "commissie het nam")
    if args.geldig_tot < vandaag:
        raise Fout(f"--geldig-tot {args.geldig_tot} ligt in het verleden")
    if args.geldig_tot < datum:
        raise Fout(f"--geldig-tot {args.geldig_tot} ligt voor --datum {datum}")
    entry = {"thema": thema.id, "stap": args.stap, "kenmerk": args.kenmerk, "groep": args.groep,
             "verklaring": " ".join(args.verklaring.split()), "vastgesteld_door": args.vastgesteld_door.strip(),
             "besluit": args.besluit.strip(), "datum": datum.isoformat(), "geldig_tot": args.geldig_tot.isoformat()}
    try:  # the same validation as every read of the registry: attribute, group, dates
        [v] = vk.valideer([entry])
    except vk.VerklaringenFout as fout:
        raise Fout(str(fout).replace("verklaring 1 ", "")) from None
    groep = _wijken(v.kenmerk, vk.zoals_het_rapport(v.kenmerk, v.groep), werkmap)
    return {**entry, "kenmerk": v.kenmerk, "groep": groep}


def _als_yaml(entry: dict, inspringing: str) -> str:
    tekst = yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, default_flow_style=False, width=100)
    return "".join(inspringing + regel if regel.strip() else regel for regel in tekst.splitlines(keepends=True))


def voeg_toe(pad: Path, entry: dict) -> list[vk.Verklaring]:
    """Append one entry to the registry, atomically; the file before it stays byte for byte the same."""
    if pad.exists():
        try:
            oud = vk.lees(pad)
        except vk.VerklaringenFout as fout:
            raise Fout(f"het verklaringenregister is ongeldig, er is niets toegevoegd: {fout}") from None
        tekst = pad.read_text(encoding="utf-8")
    else:
        oud, tekst = [], KOP
    inspringing = next((r[: len(r) - len(r.lstrip())] for r in tekst.splitlines() if r.lstrip().startswith("- ")),
                       "  ")
    nieuw = tekst + ("" if tekst.endswith("\n") else "\n") + _als_yaml(entry, inspringing)
    tijdelijk = pad.with_name(f".{pad.name}.{os.getpid()}.tmp")
    pad.parent.mkdir(parents=True, exist_ok=True)
    tijdelijk.write_text(nieuw, encoding="utf-8")
    try:
        na = vk.lees(tijdelijk)
        if na[: len(oud)] != oud or len(na) != len(oud) + 1:
            raise Fout(f"het verklaringenregister {pad} heeft een opbouw waarachter niet veilig iets kan worden "
                       "toegevoegd (de lijst 'verklaringen' moet als laatste in het bestand staan); niets toegevoegd")
        if pad.exists():
            os.chmod(tijdelijk, pad.stat().st_mode & 0o777)
        os.replace(tijdelijk, pad)
        return na
    finally:
        tijdelijk.unlink(missing_ok=True)


def _opgeslagen_audits(werkmap: Path) -> dict[str, dict[str, dict]]:
    """The stored, judged audits per peildatum (newest first); empty when there is no database (yet)."""
    def lees(con):
        peildata = [r[0] for r in con.sql(f"SELECT DISTINCT peildatum FROM {audit.OORDELEN} ORDER BY 1 DESC")
                    .fetchall()]
        return {p.isoformat(): audit.laad(con, p) for p in peildata}

    return _opgeslagen(werkmap, audit.OORDELEN, lees) or {}


def _ratio(ratio: float | None) -> str:
    """A deviation's ratio as published: none where its counts are suppressed (bias_audit/onderdrukking.py)."""
    return "ratio niet gepubliceerd (kleine aantallen)" if ratio is None else f"ratio {ratio:.2f}"


def verklaar(args) -> int:
    werkmap = args.werkmap.resolve()
    pad = register_pad(werkmap, args.verklaringen)
    try:
        nieuw = not werkmap.exists()
        _opgeslagen(werkmap, audit.OORDELEN, lambda con: None)  # a database that cannot be read: Onleesbaar
        entry = _entry(args, date.today(), werkmap)
        try:  # readable by its owner only, as run makes it: it will hold person-level data
            omgeving.maak_werkmap(werkmap)
        except omgeving.WerkmapOnbruikbaar as fout:
            raise Fout(str(fout)) from None
        with bestandsslot(pad.with_name(f".{pad.name}.slot")):  # two decisions at once: both appended
            alle = voeg_toe(pad, entry)
    except Fout as fout:
        print(f"systeemanalyse verklaar: fout: {fout}", file=sys.stderr)
        return 2
    except Onleesbaar as fout:  # the group cannot be checked against the stored runs: nothing written
        print(f"systeemanalyse verklaar: fout: {fout}; er is niets vastgelegd", file=sys.stderr)
        return 1
    v = alle[-1]
    logboek.schrijf(werkmap, "verklaar", register=str(pad), volgnummer=len(alle),
                    **{k: entry[k] for k in ("thema", "stap", "kenmerk", "groep", "besluit", "geldig_tot")})
    if nieuw:  # a decision may come before the first run; a mistyped path must not go unnoticed
        print(f"Let op: werkmap {args.werkmap} bestond nog niet en is aangemaakt; een run of vrijgeven op een andere "
              "werkmap ziet dit besluit niet.")
    print(f"Besluit vastgelegd in {pad} (verklaring {len(alle)}):")
    print(_als_yaml(entry, "  "), end="")
    try:  # the stored audits under the werkmap's lock: a run still going holds the database (and is waited for)
        with werkmap_slot(werkmap, "systeemanalyse verklaar", args.wachttijd):
            audits = _opgeslagen_audits(werkmap)
    except (WerkmapBezet, Onleesbaar) as fout:
        print(f"Welke afwijkingen dit besluit dekt, is nu niet na te gaan: {fout}. Het besluit is vastgelegd; "
              "systeemanalyse vrijgeven na die run past het toe.")
        return 0
    gedekt, afgeleid = [], []
    for p, docs in audits.items():
        if date.fromisoformat(p) > v.geldig_tot:
            continue
        doc = docs.get(v.thema)
        if doc:
            gedekt += oordeel.open_afwijkingen(doc, v)
            afgeleid += oordeel.afgeleid_gedekt(doc, v)
    if not gedekt:
        print("Dit besluit dekt geen openstaande hoofdoorzaak van een opgeslagen run.")
        if afgeleid:
            print("Het dekt wel deze openstaande afgeleide afwijkingen; die blokkeren niet zelf en worden pas "
                  "vrijgegeven met een besluit over hun hoofdoorzaak:")
        for a in afgeleid:
            print(f"  peildatum {a['peildatum']}, {a['thema']}, stap {a['stap']}, kenmerk {a['kenmerk']}, groep "
                  f"{a['groep']}: {_ratio(a['ratio'])}; hoofdoorzaak {a['hoofdoorzaak']}")
    else:
        print("Dit besluit dekt deze openstaande hoofdoorzaken:")
        for g in gedekt:
            deel = "" if g["volledig"] else " (alleen deze stappen; andere stappen blijven open)"
            print(f"  peildatum {g['peildatum']}, {g['thema']}, stap(pen) {', '.join(g['stappen'])}, kenmerk "
                  f"{g['kenmerk']}, groep {g['groep']}: {_ratio(g['ratio'])}, {g['afgeleid']} afgeleide "
                  f"afwijking(en){' (gepoold)' if g['gepoold'] else ''}{deel}")
        for p in sorted({g["peildatum"] for g in gedekt}):
            extra = f" --verklaringen {args.verklaringen}" if args.verklaringen else ""
            print(f"Vrijgeven: systeemanalyse vrijgeven --werkmap {args.werkmap} --peildatum {p}{extra}")
    return 0


def is_gedraaid(werkmap: Path, peildatum: date) -> bool:
    for p, docs in _opgeslagen_audits(werkmap).items():
        if p == peildatum.isoformat() and docs:
            return True
    return False
