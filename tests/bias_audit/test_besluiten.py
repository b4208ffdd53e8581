"""The committee's loop end to end through the CLI and Dagster: a run blocked by two root causes, `verklaar`
(bad input refused with the file unchanged, a decision appended), `vrijgeven` that still blocks on the other
root cause, and one that releases — without ingesting or computing anything again."""
import json
from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from bias_audit import verklaringen as vk
from pipelines.cli import main
from tests.bouwer import adres, dossier, persoon, woont
from tests.helpers import lever_alles
from tests.themas.test_vermogen_voertuigen import auto

pytestmark = pytest.mark.traag  # runs end to end through the CLI and Dagster

P = "2026-10-31"
TOT = (date.today() + timedelta(days=365)).isoformat()


def twee_oorzaken(root: Path) -> None:
    """300 single-person dossiers, one per address. 1-100: wijk WK001401, aged 46; 101-200: WK001402, aged 46;
    201-300: WK001401, aged 76 (67+). Every applicant of WK001402 and every applicant of 67+ registered three cars
    this year, nobody else: two independent root causes (wijk WK001402 and leeftijd 67+), each 1.5 times the
    population's rate; their intersections with other attributes only restate them."""
    ids = range(1, 301)
    personen = [persoon(i, geboortedatum="19500101" if i > 200 else "19800101") for i in ids]
    adressen = [adres(i, wijk="WK001402" if 100 < i <= 200 else "WK001401") for i in ids]
    autos = [auto(i, f"AB{i:03d}{j}", f"2026030{j}") for i in range(101, 301) for j in (1, 2, 3)]
    lever_alles(root, personen=personen, adressen=adressen, verblijfplaatsen=[woont(i, i) for i in ids],
                uitkeringen=[dossier(i, i) for i in ids], tenaamstellingen=autos)


def verklaar(werk: Path, *extra: str, **velden) -> int:
    standaard = {"thema": "vermogen_voertuigen", "stap": "*", "kenmerk": "wijk", "groep": "WK001402",
                 "verklaring": "Bedrijventerrein met autohandel in deze wijk.", "vastgesteld-door": "Ethische commissie",
                 "besluit": "EC-2026-17", "geldig-tot": TOT}
    standaard.update({k.replace("_", "-"): v for k, v in velden.items()})
    argv = ["verklaar", "--werkmap", str(werk), *extra]
    for k, v in standaard.items():
        if v is not None:
            argv += [f"--{k}", v]
    return main(argv)


