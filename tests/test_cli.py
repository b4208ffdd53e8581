"""The command line end to end through Dagster: exit codes, run.json, rerun safety, rejected deliveries."""
import json
import subprocess
import sys
import tomllib
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from benchmarks.bench_run import stappen
from pipelines.cli import main
from tests.bouwer import adres, bsn, dossier, persoon, woont
from tests.robuust.cli import PROJECT, omgeving
from tests.helpers import lever_alles
from tests.themas.test_vermogen_voertuigen import auto

P = "2026-10-31"


def kleine_landing(root: Path) -> None:
    personen = [persoon(i) for i in range(1, 40)]
    adressen = [adres(1, 40), adres(2)]
    vp = [woont(i, 1) for i in range(1, 5)] + [woont(i, 2) for i in range(5, 40)]
    dossiers = [dossier(i, i) for i in range(1, 30)]
    tn = [auto(1, f"AA-11{i}-B", f"2026010{i}") for i in range(1, 4)]
    lever_alles(root, personen=personen, adressen=adressen, verblijfplaatsen=vp, uitkeringen=dossiers,
                tenaamstellingen=tn)


@pytest.mark.parametrize("argv", [
    [], ["run"], ["run", "--landing", "x", "--werkmap", "y"], ["onbekend"],
    ["run", "--landing", ".", "--werkmap", "y", "--peildatum", "31-10-2026"],
    ["run", "--landing", ".", "--werkmap", "y", "--peildatum", "2026-02-30"],
    ["demo-data", "--uit", "x", "--schaal", "enorm"], ["demo-data", "--uit", "x", "--seed", "-5"],
])
def test_malformed_command_line_exits_2(argv, capsys):
    with pytest.raises(SystemExit) as e:
        main(argv)
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert "fout" in err and "Traceback" not in err


def test_missing_landing_exits_2_and_writes_nothing(tmp_path, capsys):
    assert main(["run", "--landing", str(tmp_path / "nergens"), "--werkmap", str(tmp_path / "w"),
                 "--peildatum", P]) == 2
    assert "bestaat niet" in capsys.readouterr().err and not (tmp_path / "w").exists()
    (tmp_path / "landing.zip").write_bytes(b"PK")
    assert main(["run", "--landing", str(tmp_path / "landing.zip"), "--werkmap", str(tmp_path / "w"),
                 "--peildatum", P]) == 2
    assert f"landingsmap {tmp_path / 'landing.zip'} is geen map" in capsys.readouterr().err


@pytest.mark.parametrize("waar", ["--verklaringen", "werkmap"])
def test_a_malformed_registry_exits_2_and_writes_nothing(tmp_path, capsys, waar):
    """outputs.md: exit 2, bad arguments (clear message, nothing written) — for the registry given with
    --verklaringen and for the werkmap's own one alike."""
    (tmp_path / "landing").mkdir()
    werk = tmp_path / "w"
    kapot = "verklaringen:\n  - thema: vermogen_voertuigen\n    stap: '*'\n"  # no kenmerk, groep, ...
    extra = []
    if waar == "werkmap":
        werk.mkdir(mode=0o700)
        (werk / "verklaringen.yaml").write_text(kapot, encoding="utf-8")
    else:
        (tmp_path / "kapot.yaml").write_text(kapot, encoding="utf-8")
        extra = ["--verklaringen", str(tmp_path / "kapot.yaml")]
    assert main(["run", "--landing", str(tmp_path / "landing"), "--werkmap", str(werk), "--peildatum", P,
                 *extra]) == 2
    err = capsys.readouterr().err
    assert "systeemanalyse run: fout: verklaringenregister" in err and "verklaring 1" in err
    assert "Traceback" not in err
    if waar == "werkmap":  # only what was there
        assert [p.name for p in werk.iterdir()] == ["verklaringen.yaml"]
    else:
        assert not werk.exists()


def test_a_memory_setting_that_is_no_size_exits_2_before_anything_runs(tmp_path, capsys, monkeypatch):
    kleine_landing(tmp_path / "landing")
    monkeypatch.setenv("SYSTEEMANALYSE_DUCKDB_GEHEUGEN", "veel")
    assert main(["run", "--landing", str(tmp_path / "landing"), "--werkmap", str(tmp_path / "w"),
                 "--peildatum", P]) == 2
    err = capsys.readouterr().err
    assert "SYSTEEMANALYSE_DUCKDB_GEHEUGEN='veel' is geen geheugengrootte" in err and "Traceback" not in err
    assert not (tmp_path / "w").exists()


