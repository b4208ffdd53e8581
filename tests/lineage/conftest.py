"""One small landing set whose residents cover every inzage case, run once end to end through the CLI."""
from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest

from kern import omgeving
from pipelines.cli import main
from tests.bouwer import adres, bsn, dossier, persoon, woont
from tests.helpers import lever_alles
from tests.themas.test_vermogen_voertuigen import auto

P = "2026-10-31"
LANDEN = [("6030", "0001"), ("5022", "0052"), ("7022", "0057"), ("6030", "0100"), ("5049", "0001")]

# Who is who (person number -> case):
#  1 applicant D00001 with partner 2, three new cars          -> signal vermogen_voertuigen
#  3 applicant D00003, no cars; lives with 6 (aged 40)        -> falls out at rdw_gegevens; kostendelers signal
#  4 applicant D00004, three new cars, running investigation  -> excluded in vermogen_voertuigen
#  5 in the BRP only, lives alone                             -> in no population, read by nobody
#  6 co-resident at the address of D00003                     -> read as co-resident by both housing themes
#  7 applicant of an IOAW dossier                              -> known dossier, not in the population
#  8 never delivered by any source                            -> never seen
#  20..44 applicants without further data                     -> population filler (control sample)
ONGEZIEN = 8


def personen() -> list[dict]:
    rijen = []
    for i in [1, 2, 3, 4, 5, 6, 7, *range(20, 45)]:
        land, nat = LANDEN[i % len(LANDEN)]
        rijen.append(persoon(i, geboortedatum="19860315" if i == 6 else "19800101", geboorteland=land,
                             nationaliteit=nat))
    return rijen


def bestanden(personen_: list[dict] | None = None) -> dict:
    dossiers = [dossier(1, 1, partner=2, normcategorie="gehuwden", kostendelers=2), dossier(3, 3), dossier(4, 4),
                dossier(7, 7, regeling="IOAW"), *[dossier(i, i) for i in range(20, 45)]]
    tn = [auto(1, "AA-111-A", "20260101"), auto(2, "AA-222-B", "20260201"), auto(1, "AA-333-C", "20260301"),
          *[auto(4, f"BB-11{i}-B", f"2026010{i}") for i in range(1, 4)]]
    onderzoeken = [{"onderzoek_id": "O1", "dossier_id": "D00004", "bsn": bsn(4), "herkomst": "tip",
                    "thema": "vermogen_voertuigen", "datum_start": "2026-09-01", "uitkomst": "lopend"}]
    return {"personen": personen_ or personen(), "adressen": [adres(1), adres(2), adres(3)],
            "verblijfplaatsen": [woont(1, 1), woont(2, 1), woont(3, 2), woont(6, 2, aanvang="20230601"), woont(5, 3)],
            "uitkeringen": dossiers, "tenaamstellingen": tn, "onderzoeken": onderzoeken}


OMGEVING = (omgeving.LANDING, omgeving.WERKMAP, omgeving.VERKLARINGEN, omgeving.FILTERS, omgeving.SLEUTEL,
            "DAGSTER_HOME", "SYSTEEMANALYSE_ORGANISATIE")


@contextlib.contextmanager
def schone_omgeving():
    """The CLI sets its settings in os.environ; keep each run's settings from leaking into the next."""
    with pytest.MonkeyPatch.context() as mp:
        for k in OMGEVING:
            mp.delenv(k, raising=False)
        yield mp


def draai(landing: Path, werkmap: Path, *extra: str) -> int:
    with schone_omgeving():
        return main(["run", "--landing", str(landing), "--werkmap", str(werkmap), "--peildatum", P, *extra])


@pytest.fixture(scope="session")
def run(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("inzage")
    lever_alles(root / "landing", leverdatum=P, **bestanden())
    code = draai(root / "landing", root / "werk")
    assert code in (0, 3)
    return {"root": root, "landing": root / "landing", "werkmap": root / "werk", "code": code,
            "run": json.loads((root / "werk" / "output" / P / "run.json").read_text())}


def alle_bsns() -> set[str]:
    return {bsn(i) for i in [1, 2, 3, 4, 5, 6, 7, ONGEZIEN, *range(20, 45)]}


def pytest_collection_modifyitems(items):
    """Every test that uses the end-to-end run of this folder belongs to the full suite only."""
    for item in items:
        if "run" in getattr(item, "fixturenames", ()) and "tests/lineage/" in str(item.fspath):
            item.add_marker(pytest.mark.traag)
