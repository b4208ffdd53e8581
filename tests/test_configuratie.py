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
