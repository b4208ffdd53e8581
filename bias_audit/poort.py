"""PLACEHOLDER — being replaced by the bias-audit work (issue 5). Signature is fixed."""
from datetime import date

from assets.themas.kader import Thema


def biaspoort(con, peildatum: date, thema: Thema) -> list[str]:
    """Reasons (one line each) why the bias audit blocks this theme; fail closed when no audit exists."""
    return ["bias-audit nog niet geïmplementeerd"]
