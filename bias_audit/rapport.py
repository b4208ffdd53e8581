"""PLACEHOLDER — being replaced by the bias-audit work (issue 5). Signature is fixed."""


def rapport_onderdeel(con, peildatum, uitvoer, werkomgeving) -> dict:
    """Write output/<peildatum>/bias/rapport.html; return a dict merged into run.json."""
    return {}
