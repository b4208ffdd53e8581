"""The explanations registry: validation with errors naming the entry, expiry, and coverage of intersections."""
from datetime import date
from pathlib import Path

import pytest

from bias_audit import verklaringen as vk
from bias_audit.verklaringen import VerklaringenFout

GOED = """
verklaringen:
  - thema: vermogen_voertuigen
    stap: "*"
    kenmerk: wijk
    groep: WK001402
    verklaring: In deze wijk staan de garagebedrijven.
    vastgesteld_door: Ethische commissie Data en Techniek
    datum: 2026-09-01
    geldig_tot: 2027-09-01
  - thema: vermogen_bank
    stap: regel
    kenmerk: leeftijd × geslacht
    groep: 67+ × vrouw
    verklaring: AOW-leeftijd.
    vastgesteld_door: Commissie
    datum: 2025-01-01
    geldig_tot: 2025-12-31
"""


def schrijf(tmp_path: Path, tekst: str) -> Path:
    pad = tmp_path / "verklaringen.yaml"
    pad.write_text(tekst, encoding="utf-8")
    return pad


def test_valid_registry_and_expiry(tmp_path):
    alle = vk.lees(schrijf(tmp_path, GOED))
    assert [(v.thema, v.kenmerk, v.groep) for v in alle] == [
        ("vermogen_voertuigen", "wijk", "WK001402"), ("vermogen_bank", "leeftijd×geslacht", "67+ × vrouw")]
    assert alle[0].geldig_op(date(2026, 10, 31)) and not alle[1].geldig_op(date(2026, 10, 31))
    assert alle[1].geldig_op(date(2025, 12, 31))


def test_group_explanation_covers_its_intersections_only(tmp_path):
    v = vk.lees(schrijf(tmp_path, GOED))[0]
    assert vk.dekt(v, "vermogen_voertuigen", "regel", "wijk", "WK001402")
    assert vk.dekt(v, "vermogen_voertuigen", "rdw_gegevens", "geslacht×wijk", "vrouw × WK001402")
    assert vk.dekt(v, "vermogen_voertuigen", "regel", "wijk×leeftijd", "wk001402 × 18–26")  # case, dash
    assert not vk.dekt(v, "vermogen_voertuigen", "regel", "wijk", "WK001401")
    assert not vk.dekt(v, "vermogen_voertuigen", "regel", "geslacht", "vrouw")
    assert not vk.dekt(v, "vermogen_bank", "regel", "wijk", "WK001402")
    inter = vk.lees(schrijf(tmp_path, GOED))[1]
    assert vk.dekt(inter, "vermogen_bank", "regel", "leeftijd×geslacht", "67+ × vrouw")
    assert not vk.dekt(inter, "vermogen_bank", "regel", "leeftijd", "67+")  # an intersection does not explain its parts
    assert not vk.dekt(inter, "vermogen_bank", "na_uitsluitingen", "leeftijd×geslacht", "67+ × vrouw")


@pytest.mark.parametrize("vervang, melding", [
    (("kenmerk: wijk", "kenmerk: inkomen"), "verklaring 1 (vermogen_voertuigen/*/inkomen/WK001402): onbekend kenmerk"),
    (("stap: \"*\"", "stap: kenteken"), "verklaring 1 (vermogen_voertuigen/kenteken/wijk/WK001402): onbekende stap"),
    (("thema: vermogen_voertuigen", "thema: fraude"), "onbekend thema 'fraude'"),
    (("    vastgesteld_door: Ethische commissie Data en Techniek\n", ""), "verklaring 1 (vermogen_voertuigen/*/wijk/"
                                                                        "WK001402): ontbreekt vastgesteld_door"),
    (("geldig_tot: 2027-09-01", "geldig_tot: 31-12-2027"), "'geldig_tot' is geen datum"),
    (("geldig_tot: 2027-09-01", "geldig_tot: 2026-01-01"), "ligt voor datum"),
    (("groep: 67+ × vrouw", "groep: 67+"), "verklaring 2 (vermogen_bank/regel/leeftijd × geslacht/67+): groep '67+' "
                                           "past niet"),
    (("    groep: WK001402\n", "    groep: WK001402\n    wie: ik\n"), "onbekend veld wie"),
    (("verklaringen:\n", "verklaringen: [\n"), "geen geldige YAML"),
])
def test_malformed_registry_names_the_entry(tmp_path, vervang, melding):
    with pytest.raises(VerklaringenFout) as fout:
        vk.lees(schrijf(tmp_path, GOED.replace(*vervang, 1)))
    assert melding in str(fout.value)


def test_default_registry_is_valid_and_explains_nothing_now():
    alle = vk.lees(Path(vk.__file__).with_name("verklaringen.yaml"))
    assert alle and not any(v.geldig_op(date(2026, 10, 31)) for v in alle)


def test_empty_registry(tmp_path):
    assert vk.lees(schrijf(tmp_path, "verklaringen: []\n")) == []
    assert vk.lees(schrijf(tmp_path, "")) == []
    with pytest.raises(VerklaringenFout, match="niet te lezen"):
        vk.lees(tmp_path / "bestaat_niet.yaml")
