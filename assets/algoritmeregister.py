"""PLACEHOLDER — being replaced by the lineage/register work (issue 6). Signature is fixed."""


def register_onderdeel(con, peildatum, uitvoer, werkomgeving) -> dict:
    """Write output/<peildatum>/register/<thema>.json; return a dict merged into run.json."""
    return {}