@pytest.fixture(scope="module")
def geblokkeerd(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("besluiten")
    twee_oorzaken(tmp / "landing")
    werk = tmp / "werk"
    code = main(["run", "--landing", str(tmp / "landing"), "--werkmap", str(werk), "--peildatum", P])
    return werk, code


def test_run_names_each_root_cause_once(geblokkeerd, capfd):
    werk, code = geblokkeerd
    run = json.loads((werk / "output" / P / "run.json").read_text())
    assert code == 3 and run["themas"]["vermogen_voertuigen"]["status"] == "geblokkeerd"
    redenen = run["themas"]["vermogen_voertuigen"]["redenen"]
    assert len(redenen) == 2
    assert any("kenmerk wijk, groep WK001402" in r for r in redenen)
    assert any("kenmerk leeftijd, groep 67+" in r for r in redenen)
    # outputs.md: no signal list for a blocked theme; its control sample (a random draw the filter does not shape)
    # goes out all the same, with the rows run.json counts
    uit = werk / "output" / P
    assert not (uit / "signalen" / "vermogen_voertuigen.parquet").exists()
    steekproef = pl.read_parquet(uit / "steekproef" / "vermogen_voertuigen.parquet")
    assert steekproef.height == run["themas"]["vermogen_voertuigen"]["steekproef"] == 20
    assert set(steekproef["thema"]) == {"vermogen_voertuigen"}
    capfd.readouterr()
    assert main(["inzage", "--werkmap", str(werk), "--bsn", steekproef["bsn"][0]]) == 0
    sectie = capfd.readouterr().out.split("vermogen_voertuigen", 1)[1]
    assert ("De signaallijst van dit thema is NIET vrijgegeven (geblokkeerd); alleen de controlesteekproef, met uw "
            "dossier als willekeurig gekozen dossier, is aan de toezichthouders doorgegeven.") in " ".join(sectie.split())
    doc = json.loads((werk / "output" / P / "bias" / "vermogen_voertuigen.json").read_text())
    assert [(o["kenmerk"], o["groep"], o["stap"]) for o in doc["oorzaken"]] == [
        ("leeftijd", "67+", "rdw_gegevens"), ("wijk", "WK001402", "rdw_gegevens")]
    assert all(o["stappen"] == ["rdw_gegevens", "regel", "na_uitsluitingen"] for o in doc["oorzaken"])
    # 67+ lives only in WK001401: its intersection with that wijk is the group itself, so derived
    leeftijd = doc["oorzaken"][0]
    assert {"stap": "rdw_gegevens", "kenmerk": "leeftijd×wijk", "groep": "67+ × WK001401"} in [
        {k: a[k] for k in ("stap", "kenmerk", "groep")} for a in leeftijd["afgeleid"]]
    # evidence: single-person dossiers only, so the factor's one stratum holds everybody — a ratio, no draft
    [g] = leeftijd["gecorrigeerd"]
    assert g["factor"] == "personen_in_dossier" and g["samenvallend"] is False
    assert g["ratio"] == pytest.approx(leeftijd["ratio"], rel=1e-3) and leeftijd["voorstel"] is None


def test_verklaar_of_a_derived_deviation_says_it_releases_nothing(geblokkeerd, tmp_path, capsys):
    """outputs.md: verklaar prints which open deviations the entry covers. An intersection that is only derived
    from a root cause is covered, but does not block on its own: the output says so and names the root cause."""
    werk, _ = geblokkeerd
    doc = json.loads((werk / "output" / P / "bias" / "vermogen_voertuigen.json").read_text())
    oorzaak = next(o for o in doc["oorzaken"] if o["afgeleid"])
    a = oorzaak["afgeleid"][0]
    capsys.readouterr()
    assert verklaar(werk, "--verklaringen", str(tmp_path / "eigen.yaml"), stap=a["stap"], kenmerk=a["kenmerk"],
                    groep=a["groep"]) == 0
    uit = capsys.readouterr().out
    assert "Dit besluit dekt geen openstaande hoofdoorzaak van een opgeslagen run." in uit
    assert (f"  peildatum {P}, vermogen_voertuigen, stap {a['stap']}, kenmerk {a['kenmerk']}, groep {a['groep']}: "
            f"ratio {a['ratio']:.2f}; hoofdoorzaak kenmerk {oorzaak['kenmerk']}, groep {oorzaak['groep']}") in uit
    assert "Vrijgeven:" not in uit


def test_verklaar_refuses_bad_input_and_leaves_the_file_unchanged(geblokkeerd, capsys):
    werk, _ = geblokkeerd
    register = werk / "verklaringen.yaml"
    assert not register.exists()  # the demo and the run ship no decision
    gevallen = [
        ({"thema": "vermogen_fietsen"}, "onbekend thema 'vermogen_fietsen'"),
        ({"stap": "rdw"}, "onbekende stap 'rdw' voor vermogen_voertuigen"),
        ({"kenmerk": "buurt"}, "onbekend kenmerk 'buurt'"),
        ({"groep": "Paterswolde"}, "onbekende groep 'Paterswolde' voor kenmerk wijk"),
        ({"kenmerk": "leeftijd", "groep": "65+"}, "onbekende groep '65+' voor kenmerk leeftijd"),
        ({"kenmerk": "leeftijd×wijk", "groep": "67+"}, "past niet bij kenmerk"),
        ({"geldig_tot": "2020-01-01"}, "--geldig-tot 2020-01-01 ligt in het verleden"),
        ({"besluit": "  "}, "--besluit is leeg"),
        ({"datum": (date.today() + timedelta(days=1)).isoformat()}, "ligt in de toekomst"),
    ]
    for velden, melding in gevallen:
        assert verklaar(werk, **velden) == 2, velden
        assert melding in capsys.readouterr().err, velden
        assert not register.exists()
    with pytest.raises(SystemExit) as e:  # a missing field: argparse names it, exit 2
        verklaar(werk, besluit=None)
    assert e.value.code == 2 and "--besluit" in capsys.readouterr().err
    register.write_text("verklaringen:\n  - thema: vermogen_voertuigen\n    stap: '*'\n", encoding="utf-8")
    voor = register.read_bytes()
    assert verklaar(werk) == 2
    assert "verklaringenregister is ongeldig" in capsys.readouterr().err and register.read_bytes() == voor
    register.unlink()


def test_vrijgeven_with_a_malformed_registry_exits_2_and_changes_nothing(geblokkeerd, tmp_path, capsys):
    werk, _ = geblokkeerd
    kapot = tmp_path / "kapot.yaml"
    kapot.write_text("verklaringen:\n  - thema: vermogen_voertuigen\n", encoding="utf-8")
    uit = werk / "output" / P
    voor = {p: p.read_bytes() for p in sorted(uit.rglob("*")) if p.is_file()}
    assert main(["vrijgeven", "--werkmap", str(werk), "--peildatum", P, "--verklaringen", str(kapot)]) == 2
    err = capsys.readouterr().err
    assert "systeemanalyse vrijgeven: fout: verklaringenregister" in err and "Traceback" not in err
    assert {p: p.read_bytes() for p in sorted(uit.rglob("*")) if p.is_file()} == voor


def test_vrijgeven_never_run_peildatum(geblokkeerd, capsys):
    werk, _ = geblokkeerd
    assert main(["vrijgeven", "--werkmap", str(werk), "--peildatum", "2026-09-30"]) == 2
    assert "geen run met een bias-audit" in capsys.readouterr().err


def test_decisions_release_without_recomputing(geblokkeerd, capsys):
    werk, _ = geblokkeerd
    register = werk / "verklaringen.yaml"
    uit = werk / "output" / P
    assert verklaar(werk) == 0
    tekst = capsys.readouterr().out
    assert "besluit: EC-2026-17" in tekst and "groep wijk" not in tekst
    assert "peildatum 2026-10-31, vermogen_voertuigen, stap(pen) rdw_gegevens, regel, na_uitsluitingen, kenmerk " \
           "wijk, groep WK001402" in tekst and f"systeemanalyse vrijgeven --werkmap {werk} --peildatum {P}" in tekst
    na_eerste = register.read_bytes()

    # one root cause explained, the other still open: still blocked, with only that reason
    assert main(["vrijgeven", "--werkmap", str(werk), "--peildatum", P]) == 3
    run = json.loads((uit / "run.json").read_text())
    [reden] = run["themas"]["vermogen_voertuigen"]["redenen"]
    assert "kenmerk leeftijd, groep 67+" in reden and not (uit / "signalen" / "vermogen_voertuigen.xlsx").exists()

    assert verklaar(werk, kenmerk="leeftijd", groep="67+", besluit="EC-2026-18",
                    verklaring="Ouderen hebben vaker een oldtimerhandel als hobby.") == 0
    assert register.read_bytes().startswith(na_eerste)  # only ever appended
    capsys.readouterr()
    assert main(["vrijgeven", "--werkmap", str(werk), "--peildatum", P]) == 0
    run = json.loads((uit / "run.json").read_text())
    assert run["themas"]["vermogen_voertuigen"]["status"] == "vrijgegeven"
    assert run["themas"]["vermogen_voertuigen"]["signalen"] == 200
    assert (uit / "signalen" / "vermogen_voertuigen.xlsx").exists()
    doc = json.loads((uit / "bias" / "vermogen_voertuigen.json").read_text())
    assert [o["status"] for o in doc["oorzaken"]] == ["verklaard", "verklaard"]
    assert {o["verklaring"]["besluit"] for o in doc["oorzaken"]} == {"EC-2026-17", "EC-2026-18"}

    # through Dagster, and only the judgement and what follows it: no ingestion, no funnel, no audit computed
    instance = dg.DagsterInstance.from_config(str(werk / "dagster_home"))
    runs = instance.get_runs(filters=dg.RunsFilter(job_name="vrijgeven"))
    assert len(runs) == 2
    stappen = {e.step_key for e in instance.all_logs(runs[0].run_id)
               if e.dagster_event and e.dagster_event.event_type_value == "STEP_SUCCESS"}
    assert "biasoordeel_vermogen_voertuigen" in stappen and "vrijgave_vermogen_voertuigen" in stappen
    assert not any(s.startswith(("trechter_", "bias_", "brp_", "levering_", "populatie")) for s in stappen)
    mat = instance.get_latest_materialization_event(dg.AssetKey("biasoordeel_vermogen_voertuigen"))
    toegepast = mat.asset_materialization.metadata["besluiten_toegepast"].value
    assert {t["besluit"] for t in toegepast} == {"EC-2026-17", "EC-2026-18"}


def test_registry_kept_before_besluit_existed_still_releases(geblokkeerd, tmp_path, capsys):
    """outputs.md: `besluit` is optional when reading, so that registries kept before it existed stay valid —
    also when such an entry is the one that explains a root cause (the report shows it without a decision)."""
    werk, _ = geblokkeerd
    oud = tmp_path / "oud.yaml"
    oud.write_text("verklaringen:\n" + "".join(
        f"  - {{thema: vermogen_voertuigen, stap: '*', kenmerk: {k}, groep: '{g}', verklaring: Oud besluit., "
        f"vastgesteld_door: Ethische commissie, datum: 2026-01-05, geldig_tot: {TOT}}}\n"
        for k, g in (("wijk", "WK001402"), ("leeftijd", "67+"))), encoding="utf-8")
    assert main(["vrijgeven", "--werkmap", str(werk), "--peildatum", P, "--verklaringen", str(oud)]) == 0
    assert "Traceback" not in capsys.readouterr().err
    uit = werk / "output" / P
    doc = json.loads((uit / "bias" / "vermogen_voertuigen.json").read_text())
    assert [o["status"] for o in doc["oorzaken"]] == ["verklaard", "verklaard"]
    assert all("besluit" not in o["verklaring"] for o in doc["oorzaken"])
    rapport = (uit / "bias" / "rapport.html").read_text(encoding="utf-8")
    assert "Oud besluit.\n(Ethische commissie,\ngeldig tot " in rapport  # no ", besluit ..." between


def test_verklaar_makes_a_new_werkmap_readable_by_its_owner_only_and_a_file_is_a_bad_argument(tmp_path, capsys):
    assert verklaar(tmp_path / "nieuw") == 0
    assert (tmp_path / "nieuw").stat().st_mode & 0o777 == 0o700  # run will put person-level data in it
    assert f"Let op: werkmap {tmp_path / 'nieuw'} bestond nog niet en is aangemaakt" in capsys.readouterr().out
    assert verklaar(tmp_path / "nieuw") == 0 and "Let op" not in capsys.readouterr().out  # said once, when made
    (tmp_path / "bestand").write_text("x")
    assert verklaar(tmp_path / "bestand") == 2
    assert f"werkmap {tmp_path / 'bestand'} is niet aan te maken" in capsys.readouterr().err


def test_a_database_that_cannot_be_read_is_said_and_nothing_is_recorded(tmp_path, capsys):
    """A damaged database is no 'nothing stored yet': verklaar records nothing (it cannot check the group against
    the runs), vrijgeven does not say the peildatum was never run. Exit 1, one line, no traceback."""
    werk = tmp_path / "werk"
    werk.mkdir(mode=0o700)
    (werk / "systeemanalyse.duckdb").write_bytes(b"geen duckdb" * 1000)
    assert verklaar(werk, kenmerk="leeftijd", groep="67+") == 1
    err = capsys.readouterr().err
    assert "systeemanalyse verklaar: fout: de database " in err and "er is niets vastgelegd" in err
    assert "Traceback" not in err and not (werk / "verklaringen.yaml").exists()
    assert main(["vrijgeven", "--werkmap", str(werk), "--peildatum", P]) == 1
    err = capsys.readouterr().err
    assert "systeemanalyse vrijgeven: fout: de database " in err and "is niet te lezen" in err
    assert "geen run" not in err and "Traceback" not in err


def test_verklaar_and_vrijgeven_wait_for_the_werkmap_instead_of_finding_no_run(geblokkeerd, tmp_path):
    """While another command holds the werkmap (a run writing its database), vrijgeven waits and then names the
    holder (exit 1), and verklaar records the decision and says its coverage cannot be told now; both used to
    read the held database as 'no stored run' (vrijgeven exit 2, verklaar: 'covers nothing')."""
    from kern.slot import werkmap_slot
    from tests.robuust import cli

    werk, _ = geblokkeerd
    register = tmp_path / "register.yaml"
    with werkmap_slot(werk, "systeemanalyse run", peildatum=P):
        vrij = cli.draai("vrijgeven", "--werkmap", str(werk), "--peildatum", P, "--wachttijd", "0.2")
        besluit = cli.draai("verklaar", "--werkmap", str(werk), "--verklaringen", str(register), "--thema",
                            "vermogen_voertuigen", "--stap", "*", "--kenmerk", "wijk", "--groep", "WK001402",
                            "--verklaring", "x", "--vastgesteld-door", "EC", "--besluit", "EC-1", "--geldig-tot", TOT,
                            "--wachttijd", "0.2")
    assert vrij.returncode == 1 and "in gebruik door systeemanalyse run (peildatum 2026-10-31" in vrij.stderr
    assert besluit.returncode == 0 and "Traceback" not in besluit.stderr
    assert "Welke afwijkingen dit besluit dekt, is nu niet na te gaan" in besluit.stdout
    assert "EC-1" in register.read_text()


def test_inzage_reads_a_bsn_written_with_spaces(geblokkeerd, capsys):
    from tests.bouwer import bsn

    werk, _ = geblokkeerd
    b = bsn(150)
    assert main(["inzage", "--werkmap", str(werk), "--bsn", f"{b[:3]} {b[3:6]} {b[6:]}"]) == 0
    assert "ongeldig" not in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["--wachttijd", "nan"], ["--wachttijd", "-5"], ["--wachttijd", "inf"]])
