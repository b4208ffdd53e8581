"""Retention (issue 13.6): person-level data and lists older than the term go, aggregates and reports stay."""
import json
from datetime import date, datetime

import duckdb
import pytest

from kern import logboek, publicatie
from pipelines.cli import main
from pipelines.opschonen import grens, schoon_op
from tests.bouwer import bsn, dossier, persoon
from tests.helpers import draai, lever_alles, staged
from tests.themas.test_vermogen_voertuigen import auto

pytestmark = pytest.mark.traag  # runs through Dagster and the command line

OUD, NIEUW = date(2024, 6, 30), date(2026, 10, 31)
VANDAAG = date(2026, 11, 29)  # 24 months back: 2024-11-29
STAGED = {"brp_personen": "brp", "audit.brp_personen_bijzonder": "brp", "gemeente_uitkeringen": "gemeente",
          "rdw_tenaamstellingen": "rdw"}  # the staged tables the fixture fills, with their source


@pytest.fixture(scope="module")
def gebouwd(tmp_path_factory):
    """A werkmap with an old and a new peildatum (both ingested and run, their outputs published), built once."""
    return _bouw(tmp_path_factory.mktemp("opschonen"))


@pytest.fixture
def werkmap(gebouwd, tmp_path):
    """This test's own copy of the built werkmap (retention deletes from it), landing included."""
    import shutil

    for deel in ("landing", "werk"):
        shutil.copytree(gebouwd / deel, tmp_path / deel, symlinks=True)
    return tmp_path / "werk"


def _bouw(tmp_path):
    personen = [persoon(i) for i in range(1, 31)]
    personen.append({**persoon(31), "geboortedatum": "1980-13-01"})  # quarantined in both deliveries
    dossiers = [dossier(i, i) for i in range(1, 26)]
    tn = [auto(n, f"K{n:02d}-X{i}Y", f"2024050{i}") for n in (1, 2) for i in range(1, 4)]
    lever_alles(tmp_path / "landing", "2024-06-01", "2024-06-29", personen=personen, uitkeringen=dossiers,
                tenaamstellingen=tn)
    lever_alles(tmp_path / "landing", "2026-10-01", "2026-10-30", personen=personen, uitkeringen=dossiers[:20])
    werk = tmp_path / "werk"
    for p in (OUD, NIEUW):
        con = staged(tmp_path / "landing", werk, p)
        for thema in ("vermogen_voertuigen", "vermogen_bank"):
            draai(con, thema, p)
        con.close()
        map_ = publicatie.werkversie(werk, p, f"run-{p}")
        for naam in ("signalen/vermogen_voertuigen.xlsx", "steekproef/vermogen_bank.parquet",
                     "verrekening/inkomsten.parquet", "kwaliteit/index.html", "bias/vermogen_bank.json",
                     "register/vermogen_bank.json"):
            (map_ / naam).parent.mkdir(parents=True, exist_ok=True)
            (map_ / naam).write_text(naam)
        publicatie.publiceer(werk, p, map_, {"peildatum": p.isoformat(), "status": "voltooid"})
    return tmp_path


def _tellingen(werk) -> dict:
    con = duckdb.connect(str(werk / "systeemanalyse.duckdb"), read_only=True)
    try:
        uit = {t: dict(con.sql(f"SELECT peildatum::VARCHAR, count(*) FROM {t} GROUP BY 1").fetchall())
               for t in ("funnel_leden", "populatie", "signalen", "uitsluitingen", "funnel_stappen",
                         "thema_uitkomsten")}
        uit["quarantaine"] = dict(con.sql("SELECT bron || '/' || leverdatum, count(*) FROM quarantaine GROUP BY 1")
                                  .fetchall())
        uit["staged"] = {t: dict(con.sql(f"SELECT '{STAGED[t]}/' || leverdatum, count(*) FROM {t} GROUP BY 1")
                                 .fetchall()) for t in STAGED}
    finally:
        con.close()
    return uit


