"""Atomic publication (issue 13.2) and the access log of published lists and inzage (issue 13.7)."""
import hashlib
import json
import os
import shutil
import signal
import time
from pathlib import Path

import pytest

from kern import logboek, publicatie
from pipelines.cli import main
from tests.bouwer import bsn
from tests.robuust import cli
from tests.test_cli import P, kleine_landing

pytestmark = pytest.mark.traag  # runs end to end through the CLI and Dagster


def _inhoud(map_: Path) -> dict[str, str]:
    return {str(p.relative_to(map_)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(map_.rglob("*")) if p.is_file()}


def _argv(tmp_path: Path) -> list[str]:
    return ["run", "--landing", str(tmp_path / "landing"), "--werkmap", str(tmp_path / "werk"), "--peildatum", P]


def _blokkeer_rdw(tmp_path: Path) -> None:
    rdw = tmp_path / "landing" / "rdw" / "2026-10-01" / "tenaamstellingen.csv"
    rdw.write_bytes(rdw.read_bytes()[:-20])  # sha256 no longer matches the manifest: delivery rejected


def _publiceer(root: Path) -> Path:
    """A first run that released vermogen_voertuigen (dossier 1 has three new cars)."""
    kleine_landing(root / "landing")
    assert main(_argv(root)) in (0, 3)
    uit = root / "werk" / "output" / P
    assert (uit / "signalen" / "vermogen_voertuigen.xlsx").is_file()
    return uit


@pytest.fixture(scope="module")
def gedeeld(tmp_path_factory) -> Path:
    """One published first run shared by the tests that only read it (and the inzage test, which adds only inzage
    lines to the access log, read by no other test of this module): its root folder."""
    root = tmp_path_factory.mktemp("gepubliceerd")
    _publiceer(root)
    return root


@pytest.fixture
def gepubliceerd(gedeeld, tmp_path):
    """A published first run of this test's own (for the tests that run again or kill a run on it): a copy of
    the shared first run — landing and werkmap byte for byte, the publication's relative symlink included, so
    the state a first run here would leave (at most with inzage lines in the access log, which these tests do
    not read)."""
    for deel in ("landing", "werk"):
        shutil.copytree(gedeeld / deel, tmp_path / deel, symlinks=True)
    return tmp_path / "werk" / "output" / P


def test_publication_is_a_version_swapped_in_whole_and_run_json_names_it(gedeeld):
    tmp_path = gedeeld
    uit = tmp_path / "werk" / "output" / P
    assert uit.is_symlink() and uit.resolve().parent == tmp_path / "werk" / "output" / ".versies" / P
    run = json.loads((uit / "run.json").read_text())
    assert run["publicatie"]["versie"] == uit.resolve().name == run["dagster_run_id"]
    assert run["publicatie"]["bestanden"] == sorted(_inhoud(uit).keys() - {"run.json"}) + ["run.json"]
    # the access log has the released lists and the publication
    vrijgegeven = logboek.lees(tmp_path / "werk", "lijst_vrijgegeven")
    assert {r["thema"] for r in vrijgegeven} == {t for t, d in run["themas"].items() if d["status"] == "vrijgegeven"}
    assert [r["signalen"] for r in vrijgegeven if r["thema"] == "vermogen_voertuigen"] == [1]
    [pub] = logboek.lees(tmp_path / "werk", "publicatie")
    assert pub["versie"] == run["publicatie"]["versie"] and "signalen/vermogen_voertuigen.xlsx" in pub["lijsten"]


def test_blocked_theme_list_disappears_in_the_same_step_and_old_versions_are_bounded(gepubliceerd, tmp_path, capsys):
    uit = gepubliceerd
    eerste = uit.resolve()
    assert main(_argv(tmp_path)) in (0, 3)  # a rerun: a new version, the first kept as the previous one
    _blokkeer_rdw(tmp_path)
    assert main(_argv(tmp_path)) == 3
    run = json.loads((uit / "run.json").read_text())
    assert run["themas"]["vermogen_voertuigen"]["status"] == "geblokkeerd"
    assert not (uit / "signalen" / "vermogen_voertuigen.xlsx").exists()
    # the rdw delivery is rejected: the theme is not computed, so it has no control sample either
    assert not (uit / "steekproef" / "vermogen_voertuigen.parquet").exists()
    assert not any("vermogen_voertuigen" in b for b in run["publicatie"]["bestanden"]
                   if b.startswith(("signalen/", "steekproef/")))
    assert (uit / "signalen" / "vermogen_bank.parquet").exists() == (run["themas"]["vermogen_bank"]["status"]
                                                                      == "vrijgegeven")
    versies = sorted(p.name for p in (tmp_path / "werk" / "output" / ".versies" / P).iterdir())
    assert len(versies) == 2 and eerste.name not in versies  # the published one and the one before it
    assert logboek.lees(tmp_path / "werk", "lijst_geblokkeerd")[-1]["thema"] == "vermogen_voertuigen"


def test_run_killed_during_publication_leaves_the_previous_outputs_whole(gepubliceerd, tmp_path):
    uit = gepubliceerd
    voor, versie = _inhoud(uit), uit.resolve()
    _blokkeer_rdw(tmp_path)  # the killed run would have withdrawn the list
    versies = tmp_path / "werk" / "output" / ".versies" / P
    proces = cli.start(*_argv(tmp_path))
    # kill it once its own version holds a release decision (after the themes, before run.json)
    while not any((d / "bias").is_dir() and any((d / "bias").iterdir()) for d in versies.iterdir() if d != versie):
        assert proces.poll() is None
        time.sleep(0.02)
    os.kill(proces.pid, signal.SIGKILL)
    proces.communicate(timeout=60)
    assert proces.returncode == -signal.SIGKILL
    assert uit.resolve() == versie and _inhoud(uit) == voor
    assert (uit / "signalen" / "vermogen_voertuigen.xlsx").is_file()
    # the next run cleans up the killed run's unpublished folder and publishes whole
    assert main(_argv(tmp_path)) == 3
    nu = json.loads((uit / "run.json").read_text())
    assert set(p.name for p in versies.iterdir()) == {versie.name, nu["publicatie"]["versie"]}


def test_inzage_is_logged_with_the_pseudonym_never_the_bsn(gedeeld, capsys):
    werk = gedeeld / "werk"
    assert main(["inzage", "--werkmap", str(werk), "--bsn", bsn(1)]) == 0
    assert main(["inzage", "--werkmap", str(werk), "--bsn", bsn(1), "--json"]) == 0
    [a, b] = logboek.lees(werk, "inzage")
    assert a["pseudoniem"] == b["pseudoniem"] and len(a["pseudoniem"]) == 32 and a["gezien"] is True
    assert a["peildata"] == [P] and (a["vorm"], b["vorm"]) == ("tekst", "json")
    assert bsn(1) not in logboek.pad(werk).read_text()
    capsys.readouterr()
    assert main(["logboek", "--werkmap", str(werk), "--json"]) == 0
    regels = [json.loads(r) for r in capsys.readouterr().out.splitlines()]
    assert [r["actie"] for r in regels][-2:] == ["inzage", "inzage"]
    assert main(["logboek", "--werkmap", str(werk)]) == 0
    assert "inzage" in capsys.readouterr().out
    with pytest.raises(logboek.LogboekFout):
        logboek.schrijf(werk, "inzage", pseudoniem=bsn(1))
