"""Known answers for vermogen_bank: newest balance per account, negative balances, partner, margin, limits."""
import json
from datetime import date

import pytest

from assets.themas import kader
from tests.bouwer import bsn, dossier, persoon
from tests.helpers import PARAMETERS, draai, lever_alles, staged

pytestmark = pytest.mark.traag  # ingests through Dagster or runs end to end

P = date(2026, 10, 31)


def saldo(n, rekening, cent, datum="2026-01-01", soort="spaarrekening"):
    return {"bsn": bsn(n), "rekening_id": rekening, "soort": soort, "land": "NL", "saldo_cent": cent,
            "saldo_peildatum": datum}


@pytest.fixture
def con(tmp_path):
    personen = [persoon(i) for i in range(1, 12)]
    dossiers = [
        dossier(1, 1),                         # exactly limit + margin (7575 + 500): no signal
        dossier(2, 2),                         # one cent more: signal
        dossier(3, 3),                         # old balance high, newest low: no signal
        dossier(4, 4),                         # high savings minus a debt: below: no signal
        dossier(5, 5, partner=6, normcategorie="gehuwden", kostendelers=2),  # partner's money counts: signal
        dossier(7, 7, normcategorie="alleenstaande_ouder"),   # 15000 below 15150: no signal
        dossier(8, 8),                         # balance dated after the peildatum is ignored: no signal
    ]
    vermogen = [
        saldo(1, "R1", 807500), saldo(2, "R2", 807501),
        saldo(3, "R3a", 5000000, "2025-01-01"), saldo(3, "R3a", 100000, "2026-01-01"),
        saldo(4, "R4a", 1500000), saldo(4, "R4b", -1000000, soort="betaalrekening"),
        saldo(5, "R5", 1000000), saldo(6, "R6", 1000000), saldo(6, "R5", 1000000),  # R5 joint: counts once
        saldo(7, "R7", 1500000), saldo(8, "R8", 100000), saldo(8, "R8", 9000000, "2026-11-01"),
    ]
    lever_alles(tmp_path / "landing", personen=personen, uitkeringen=dossiers, vermogen=vermogen)
    return staged(tmp_path / "landing", tmp_path / "werk", P)


def test_bank_known_answers(con):
    r, s = draai(con, "vermogen_bank", P)
    assert s["dossier_id"].to_list() == ["D00002", "D00005"]
    d2, d5 = s.row(0, named=True), s.row(1, named=True)
    assert d2["prioriteit"] == 500.01  # euros and cents, without float noise (500.0100000000002)
    b5 = json.loads(d5["bewijs"])
    assert b5["vermogen_euro"] == 20000 and b5["vermogensgrens_euro"] == 15150
    assert d5["prioriteit"] == pytest.approx(4850)
    assert "€ 20.000,00" in d5["reden"] and "gehuwden" in d5["reden"]
    # 2026 is carried forward, not confirmed: every output using it says so
    assert all("nog niet bevestigd" in x for x in s["reden"].to_list())
    # one sentence (outputs.md): the caveat joins it after a semicolon
    assert all(x.count(". ") == 0 and x.endswith(".") and "); let op: de vermogensgrens" in x for x in s["reden"])
    assert r.opmerkingen == ["vermogensgrens 2026 niet bevestigd (doorgetrokken bedrag)"]


def test_confirmed_year_has_no_caveat(con):
    par = kader.laad_parameters(PARAMETERS)
    par["vermogen_bank"]["vermogensgrenzen"][2026]["bevestigd"] = True
    r, s = draai(con, "vermogen_bank", P, par)
    assert s.height == 2 and not any("bevestigd" in x for x in s["reden"].to_list()) and r.opmerkingen == []


def test_missing_year_is_a_clear_error_never_a_guess(con):
    par = kader.laad_parameters(PARAMETERS)
    del par["vermogen_bank"]["vermogensgrenzen"][2026]
    r, s = draai(con, "vermogen_bank", P, par)
    assert not r.berekend
    assert "vermogensgrens voor 2026 ontbreekt" in r.reden
    assert s.height == 0


def test_parameter_change_changes_filter_versie(con):
    par = kader.laad_parameters(PARAMETERS)
    r1, _ = draai(con, "vermogen_bank", P, par)
    par["vermogen_bank"]["marge_euro"] = 600
    r2, s = draai(con, "vermogen_bank", P, par)
    assert r1.filter_versie != r2.filter_versie
    assert s["dossier_id"].to_list() == ["D00005"]


def test_balances_at_the_64_bit_limit_are_summed_without_wrapping_around(tmp_path):
    """Two balances of 2^63 - 1 cents (the largest a cent column holds) summed in Int64 wrap to -2 cents: no
    signal. Summed in 128 bits they are what they are (outside supplier's review)."""
    lever_alles(tmp_path / "landing", personen=[persoon(1)], uitkeringen=[dossier(1, 1)],
                vermogen=[saldo(1, "R1a", 2**63 - 1), saldo(1, "R1b", 2**63 - 1)])
    _, s = draai(staged(tmp_path / "landing", tmp_path / "werk", P), "vermogen_bank", P)
    assert s["dossier_id"].to_list() == ["D00001"]
    assert json.loads(s["bewijs"][0])["vermogen_euro"] == pytest.approx(2 * (2**63 - 1) / 100)