def test_retention_deletes_exactly_what_is_older_than_the_term(werkmap, capsys):
    werk = werkmap
    voor = _tellingen(werk)
    # the population is 25 dossiers in the old run, 20 in the new one; signals are 2 dossiers + 20 sample each
    assert voor["populatie"] == {"2024-06-30": 25, "2026-10-31": 20}
    assert voor["quarantaine"] == {"brp/2024-06-01": 1, "brp/2026-10-01": 1}
    database = werk / "systeemanalyse.duckdb"
    weg = [bsn(n).encode() for n in range(21, 26)]  # clients of the old delivery only (its klant_bsn)
    assert all(b in database.read_bytes() for b in weg)
    modus = database.stat().st_mode
    verslag = schoon_op(werk, 24, vandaag=VANDAAG)
    assert verslag["grens"] == "2024-11-29" and verslag["herschreven"] is True
    # deleted is gone from the file too: DuckDB would keep the bytes in unreclaimed blocks until reused
    assert not any(b in database.read_bytes() for b in weg)
    assert database.stat().st_mode == modus and not database.with_name(database.name + ".opschonen").exists()
    o = OUD.isoformat()
    assert verslag["tabellen"]["populatie"] == {o: 25}
    assert verslag["tabellen"]["signalen"] == {o: voor["signalen"][o]} and voor["signalen"][o] == 2 * 20 + 2
    assert verslag["tabellen"]["funnel_leden"] == {o: voor["funnel_leden"][o]}
    assert verslag["tabellen"]["quarantaine"] == {"brp/2024-06-01": 1}
    # the clients' BSNs of the old delivery of the benefits administration (25 applicants) go too
    assert verslag["tabellen"]["klanten"] == {"gemeente/2024-06-29": 25}
    # the old deliveries' staged rows (30 persons, 25 dossiers, 6 registrations) and special personal data
    assert {t: verslag["tabellen"][t] for t in STAGED} == {
        "brp_personen": {"brp/2024-06-01": 30}, "audit.brp_personen_bijzonder": {"brp/2024-06-01": 30},
        "gemeente_uitkeringen": {"gemeente/2024-06-29": 25}, "rdw_tenaamstellingen": {"rdw/2024-06-01": 6}}
    assert set(verslag["tabellen"]) == {"funnel_leden", "populatie", "signalen", "quarantaine", "klanten", *STAGED}
    assert verslag["uitvoer"] == {o: 4}  # signalen, steekproef, verrekening, kwaliteit; bias, register stay
    na = _tellingen(werk)
    con = duckdb.connect(str(werk / "systeemanalyse.duckdb"), read_only=True)
    assert con.sql("SELECT leverdatum::VARCHAR, count(*) FROM klant_bsn GROUP BY 1").fetchall() == [("2026-10-30", 20)]
    con.close()
    for tabel in ("funnel_leden", "populatie", "signalen", "uitsluitingen"):
        assert o not in na[tabel] and na[tabel].get("2026-10-31") == voor[tabel].get("2026-10-31")
    # aggregates stay for both peildata
    assert na["funnel_stappen"] == voor["funnel_stappen"] and na["thema_uitkomsten"] == voor["thema_uitkomsten"]
    assert na["quarantaine"] == {"brp/2026-10-01": 1}
    assert {t: n for t, n in na["staged"].items() if n} == {
        "brp_personen": {"brp/2026-10-01": 30}, "audit.brp_personen_bijzonder": {"brp/2026-10-01": 30},
        "gemeente_uitkeringen": {"gemeente/2026-10-30": 20}}
    oud = werk / "output" / o
    assert sorted(publicatie.bestanden(oud)) == ["bias/vermogen_bank.json", "register/vermogen_bank.json", "run.json"]
    assert json.loads((oud / "run.json").read_text())["opgeschoond"]
    assert len(list((werk / "output" / ".versies" / o).iterdir())) == 1
    assert len(publicatie.bestanden(werk / "output" / NIEUW.isoformat())) == 7
    [regel] = logboek.lees(werk, "opschonen")
    assert regel["tabellen"] == verslag["tabellen"] and regel["uitvoer"] == verslag["uitvoer"]
    # a second pass finds nothing more
    assert schoon_op(werk, 24, vandaag=VANDAAG)["tabellen"] == {}
    # nothing left to release for the cleaned peildatum: refused, the kept outputs stay as they are
    bewaard = {p: p.read_bytes() for p in sorted(oud.rglob("*")) if p.is_file()}
    assert main(["vrijgeven", "--werkmap", str(werk), "--peildatum", o]) == 2
    err = capsys.readouterr().err
    assert f"voor peildatum {o} zijn de lijsten en de gegevens op persoonsniveau op " in err
    assert {p: p.read_bytes() for p in sorted(oud.rglob("*")) if p.is_file()} == bewaard