def test_a_waiting_time_that_is_no_number_of_seconds_is_a_bad_argument(argv, tmp_path, capsys):
    with pytest.raises(SystemExit) as e:
        main(["vrijgeven", "--werkmap", str(tmp_path), "--peildatum", P, *argv])
    assert e.value.code == 2 and "is geen wachttijd" in capsys.readouterr().err


def test_verklaar_into_a_pipe_closed_early_records_the_decision_without_an_error(geblokkeerd, tmp_path):
    """`systeemanalyse verklaar ... | head -n 1`: the reader stops reading. The decision is still appended and the
    command ends as it would have (exit 0), with no 'onverwachte fout: BrokenPipeError' after the entry was
    written."""
    from tests.robuust import cli

    werk, _ = geblokkeerd
    register = tmp_path / "register.yaml"
    proces = cli.start("verklaar", "--werkmap", str(werk), "--verklaringen", str(register), "--thema",
                       "vermogen_voertuigen", "--stap", "*", "--kenmerk", "wijk", "--groep", "WK001402",
                       "--verklaring", "x", "--vastgesteld-door", "EC", "--besluit", "EC-PIJP", "--geldig-tot", TOT)
    proces.stdout.close()  # the reader is gone before the command prints its first line
    _, fout = proces.communicate(timeout=300)
    assert proces.returncode == 0, fout
    assert fout == "" and "EC-PIJP" in register.read_text()


