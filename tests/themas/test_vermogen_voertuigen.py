"""Known answers for vermogen_voertuigen: window edges, one kenteken twice, excluded kinds, partner's cars."""
import json
from datetime import date

import pytest

from tests.bouwer import bsn, dossier, persoon
from tests.helpers import draai, lever_alles, staged

pytestmark = pytest.mark.traag  # ingests through Dagster or runs end to end

P = date(2026, 10, 31)


def auto(n_persoon, kenteken, aanvang, soort="Personenauto", prijs=20000, einde=None):
    return {"kenteken": kenteken, "bsn": bsn(n_persoon), "datum_aanvang_tenaamstelling": aanvang,
            "datum_einde_tenaamstelling": einde, "voertuigsoort": soort, "merk": "Merk", "catalogusprijs": prijs}


def test_voertuigen_known_answers(tmp_path):
    personen = [persoon(i) for i in range(1, 12)]
    dossiers = [
        dossier(1, 1),                                   # 3 cars incl. both window edges -> signal
        dossier(2, 2),                                   # 2 cars + 1 just outside window -> none
        dossier(3, 3),                                   # one kenteken registered 3 times -> none
        dossier(4, 4),                                   # 2 cars + trailer + moped -> none
        dossier(5, 5, partner=6, normcategorie="gehuwden", kostendelers=2),  # applicant 2 + partner 2 -> signal (4)
        dossier(7, 7),                                   # 3 cars, one registered after peildatum -> none
    ]
    tn = [
        auto(1, "AA-111-A", "20251101"), auto(1, "bb222b", "20261031", prijs=30000), auto(1, "CC-333-C", "20260601"),
        auto(2, "DD-111-D", "20260101"), auto(2, "DD-222-D", "20260201"), auto(2, "DD-333-D", "20251031"),
        auto(3, "EE-111-E", "20260101"), auto(3, "ee111e", "20260301"), auto(3, "EE-111-E", "20260501"),
        auto(4, "FF-111-F", "20260101"), auto(4, "FF-222-F", "20260102"),
        auto(4, "FF-333-F", "20260103", soort="Aanhangwagen"), auto(4, "FF-444-F", "20260104", soort="Bromfiets"),
        auto(5, "GG-111-G", "20260101", soort="Bedrijfsauto"), auto(5, "GG-222-G", "20260102", soort="Motorfiets"),
        auto(6, "GG-333-G", "20260103"), auto(6, "GG-444-G", "20260104", prijs=None),
        auto(7, "HH-111-H", "20260101"), auto(7, "HH-222-H", "20260102"), auto(7, "HH-333-H", "20261101"),
    ]
    lever_alles(tmp_path / "landing", personen=personen, uitkeringen=dossiers, tenaamstellingen=tn)
    con = staged(tmp_path / "landing", tmp_path / "werk", P)
    r, s = draai(con, "vermogen_voertuigen", P)
    assert s["dossier_id"].to_list() == ["D00001", "D00005"]
    d1 = s.row(0, named=True)
    bewijs = json.loads(d1["bewijs"])
    assert bewijs["aantal_voertuigen"] == 3
    assert [v["kenteken"] for v in bewijs["voertuigen"]] == ["AA111A", "CC333C", "BB222B"]
    assert bewijs["som_catalogusprijs_euro"] == 70000
    assert "1 november 2025" in d1["reden"] and "31 oktober 2026" in d1["reden"] and "€ 70.000,00" in d1["reden"]
    assert d1["prioriteit"] == 3 + 70000 / 1e9
    d5 = s.row(1, named=True)
    assert json.loads(d5["bewijs"])["aantal_voertuigen"] == 4
    # GG-444-G has no catalogusprijs: the sum holds the other three, and the signal says so
    assert json.loads(d5["bewijs"])["catalogusprijs_onbekend"] == 1 and "samen catalogusprijs € 60.000,00" in d5["reden"]
    assert "van 1 van de 4 voertuigen is de catalogusprijs niet geleverd; de som telt alleen de bekende prijzen" \
        in d5["reden"]
    assert d5["prioriteit"] > d1["prioriteit"]
    assert [x["stap"] for x in r.stappen] == ["populatie", "rdw_gegevens", "regel", "na_uitsluitingen"]
    assert [x["aantal"] for x in r.stappen] == [6, 6, 2, 2]
    assert "rdw.tenaamstellingen.kenteken" in d1["bronnen"]
    assert "geboorteland" not in d1["bronnen"]


def test_prices_at_the_64_bit_limit_are_summed_without_wrapping_around(tmp_path):
    grens = 2**63 - 1  # the largest catalogusprijs an int column holds; three summed in Int64 wrap to a negative
    lever_alles(tmp_path / "landing", personen=[persoon(1)], uitkeringen=[dossier(1, 1)],
                tenaamstellingen=[auto(1, k, "20260101", prijs=grens) for k in ("AA-111-A", "BB-222-B", "CC-333-C")])
    _, s = draai(staged(tmp_path / "landing", tmp_path / "werk", P), "vermogen_voertuigen", P)
    assert s["dossier_id"].to_list() == ["D00001"]
    assert json.loads(s["bewijs"][0])["som_catalogusprijs_euro"] == 3 * grens
    assert s["prioriteit"][0] == pytest.approx(3 + 999_999_999 / 1e9)


def test_no_known_catalogusprijs_is_no_price_of_zero(tmp_path):
    lever_alles(tmp_path / "landing", personen=[persoon(1)], uitkeringen=[dossier(1, 1)],
                tenaamstellingen=[auto(1, k, "20260101", prijs=None) for k in ("AA-111-A", "BB-222-B", "CC-333-C")])
    _, s = draai(staged(tmp_path / "landing", tmp_path / "werk", P), "vermogen_voertuigen", P)
    reden = s["reden"][0]
    assert reden.endswith("; catalogusprijs van geen van deze voertuigen bekend.") and "€" not in reden
    assert json.loads(s["bewijs"][0])["catalogusprijs_onbekend"] == 3 and s["prioriteit"][0] == 3