def test_inzage_says_what_retention_removed_instead_of_answering_from_what_is_left(werkmap, capsys):
    """A resident in both runs: of the cleaned run the tables hold nothing of them any more, which is no reason to
    tell them they were not in its population (AVG art. 15: the answer must be true)."""
    from kern.sjablonen import nl_datum
    from tests.bouwer import bsn

    schoon_op(werkmap, 24, vandaag=VANDAAG)
    capsys.readouterr()
    assert main(["inzage", "--werkmap", str(werkmap), "--bsn", bsn(1)]) == 0
    uit = " ".join(capsys.readouterr().out.split())
    oud, nieuw = uit.split("Run met peildatum 31 oktober 2026")
    assert f"De gegevens op persoonsniveau van deze run zijn op {nl_datum(date.today())} verwijderd" in oud
    assert "U hoorde niet bij de populatie" not in oud and "U hoorde bij de populatie: dossier" in nieuw
    assert main(["inzage", "--werkmap", str(werkmap), "--bsn", bsn(1), "--json"]) == 0
    runs = json.loads(capsys.readouterr().out)["runs"]
    assert [r.get("opgeschoond") for r in runs] == [date.today().isoformat(), None]
    # someone in neither population: not seen in the kept run, and the cleaned one cannot be told
    assert main(["inzage", "--werkmap", str(werkmap), "--bsn", bsn(99)]) == 0
    uit = " ".join(capsys.readouterr().out.split())
    assert "in geen enkele run gezien" not in uit and "Geen thema heeft" not in uit  # not of the cleaned run
    assert uit.endswith("Van 1 oudere run(s) (peildatum 2024-06-30) zijn de gegevens op persoonsniveau na de "
                        "bewaartermijn verwijderd: of uw gegevens daarin zijn gebruikt, is niet meer na te gaan. In de "
                        "1 run(s) waarvan de gegevens nog bewaard zijn, heeft het systeem dit BSN niet gezien. Bij die "
                        "runs is alleen gecontroleerd wie een actieve Participatiewet-uitkering had; daar hoorde u "
                        "niet bij. In die runs heeft geen thema gegevens van u gebruikt.")


def test_rerun_after_retention_reads_the_delivery_again(werkmap):
    """The old delivery's counts stay in bestand_tellingen, its rows are gone: a rerun of the old peildatum must
    judge its files again (not take over an outcome whose rows no longer exist) and stage exactly what it did."""
    voor = _tellingen(werkmap)
    schoon_op(werkmap, 24, vandaag=VANDAAG)
    con = staged(werkmap.parent / "landing", werkmap, OUD)
    con.close()
    na = _tellingen(werkmap)
    assert na["staged"] == voor["staged"] and na["quarantaine"] == voor["quarantaine"]


def test_a_file_without_a_kept_delivery_loses_its_row_verdicts(werkmap):
    """Once every delivery is past the term, the pseudonyms kept for a file's next ingestion go too."""
    verslag = schoon_op(werkmap, 1, vandaag=date(2030, 1, 1))
    assert verslag["tabellen"]["rij_oordelen"]["brp/personen.csv"] == 31
    con = duckdb.connect(str(werkmap / "systeemanalyse.duckdb"), read_only=True)
    assert con.sql("SELECT count(*) FROM rij_oordelen").fetchall() == [(0,)]
    assert all(con.sql(f"SELECT count(*) FROM {t}").fetchall() == [(0,)] for t in STAGED)
    con.close()


def test_term_arithmetic():
    assert grens(date(2026, 11, 29), 24) == date(2024, 11, 29)
    assert grens(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert grens(date(2024, 3, 31), 1) == date(2024, 2, 29)


def test_cli_opschonen(werkmap, tmp_path, capsys):
    werk = werkmap
    assert main(["opschonen", "--werkmap", str(werk), "--bewaartermijn-maanden", "1200"]) == 0
    assert "Niets te verwijderen" in capsys.readouterr().out
    for onzin in ("0", "-1", "abc", "1201", "100000", "999999999999"):  # argument errors, never a traceback
        with pytest.raises(SystemExit) as e:
            main(["opschonen", "--werkmap", str(werk), "--bewaartermijn-maanden", onzin])
        err = capsys.readouterr().err
        assert e.value.code == 2 and f"'{onzin}' is geen bewaartermijn" in err and "Traceback" not in err, onzin
    assert main(["opschonen", "--werkmap", str(tmp_path / "nergens")]) == 2


def test_dagster_job_and_stopped_schedule(werkmap, tmp_path):
    import dagster as dg

    from pipelines.definitions import bouw
    from pipelines.opschonen import maandelijks_opschonen

    werk = werkmap
    defs = bouw({"landing": str(tmp_path / "landing"), "werkmap": str(werk), "verklaringen": "x", "filters": "y"})
    job = defs.resolve_job_def("opschonen")
    r = job.execute_in_process(run_config={"ops": {"opschonen_op": {"config": {"bewaartermijn_maanden": 1200}}}},
                               instance=dg.DagsterInstance.ephemeral())
    assert r.success and logboek.lees(werk, "opschonen")[-1]["tabellen"] == {}
    assert maandelijks_opschonen.default_status == dg.DefaultScheduleStatus.STOPPED
    verzoek = maandelijks_opschonen(dg.build_schedule_context(scheduled_execution_time=datetime(2026, 11, 1, 4)))
    assert verzoek.run_key == "opschonen-2026-11"
