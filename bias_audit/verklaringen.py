"""The explanations registry: per deviation a reasonable explanation, who approved it, when, until when.

An entry names a theme, a step (or `*` for all steps), an attribute and a group. It covers that group
and every intersection containing it (an explained wijk explains that wijk x gender). An entry counts on the day
the release is judged (a run, or `vrijgeven` after the committee's decision) when it is in force that day: taken
on or before it (`datum`) and not expired (`geldig_tot`). A decision dated later is not yet in force, an expired
one no longer is; both stay in the registry as its audit trail. A malformed file is an error
that names the entry; the audit then blocks every theme with that reason (it never guesses).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import yaml

from assets.themas.register import THEMAS
from bias_audit import instellingen
from bias_audit.kenmerken import KENMERKEN, geldige_groep, groepen

VELDEN = ("thema", "stap", "kenmerk", "groep", "verklaring", "vastgesteld_door", "datum", "geldig_tot")
OPTIONEEL = ("besluit",)  # the decision reference: always written by `verklaar`, optional when reading
KRUIS = "×"


class VerklaringenFout(Exception):
    """The registry cannot be read or an entry is malformed; the message names the entry."""


@dataclass(frozen=True)
class Verklaring:
    thema: str
    stap: str
    kenmerk: str
    groep: str
    verklaring: str
    vastgesteld_door: str
    datum: date
    geldig_tot: date
    besluit: str | None = None

    def geldig_op(self, dag: date) -> bool:
        """In force on `dag`: taken on or before it and not expired."""
        return self.datum <= dag <= self.geldig_tot

    def als_dict(self) -> dict:
        d = asdict(self)
        d["datum"], d["geldig_tot"] = self.datum.isoformat(), self.geldig_tot.isoformat()
        if d["besluit"] is None:
            del d["besluit"]
        return d


def normaal(tekst: str) -> str:
    """Compare groups and attributes as people type them: case, spaces and en dashes do not matter."""
    return " ".join(str(tekst).replace("–", "-").replace("—", "-").split()).casefold()


def _datum(waarde, veld: str, wie: str) -> date:
    if isinstance(waarde, date):
        return waarde
    try:
        return date.fromisoformat(str(waarde))
    except ValueError:
        raise VerklaringenFout(f"{wie}: '{veld}' is geen datum JJJJ-MM-DD ({waarde!r})") from None


def _kenmerk(naam: str, wie: str) -> str:
    bekend = {normaal(k): k for k in KENMERKEN}  # as people type them: 'Normcategorie' is normcategorie
    delen = [bekend.get(normaal(d), d.strip()) for d in str(naam).replace(" x ", KRUIS).split(KRUIS)]
    onbekend = [d for d in delen if d not in KENMERKEN]
    if onbekend or len(delen) > 2 or len(set(delen)) != len(delen):
        raise VerklaringenFout(f"{wie}: onbekend kenmerk '{naam}' (kies uit {', '.join(KENMERKEN)}, of twee "
                               f"daarvan verbonden met '{KRUIS}')")
    return KRUIS.join(delen)


def lees(pad: str | Path) -> list[Verklaring]:
    """All entries of the registry (expired ones included), validated."""
    try:
        inhoud = yaml.safe_load(Path(pad).read_text(encoding="utf-8"))
    except OSError as fout:
        raise VerklaringenFout(f"verklaringenregister {pad} is niet te lezen: {fout.strerror or fout}") from None
    except yaml.YAMLError as fout:
        plek = getattr(fout, "problem_mark", None)
        waar = f" (regel {plek.line + 1})" if plek else ""
        raise VerklaringenFout(f"verklaringenregister {pad} is geen geldige YAML{waar}") from None
    if isinstance(inhoud, dict) and set(inhoud) <= {"versie", "verklaringen"}:
        inhoud = inhoud.get("verklaringen")
    if inhoud is None:
        return []
    if not isinstance(inhoud, list):
        raise VerklaringenFout(f"verklaringenregister {pad}: verwacht een lijst van verklaringen")
    return valideer(inhoud)


def valideer(inhoud: list) -> list[Verklaring]:
    """Entries (as read from YAML) checked one by one; the first problem is an error naming the entry."""
    uit = []
    for i, item in enumerate(inhoud, start=1):
        wie = f"verklaring {i}"
        if not isinstance(item, dict):
            raise VerklaringenFout(f"{wie}: verwacht velden {', '.join(VELDEN)}")
        wie += f" ({item.get('thema', '?')}/{item.get('stap', '?')}/{item.get('kenmerk', '?')}/{item.get('groep', '?')})"
        ontbrekend = [v for v in VELDEN if item.get(v) in (None, "")]
        if ontbrekend:
            raise VerklaringenFout(f"{wie}: ontbreekt {', '.join(ontbrekend)}")
        extra = sorted(set(item) - set(VELDEN) - set(OPTIONEEL))
        if extra:
            raise VerklaringenFout(f"{wie}: onbekend veld {', '.join(map(str, extra))}")
        thema = str(item["thema"])
        if thema not in THEMAS:
            raise VerklaringenFout(f"{wie}: onbekend thema '{thema}' (kies uit {', '.join(THEMAS)})")
        stappen = [s for s, _ in THEMAS[thema].alle_stappen]
        stap = str(item["stap"])
        if stap != "*" and stap not in stappen:
            raise VerklaringenFout(f"{wie}: onbekende stap '{stap}' voor {thema} (kies uit * of "
                                   f"{', '.join(stappen[1:])})")
        kenmerk = _kenmerk(item["kenmerk"], wie)
        groep = " ".join(str(item["groep"]).split())
        if len(groep.split(KRUIS)) != len(kenmerk.split(KRUIS)):
            raise VerklaringenFout(f"{wie}: groep '{groep}' past niet bij kenmerk '{kenmerk}'")
        for veld in ("verklaring", "vastgesteld_door"):
            if not isinstance(item[veld], str) or not item[veld].strip():
                raise VerklaringenFout(f"{wie}: '{veld}' moet tekst zijn")
        besluit = item.get("besluit")
        if besluit is not None and (not isinstance(besluit, (str, int)) or not str(besluit).strip()):
            raise VerklaringenFout(f"{wie}: 'besluit' moet tekst zijn")
        datum, geldig_tot = _datum(item["datum"], "datum", wie), _datum(item["geldig_tot"], "geldig_tot", wie)
        if geldig_tot < datum:
            raise VerklaringenFout(f"{wie}: geldig_tot {geldig_tot} ligt voor datum {datum}")
        groepfout = _groepfout(kenmerk, groep)
        if groepfout:
            raise VerklaringenFout(f"{wie}: {groepfout}")
        uit.append(Verklaring(thema, stap, kenmerk, groep, item["verklaring"].strip(),
                              item["vastgesteld_door"].strip(), datum, geldig_tot,
                              None if besluit is None else str(besluit).strip()))
    return uit


def _groepfout(kenmerk: str, groep: str) -> str | None:
    """Why a group is not one the audit can report for this attribute (None when it is)."""
    inst = instellingen.laad()
    for k, g in paren(kenmerk, groep):
        bekend = groepen(k, inst)
        if not (geldige_groep(k, g.upper() if k == "wijk" and g.casefold() != "onbekend" else g, inst)
                or (bekend and normaal(g) in {normaal(b) for b in bekend})):
            keuze = ", ".join(bekend) if bekend else "een CBS-wijkcode WK + 6 cijfers of onbekend"
            return f"onbekende groep '{g}' voor kenmerk {k} (kies uit {keuze})"
    return None


def zoals_het_rapport(kenmerk: str, groep: str) -> str:
    """The group as the report names it ('Gehuwden' -> gehuwden), for a group `_groepfout` accepts; a wijk code as
    given (verklaar writes it in upper case)."""
    inst = instellingen.laad()
    uit = []
    for k, g in paren(kenmerk, groep):
        bekend = {normaal(b): b for b in groepen(k, inst) or []}
        uit.append(bekend.get(normaal(g), g))
    return f" {KRUIS} ".join(uit) if len(uit) > 1 else uit[0]


def paren(kenmerk: str, groep: str) -> list[tuple[str, str]]:
    return list(zip(kenmerk.split(KRUIS), [g.strip() for g in groep.split(KRUIS)]))


def dekt(v: Verklaring, thema: str, stap: str, kenmerk: str, groep: str) -> bool:
    """Does the entry explain this cell: same theme, step (or *), and the group itself, or an intersection
    that contains every (attribute, group) pair the entry names."""
    if v.thema != thema or (v.stap != "*" and v.stap != stap):
        return False
    cel = {(k, normaal(g)) for k, g in paren(kenmerk, groep)}
    return all((k, normaal(g)) in cel for k, g in paren(v.kenmerk, v.groep))


def zoek(verklaringen: list[Verklaring], thema: str, stap: str, kenmerk: str, groep: str) -> Verklaring | None:
    """The first entry in force that explains the cell (callers pass only entries in force)."""
    return next((v for v in verklaringen if dekt(v, thema, stap, kenmerk, groep)), None)
