"""All delivered files of all sources, in staging order."""
from sources import brp, gemeente, ib, rdw, suwi
from sources.contract import Bestand

PER_BRON: dict[str, tuple[Bestand, ...]] = {
    "brp": brp.BESTANDEN, "ib": ib.BESTANDEN, "suwi": suwi.BESTANDEN, "rdw": rdw.BESTANDEN,
    "gemeente": gemeente.BESTANDEN,
}
ALLE: tuple[Bestand, ...] = tuple(b for bestanden in PER_BRON.values() for b in bestanden)


def bestand(bron: str, naam: str) -> Bestand:
    return next(b for b in PER_BRON[bron] if b.naam == naam)