def test_verklaar_refuses_a_wijk_no_stored_run_knows_and_writes_a_code_as_the_report_names_it(geblokkeerd, tmp_path,
                                                                                             capsys):
    """outputs.md: an unknown group is exit 2 with the file unchanged. For wijk that is a code in which no applicant
    of the population lived in any stored run (here only WK001401 and WK001402); a known code typed in lower case
    is written as the report names it. Without a stored run any well-formed code is taken (nothing to know it by)."""
    werk, _ = geblokkeerd
    register = tmp_path / "register.yaml"
    assert verklaar(werk, "--verklaringen", str(register), groep="WK999999") == 2
    assert "onbekende groep 'WK999999' voor kenmerk wijk" in capsys.readouterr().err and not register.exists()
    assert verklaar(werk, "--verklaringen", str(register), kenmerk="wijk×geslacht", groep="WK001499 × man") == 2
    assert not register.exists()
    assert verklaar(werk, "--verklaringen", str(register), groep="wk001402") == 0
    assert "groep: WK001402" in register.read_text()
    leeg = tmp_path / "leeg"
    assert verklaar(leeg, "--verklaringen", str(tmp_path / "r2.yaml"), groep="WK999999") == 0


def test_verklaar_writes_attribute_and_group_as_the_report_names_them(geblokkeerd, tmp_path):
    """outputs.md: --kenmerk/--groep as the report names them. Typed in another case they are the same attribute
    and group (a group was already matched so, an attribute was refused) and are written as the report names them."""
    werk, _ = geblokkeerd
    register = tmp_path / "register.yaml"
    assert verklaar(werk, "--verklaringen", str(register), kenmerk="Leeftijd × Geslacht", groep="67+ × VROUW") == 0
    [v] = vk.lees(register)
    assert (v.kenmerk, v.groep) == ("leeftijd×geslacht", "67+ × vrouw")
    assert "groep: 67+ × vrouw" in register.read_text(encoding="utf-8")
