"""Reports as Jinja2 templates: one environment with autoescape, one stylesheet, Dutch number filters.

Every HTML page for people (bias report, quality summary, Data Docs index, lineage page, monitoring)
extends `basis.html`, which inlines `stijl.css`: pages are self-contained, printable, and make no request
that leaves the machine.
"""
from __future__ import annotations

from datetime import date
from functools import cache
from importlib.resources import files

import jinja2

MAP = files("kern") / "sjablonen"


def nl_getal(waarde, decimalen: int = 2) -> str:
    """12.345,68 — Dutch thousands and decimal separators; None as an en dash; text as given."""
    if waarde is None:
        return "–"
    if isinstance(waarde, str):
        return waarde
    if isinstance(waarde, bool):
        return "ja" if waarde else "nee"
    if isinstance(waarde, int):
        return f"{waarde:,}".replace(",", ".")
    return f"{waarde:,.{decimalen}f}".replace(",", "_").replace(".", ",").replace("_", ".")


def nl_procent(aandeel, decimalen: int = 1) -> str:
    """A share (0..1) as a Dutch percentage: 0.125 → 12,5%; None as an en dash."""
    return "–" if aandeel is None else nl_getal(100 * aandeel, decimalen) + "%"


def nl_p(p) -> str:
    """A p-value with four decimals; below 0,0001 as "< 0,0001"."""
    if p is None:
        return "–"
    return "< 0,0001" if p < 0.0001 else nl_getal(p, 4)


def nl_euro(bedrag: float, decimalen: int = 2) -> str:
    return ("-" if bedrag < 0 else "") + "€ " + nl_getal(abs(float(bedrag)), decimalen)


def nl_bedrag(bedrag: float) -> str:
    """An amount as written in a rule: € 500 for whole euros, € 12,50 otherwise."""
    return nl_euro(bedrag, 0 if float(bedrag).is_integer() else 2)


def nl_opsomming(items, voegwoord: str = "of") -> str:
    """"a, b of c"."""
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {voegwoord} " + items[-1]


def nl_datum(d: date | str) -> str:
    d = date.fromisoformat(d) if isinstance(d, str) else d
    maanden = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
               "oktober", "november", "december")
    return f"{d.day} {maanden[d.month - 1]} {d.year}"


def stijl() -> str:
    return (MAP / "stijl.css").read_text(encoding="utf-8")


@cache
def omgeving() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(MAP)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(getal=nl_getal, euro=nl_euro, datum=nl_datum, procent=nl_procent, p=nl_p)
    env.globals["stijl"] = stijl
    return env


def render(sjabloon: str, **context) -> str:
    """Render `kern/sjablonen/<sjabloon>`."""
    return omgeving().get_template(sjabloon).render(**context)
