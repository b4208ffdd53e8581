"""The typed configuration layer: every YAML file is checked against its model, errors in Dutch name the
file, the entry and the key."""
import copy

import pytest
import yaml

from checks import register
from kern.configuratie import ConfiguratieFout


@pytest.mark.parametrize("wijziging, melding", [
    (lambda d: d["verwachtingen"]["soorten"]["sleutel"].update(mostly=1.5),
     "sectie 'verwachtingen.soorten.sleutel': sleutel 'mostly' moet ten hoogste 1.0 zijn, niet 1.5"),
    (lambda d: d["volume"].pop("ernst"), "sectie 'volume' mist ernst"),
    (lambda d: d["versheid"]["max_dagen"].update(brp="45 dagen"),
     "sectie 'versheid.max_dagen': sleutel 'brp' moet een geheel getal zijn, niet '45 dagen'"),
    (lambda d: d["verwachtingen"]["uitzonderingen"].update({"brp_relaties.x": {"ernst": "error", "meestal": 1}}),
     "sectie 'verwachtingen.uitzonderingen.brp_relaties.x': onbekende sleutel(s) meestal"),
    (lambda d: d.pop("quarantaine"), "mist quarantaine"),
])
def test_broken_thresholds_name_file_entry_and_key(tmp_path, wijziging, melding):
    drempels = copy.deepcopy(register.drempels())
    wijziging(drempels)
    pad = tmp_path / "drempels.yaml"
    pad.write_text(yaml.safe_dump(drempels), encoding="utf-8")
    with pytest.raises(ConfiguratieFout) as fout:
        register.drempels(pad)
    assert str(fout.value) == f"drempelbestand {pad}: {melding}"


def test_unreadable_yaml_is_one_line(tmp_path):
    pad = tmp_path / "drempels.yaml"
    pad.write_text("quarantaine: [\n", encoding="utf-8")
    with pytest.raises(ConfiguratieFout, match=f"^drempelbestand {pad} onleesbaar: [^\n]+$"):
        register.drempels(pad)
    with pytest.raises(ConfiguratieFout, match="verwacht een mapping"):
        pad.write_text("- a\n", encoding="utf-8")
        register.drempels(pad)


def test_organisation_file_is_validated_per_theme_override_too(tmp_path):
    from assets import algoritmeregister

    org = yaml.safe_load(algoritmeregister.STANDAARD_ORGANISATIE.read_text(encoding="utf-8"))
    org["themas"] = {"vermogen_bank": {"begin_datum": "2025-13"}}
    pad = tmp_path / "org.yaml"
    pad.write_text(yaml.safe_dump(org, allow_unicode=True), encoding="utf-8")
    with pytest.raises(algoritmeregister.OrganisatieFout,
                       match=r"\(thema vermogen_bank\) .*: sleutel 'begin_datum' heeft niet de vereiste vorm .*'2025-13'"):
        algoritmeregister.laad_organisatie(pad)
    org["themas"] = {}
    org["website"] = "http://onveilig.example"
    pad.write_text(yaml.safe_dump(org, allow_unicode=True), encoding="utf-8")
    with pytest.raises(algoritmeregister.OrganisatieFout, match="sleutel 'website'"):
        algoritmeregister.laad_organisatie(pad)


@pytest.mark.parametrize("wijziging, melding", [
    (lambda d: d.pop("alfa_run"), "mist alfa_run"),
    (lambda d: d.update(alfa_run="0,05"), "sleutel 'alfa_run' moet een getal zijn, niet '0,05'"),
    (lambda d: d.update(alfa_run=1.5), "sleutel 'alfa_run' moet kleiner dan 1.0 zijn, niet 1.5"),
    (lambda d: d.update(minimum_groep=0), "sleutel 'minimum_groep' moet minstens 1 zijn, niet 0"),
    (lambda d: d.update(leeftijdsbanden=[[18, "18-26"], [16, "16-17"]]),
     "sleutel 'leeftijdsbanden' moet oplopende ondergrenzen hebben"),
    (lambda d: d.update(duurbanden=[[0, "<1"], ["1", "1-3"]]), "sleutel 'duurbanden' moet een lijst van [ondergrens"),
    (lambda d: d["nationaliteit_eu"].update({"52": "Belgische"}),
     "sectie 'nationaliteit_eu': sleutel '52' heeft niet de vereiste vorm"),
    (lambda d: d.update(drempel=2), "onbekende sleutel(s) drempel"),
])
def test_bias_settings_name_file_and_key(tmp_path, wijziging, melding):
    from bias_audit import instellingen

    inst = yaml.safe_load(instellingen.PAD.read_text(encoding="utf-8"))
    wijziging(inst)
    pad = tmp_path / "instellingen.yaml"
    pad.write_text(yaml.safe_dump(inst, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfiguratieFout) as fout:
        instellingen.laad(pad)
    assert str(fout.value).startswith(f"bias-instellingen {pad}: {melding}"), fout.value


def test_monitoring_settings_are_complete_and_typed(tmp_path):
    from assets import monitoring

    assert monitoring.laad_instellingen() == monitoring.Instellingen()  # the file states the defaults
    pad = tmp_path / "monitoring.yaml"
    for inhoud, melding in (("venster_maanden: 24\n", "mist overlap_maanden, minimum_afgerond, alfa"),
                            (monitoring.INSTELLINGEN.read_text() + "extra: 1\n", "onbekende sleutel(s) extra"),
                            (monitoring.INSTELLINGEN.read_text().replace("alfa: 0.05", "alfa: 5%"),
                             "sleutel 'alfa' moet een getal zijn, niet '5%'")):
        pad.write_text(inhoud, encoding="utf-8")
        with pytest.raises(monitoring.InstellingFout) as fout:
            monitoring.laad_instellingen(pad)
        assert str(fout.value).startswith(f"monitoring-instellingen {pad}: {melding}"), fout.value
