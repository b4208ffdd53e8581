"""The bias audit's release gate: an unexplained deviation blocks the theme; no audit blocks it too."""
import json
from datetime import date

from assets.themas import uitvoering
from assets.themas.kader import Thema
from bias_audit.audit import OORDELEN
from kern import opslag


def biaspoort(con, peildatum: date, thema: Thema) -> list[str]:
    """Reasons (one line each) why the bias audit blocks this theme; fail closed when no audit exists."""
    rij = opslag.eerste(con.sql(f"SELECT blokkerend, redenen, filter_versie FROM {OORDELEN} WHERE peildatum = ? "
                                "AND thema = ?", params=[peildatum, thema.id])) \
        if opslag.bestaat_tabel(con, OORDELEN) else None
    if rij is None:
        return [f"bias-audit {thema.id}: geen auditresultaat voor peildatum {peildatum}"]
    blokkerend, redenen, versie = rij
    redenen = json.loads(redenen)
    uitkomst = uitvoering.laad_uitkomst(con, peildatum, thema.id)
    if uitkomst is not None and uitkomst.berekend and versie != uitkomst.filter_versie:
        redenen.append(f"bias-audit {thema.id}: de audit hoort bij filter_versie {versie or '-'}, de trechter bij "
                       f"{uitkomst.filter_versie}; de audit moet opnieuw")
    if blokkerend and not redenen:
        redenen.append(f"bias-audit {thema.id}: geblokkeerd")
    return redenen
