"""Every test starts without the settings an earlier CLI run in this process put in the environment."""
import pytest

OMGEVING = ("DAGSTER_HOME", "SYSTEEMANALYSE_LANDING", "SYSTEEMANALYSE_WERKMAP", "SYSTEEMANALYSE_VERKLARINGEN",
            "SYSTEEMANALYSE_FILTERS")


@pytest.fixture(autouse=True)
def schone_omgeving(monkeypatch):
    for naam in OMGEVING:
        monkeypatch.delenv(naam, raising=False)
