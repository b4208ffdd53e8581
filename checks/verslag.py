"""PLACEHOLDER — being replaced by the data-quality work (issue 4). Signature is fixed."""


def kwaliteit_onderdeel(con, peildatum, uitvoer, werkomgeving) -> dict:
    """Write output/<peildatum>/kwaliteit/ (Data Docs + summary); return a dict merged into run.json."""
    return {}
