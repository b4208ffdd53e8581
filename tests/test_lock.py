"""requirements.lock (what `make` installs) holds every dependency of pyproject.toml at its pinned version:
after changing a dependency, `make lock` must be run, or this test fails."""
import re
import tomllib
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


def _naam(tekst: str) -> str:
    return re.sub(r"[-_.]+", "-", tekst).lower()


def test_lock_file_pins_exactly_the_declared_versions():
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    gevraagd = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    slot = {}
    for regel in (PROJECT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)", regel)
        if m:
            slot[_naam(m.group(1))] = m.group(2)
    for eis in gevraagd:
        m = re.match(r"^([A-Za-z0-9._-]+)(?:\[[^\]]*\])?==([^\s;]+)$", eis.strip())
        assert m, f"pyproject.toml: '{eis}' is niet exact vastgepind (naam==versie)"
        assert slot.get(_naam(m.group(1))) == m.group(2), \
            f"requirements.lock: {m.group(1)} {slot.get(_naam(m.group(1)))} in plaats van {m.group(2)}: draai `make lock`"
