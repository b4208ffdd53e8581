"""Ingestion tests compare werkmaps with each other: one pseudonymisation key for all of them (each werkmap would
otherwise make its own key file, and its staged pseudonyms would differ)."""
import pytest

from kern.omgeving import SLEUTEL


@pytest.fixture(autouse=True)
def een_sleutel(monkeypatch):
    monkeypatch.setenv(SLEUTEL, "sleutel-van-de-brontests")
