"""Known answers for the income settlement list: polis vs reported income, tolerance EUR 10, 12 months."""
from datetime import date

import pytest

from assets import verrekening
from assets.themas import kader
from assets.themas.kader import Invoer
from tests.bouwer import bsn, dossier, persoon
from tests.helpers import PARAMETERS, lever_alles, staged

pytestmark = pytest.mark.traag  # ingests through Dagster or runs end to end

P = date(2026, 10, 31)


def polis(n, start, einde, cent, id_="IKV1"):
    return {"bsn": bsn(n), "inkomstenverhouding_id": id_, "loonheffingennummer": "LH1", "soort": "loon",
            "periode_start": start, "periode_einde": einde, "bruto_cent": cent}


def opgave(dossier_nr, n, periode, cent):
    return {"dossier_id": f"D{dossier_nr:05d}", "bsn": bsn(n), "periode": periode, "bruto_cent": cent}


def test_verrekening_known_answers(tmp_path):
    personen = [persoon(i) for i in range(1, 10)]
    dossiers = [dossier(1, 1, partner=2, normcategorie="gehuwden", kostendelers=2),
                dossier(3, 3, aanvang="2026-06-15"), dossier(4, 4, regeling="IOAW"), dossier(5, 5), dossier(6, 6)]
    pol = [
        polis(1, "2026-09-01", "2026-09-30", 50000), polis(2, "2026-09-01", "2026-09-30", 30000, "IKV2"),  # 800 vs 700
        polis(1, "2026-08-01", "2026-08-31", 50000),                  # 500 vs 490: exactly 10 -> not listed
        polis(1, "2026-07-04", "2026-07-31", 50000),                  # four-week period ending in July, none reported
        polis(1, "2025-10-01", "2025-10-31", 99900),                  # 13 months back: outside the window
        polis(1, "2026-10-20", "2026-11-16", 50000),                  # ends after the peildatum: not yet
        polis(3, "2026-05-01", "2026-05-31", 50000),                  # before dossier 3 started
        polis(3, "2026-06-01", "2026-06-30", 50000),                  # month the dossier started: counts
        polis(4, "2026-09-01", "2026-09-30", 50000),                  # not Participatiewet
        polis(5, "2026-09-01", "2026-09-30", 120862),                 # euros to the cent: 1208.62, not ...01
        polis(6, "2026-09-01", "2026-09-30", 2**63 - 1), polis(6, "2026-09-01", "2026-09-30", 2**63 - 1, "IKV2"),
    ]
    opg = [opgave(1, 1, "2026-09", 70000), opgave(1, 1, "2026-08", 49000), opgave(3, 3, "2026-06", 10000),
           opgave(5, 5, "2026-09", 95)]
    lever_alles(tmp_path / "landing", personen=personen, uitkeringen=dossiers, polis=pol, opgegeven_inkomsten=opg)
    con = staged(tmp_path / "landing", tmp_path / "werk", P)
    lijst = verrekening.bereken(Invoer(con, P, verrekening.VELDEN), kader.laad_parameters(PARAMETERS))
    assert lijst.columns == ["dossier_id", "bsn", "periode", "inkomen_polis", "inkomen_opgegeven", "verschil", "bronnen"]
    assert lijst.select("dossier_id", "periode", "inkomen_polis", "inkomen_opgegeven", "verschil").rows() == [
        ("D00001", "2026-07", 500.0, 0.0, 500.0),
        ("D00001", "2026-09", 800.0, 700.0, 100.0),
        ("D00003", "2026-06", 500.0, 100.0, 400.0),
        ("D00005", "2026-09", 1208.62, 0.95, 1207.67),
        ("D00006", "2026-09", 2 * (2**63 - 1) / 100, 0.0, 2 * (2**63 - 1) / 100),  # 64-bit sums would wrap
    ]
    assert lijst["bsn"].to_list() == [bsn(1), bsn(1), bsn(3), bsn(5), bsn(6)]
    assert verrekening.bereken_polars(Invoer(con, P, verrekening.VELDEN),
                                      kader.laad_parameters(PARAMETERS)).rows() == lijst.rows()
    assert "suwi.polis.bruto_cent" in lijst["bronnen"][0]


def test_set_based_query_equals_polars_rendering_on_demo_data(tmp_path):
    from sources.demo_data import genereer

    genereer(tmp_path / "landing", schaal=20_000, seed=11, peildatum=P)
    con = staged(tmp_path / "landing", tmp_path / "werk", P)
    inv, par = Invoer(con, P, verrekening.VELDEN), kader.laad_parameters(PARAMETERS)
    lijst = verrekening.bereken(inv, par)
    assert lijst.height > 10
    assert lijst.schema == verrekening.bereken_polars(inv, par).schema
    assert lijst.rows() == verrekening.bereken_polars(inv, par).rows()


def test_withheld_only_for_the_files_it_reads(tmp_path):
    """outputs.md lists the settlement list without a condition: a failed check on a file of its sources that it
    does not read (onderzoeken.csv, studiefinanciering.csv) does not withhold it; one on a file it reads, or a
    rejected delivery of a source, does. The themes' gate stays per source (their exclusions read onderzoeken)."""
    import duckdb

    from assets import vrijgave
    from kern import opslag

    con = duckdb.connect()
    con.execute(opslag.DDL)
    con.execute("INSERT INTO controle_resultaten VALUES (?, 'gemeente', 'gemeente_onderzoeken', 'rijmodel', "
                "'kwaliteit', 'error', false, 1.56, '1%', '6 van 384 rijen in quarantaine (1.56%)', '{}'), (?, 'suwi', "
                "'suwi_studiefinanciering', 'versheid', 'kwaliteit', 'error', false, 40, '35', 'te oud', '{}')",
                [P, P])
    assert verrekening.TABELLEN == ("gemeente_opgegeven_inkomsten", "gemeente_uitkeringen", "suwi_polis")
    assert vrijgave.bronredenen(con, P, verrekening.BRONNEN, verrekening.TABELLEN) == []
    assert len(vrijgave.bronredenen(con, P, verrekening.BRONNEN)) == 2  # what a theme's gate sees
    con.execute("INSERT INTO controle_resultaten VALUES (?, 'suwi', 'suwi_polis', 'volume', 'kwaliteit', 'error', "
                "false, -40, '25%', 'te weinig rijen', '{}')", [P])
    assert vrijgave.bronredenen(con, P, verrekening.BRONNEN, verrekening.TABELLEN) == [
        "datakwaliteit: controle volume op suwi_polis faalt: te weinig rijen"]
    con.execute("INSERT INTO run_bronnen (peildatum, bron, status, reden) VALUES (?, 'gemeente', 'afgewezen', "
                "'levering gemeente/2026-10-31 afgewezen: geen manifest')", [P])
    assert vrijgave.bronredenen(con, P, verrekening.BRONNEN, verrekening.TABELLEN) == [
        "bron gemeente: levering gemeente/2026-10-31 afgewezen: geen manifest",
        "datakwaliteit: controle volume op suwi_polis faalt: te weinig rijen"]