@pytest.mark.traag
def test_full_run_reconciles_and_rerun_changes_nothing(tmp_path, capsys):
    kleine_landing(tmp_path / "landing")
    argv = ["run", "--landing", str(tmp_path / "landing"), "--werkmap", str(tmp_path / "werk"), "--peildatum", P]
    code = main(argv)
    uit = tmp_path / "werk" / "output" / P
    run = json.loads((uit / "run.json").read_text())
    assert code in (0, 3) and run["status"] in ("voltooid", "voltooid_met_blokkades")
    assert set(run["bronnen"]) == {"brp", "ib", "suwi", "rdw", "gemeente"}
    for b in run["bronnen"].values():
        assert b["status"] == "geaccepteerd"
        for t in b["bestanden"].values():
            assert t["geleverd"] == t["geaccepteerd"] + t["quarantaine"]
    assert run["bronnen"]["brp"]["bestanden"]["personen.csv"] == {"geleverd": 39, "geaccepteerd": 39, "quarantaine": 0}
    assert set(run["themas"]) == {"vermogen_voertuigen", "vermogen_bank", "huisvesting_bezetting",
                                  "huisvesting_kostendelers"}
    con = duckdb.connect(str(tmp_path / "werk" / "systeemanalyse.duckdb"), read_only=True)
    tellingen = {t: con.sql(f"SELECT count(*) FROM {t}").fetchall()[0][0]
                 for t in ("brp_personen", "quarantaine", "signalen", "funnel_leden", "populatie", "run_bronnen")}
    signalen = con.sql("SELECT * FROM signalen ORDER BY signaal_id").fetchall()
    con.close()
    assert tellingen["populatie"] == 29
    assert main(argv) == code
    con = duckdb.connect(str(tmp_path / "werk" / "systeemanalyse.duckdb"), read_only=True)
    assert {t: con.sql(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in tellingen} == tellingen
    assert con.sql("SELECT * FROM signalen ORDER BY signaal_id").fetchall() == signalen
    con.close()
    # the run is recorded in the werkmap's Dagster instance, visible in the UI
    assert (tmp_path / "werk" / "dagster_home" / "history" / "runs.db").is_file()
    assert json.loads((uit / "run.json").read_text())["dagster_run_id"]
    # the benchmark's per-step breakdown reads each of the two runs from that event log (benchmarks/bench_run.py)
    per_run = list(stappen(tmp_path / "werk").values())
    assert len(per_run) == 2 and set(per_run[0]) == set(per_run[1])
    assert {"levering_brp", "brp_personen", "brp_verblijfplaatsen", "trechter_vermogen_bank", "run_verslag"} \
        <= set(per_run[0])
    assert all(s >= 0 for r in per_run for s in r.values())


@pytest.mark.traag
def test_tampered_delivery_rejected_whole_exit_3(tmp_path, capsys):
    kleine_landing(tmp_path / "landing")
    rdw = tmp_path / "landing" / "rdw" / "2026-10-01" / "tenaamstellingen.csv"
    rdw.write_bytes(rdw.read_bytes()[:-20])
    code = main(["run", "--landing", str(tmp_path / "landing"), "--werkmap", str(tmp_path / "werk"),
                 "--peildatum", P])
    err = capsys.readouterr().err
    assert code == 3
    assert "levering afgewezen: rdw: levering rdw/2026-10-01 afgewezen: tenaamstellingen.csv: sha256 wijkt af" in err
    run = json.loads((tmp_path / "werk" / "output" / P / "run.json").read_text())
    assert run["status"] == "voltooid_met_blokkades"
    assert run["bronnen"]["rdw"]["status"] == "afgewezen" and run["bronnen"]["rdw"]["bestanden"] == {}
    voertuigen = run["themas"]["vermogen_voertuigen"]
    assert voertuigen["status"] == "geblokkeerd"
    # the rejection once, not again as each of the file's checks that failed because of it, nor as 'thema niet
    # berekend' and the audit's 'geen trechter om te toetsen' that follow from it
    assert voertuigen["redenen"] == ["bron rdw: levering rdw/2026-10-01 afgewezen: tenaamstellingen.csv: sha256 wijkt "
                                     "af van manifest (bestand gewijzigd of afgekapt)"]
    assert err.count("thema geblokkeerd: vermogen_voertuigen") == 1
    assert not any("bron rdw" in r for t, d in run["themas"].items() if t != "vermogen_voertuigen"
                   for r in d["redenen"])
    assert not (tmp_path / "werk" / "output" / P / "signalen" / "vermogen_voertuigen.parquet").exists()
    assert run["verrekening"]["status"] == "gemaakt"  # it reads no rdw data
    assert "Traceback" not in err


def test_settlement_list_withheld_is_said_in_run_json_and_on_stderr(tmp_path, capsys):
    """The income settlement list is no theme, but when its sources may not be used it is withheld visibly."""
    kleine_landing(tmp_path / "landing")
    polis = tmp_path / "landing" / "suwi" / "2026-10-01" / "polis.csv"
    polis.write_bytes(polis.read_bytes() + b"\n")
    assert main(["run", "--landing", str(tmp_path / "landing"), "--werkmap", str(tmp_path / "werk"),
                 "--peildatum", P]) == 3
    err = capsys.readouterr().err
    reden = "bron suwi: levering suwi/2026-10-01 afgewezen: polis.csv: sha256 wijkt af van manifest"
    run = json.loads((tmp_path / "werk" / "output" / P / "run.json").read_text())
    assert run["verrekening"]["status"] == "niet_gemaakt"
    [gegeven] = run["verrekening"]["redenen"]  # the rejection, once
    assert gegeven.startswith(reden) and f"verrekening niet gemaakt: {gegeven}" in err
    assert not (tmp_path / "werk" / "output" / P / "verrekening" / "inkomsten.parquet").exists()


def test_broken_parameter_file_exits_2(tmp_path, capsys):
    kleine_landing(tmp_path / "landing")
    filters = tmp_path / "filters.yaml"
    filters.write_text("algemeen: {steekproef_fractie: 0.01}\n")
    code = main(["run", "--landing", str(tmp_path / "landing"), "--werkmap", str(tmp_path / "w"),
                 "--peildatum", P, "--filters", str(filters)])
    err = capsys.readouterr().err
    assert code == 2 and "sectie 'algemeen' mist uitsluiting_geen_afwijking_maanden" in err
    assert not (tmp_path / "w").exists()


@pytest.mark.parametrize("bestand, inhoud, melding", [
    ("drempels", "quarantaine: {max_percentage: 1.0, ernst: fout}\n",
     "sectie 'quarantaine': sleutel 'ernst' moet 'error' of 'warning' zijn, niet 'fout'"),
    ("organisatie", "organisatie: Gemeente X\nstatus: In gebruik\n",
     "missen contact_email, publicatiecategorie, begin_datum"),
])
def test_broken_configuration_file_exits_2_before_the_run(tmp_path, capsys, monkeypatch, bestand, inhoud, melding):
    from checks import register

    kleine_landing(tmp_path / "landing")
    pad = tmp_path / f"{bestand}.yaml"
    pad.write_text(inhoud)
    if bestand == "drempels":
        monkeypatch.setattr(register, "DREMPELS_PAD", pad)
    else:
        monkeypatch.setenv("SYSTEEMANALYSE_ORGANISATIE", str(pad))
    code = main(["run", "--landing", str(tmp_path / "landing"), "--werkmap", str(tmp_path / "w"), "--peildatum", P])
    err = capsys.readouterr().err
    assert code == 2 and str(pad) in err and melding in err and "Traceback" not in err
    assert not (tmp_path / "w").exists()


def _in_eigen_proces(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=PROJECT, env=omgeving(), capture_output=True, text=True,
                          timeout=300)


def test_console_script_is_main_in_a_process_of_its_own_with_the_collector_on_while_a_command_works():
    """`systeemanalyse` is `hoofd`: main's exit code, the cyclic collector off only while modules load, and for
    a command other than run/vrijgeven on before it starts (pipelines/cli.py, hoofd)."""
    with open(PROJECT / "pyproject.toml", "rb") as f:
        assert tomllib.load(f)["project"]["scripts"]["systeemanalyse"] == "pipelines.cli:hoofd"
    r = _in_eigen_proces(
        "import gc, sys\nfrom pipelines import cli\n"
        "def voer_uit(args):\n    print(args.opdracht, gc.isenabled(), gc.get_freeze_count())\n    return 3\n"
        "cli._voer_uit = voer_uit\nsys.argv = ['systeemanalyse', 'logboek', '--werkmap', 'w']\ncli.hoofd()\n")
    assert (r.returncode, r.stdout.split()) == (3, ["logboek", "True", "0"]), r.stderr


def test_a_run_in_its_own_process_freezes_the_loaded_modules_and_turns_the_collector_on():
    r = _in_eigen_proces(
        "import gc, sys\nfrom pipelines import cli\n"
        "cli._Proces.eigen = True\ngc.disable()\ncli._geladen()\n"
        "print(gc.isenabled(), gc.get_freeze_count() > 100000, 'great_expectations' in sys.modules)\n")
    assert r.stdout.split() == ["True", "True", "True"], r.stderr
    # called by a caller of main (a test, the Dagster sensor's process): nothing frozen, nothing switched
    r = _in_eigen_proces(
        "import gc\nfrom pipelines import cli\ncli._geladen()\nprint(gc.isenabled(), gc.get_freeze_count())\n")
    assert r.stdout.split() == ["True", "0"], r.stderr
