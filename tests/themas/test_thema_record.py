"""Thema is the one record of a theme: its rule in words follows the parameters in force, its required
parameters are its own model, and filter_versie covers every module whose code shapes its outcome."""
from __future__ import annotations

import copy

import pytest
import yaml

from assets.themas import kader
from assets.themas.register import THEMAS
from kern.omgeving import STANDAARD_FILTERS


@pytest.fixture()
def par():
    return copy.deepcopy(kader.laad_parameters(STANDAARD_FILTERS))


def test_rule_text_states_the_parameters_in_force(par):
    standaard = {t: THEMAS[t].regel_tekst(par) for t in THEMAS}
    assert "in de 12 maanden" in standaard["vermogen_voertuigen"] and "bij 3 of meer" in standaard["vermogen_voertuigen"]
    assert "Personenauto, Bedrijfsauto of Motorfiets" in standaard["vermogen_voertuigen"]
    assert "marge van € 500 " in standaard["vermogen_bank"]
    assert "daar 8 of meer personen" in standaard["huisvesting_bezetting"]
    assert "minder dan 12 m² per" in standaard["huisvesting_bezetting"]
    assert "27 jaar of ouder" in standaard["huisvesting_kostendelers"]
    assert "(WSF of WTOS)" in standaard["huisvesting_kostendelers"]

    par["vermogen_voertuigen"].update(venster_maanden=18, minimum_voertuigen=4, voertuigsoorten=["Personenauto"])
    par["vermogen_bank"]["marge_euro"] = 1250
    par["huisvesting_bezetting"].update(max_personen=6, min_m2_per_persoon=10.5)
    par["huisvesting_kostendelers"].update(leeftijd_kostendeler=21, studiefinanciering=["WSF"])
    nieuw = {t: THEMAS[t].regel_tekst(par) for t in THEMAS}
    assert "in de 18 maanden" in nieuw["vermogen_voertuigen"] and "bij 4 of meer" in nieuw["vermogen_voertuigen"]
    assert "voertuigsoort Personenauto waarvan" in nieuw["vermogen_voertuigen"]
    assert "marge van € 1.250 " in nieuw["vermogen_bank"]
    assert "daar 6 of meer personen" in nieuw["huisvesting_bezetting"]
    assert "minder dan 10,5 m² per" in nieuw["huisvesting_bezetting"]
    assert "21 jaar of ouder" in nieuw["huisvesting_kostendelers"] and "(WSF)" in nieuw["huisvesting_kostendelers"]
    # the property is the rule with the project's own parameter file
    assert all(THEMAS[t].regel == standaard[t] for t in THEMAS)


def test_toelichting_and_register_entry_state_the_rule_in_force(par):
    from datetime import date

    from assets import algoritmeregister, vrijgave
    from assets.themas.uitvoering import Resultaat

    thema = THEMAS["huisvesting_kostendelers"]
    par["huisvesting_kostendelers"]["leeftijd_kostendeler"] = 23
    par["algemeen"]["uitsluiting_geen_afwijking_maanden"] = 9
    regels = dict(vrijgave.toelichting(thema, date(2026, 10, 31), Resultaat(thema.id, True, None, "v"), par))
    assert "23 jaar of ouder" in regels["Regel"]
    e = algoritmeregister.entry(thema, par, "v" * 16, algoritmeregister.laad_organisatie(), "")
    assert "23 jaar of ouder" in e["methods_and_models"] and "27 jaar" not in e["methods_and_models"]
    assert "laatste 9 maanden" in e["goal"]
    assert e["category"] == ["Sociale zekerheid", "Wonen"] and "artikel 22a" in e["lawful_basis"]


def _schrijf(pad, parameters: dict):
    """A parameter file as an operator would write it."""
    pad.write_text(yaml.safe_dump(parameters, allow_unicode=True), encoding="utf-8")
    return pad


def test_required_parameters_follow_from_the_themes(tmp_path, par):
    for sectie in [*THEMAS, "algemeen", "verrekening"]:
        kapot = copy.deepcopy(par)
        sleutel = sorted(k for k in kapot[sectie] if k != "legitieme_factoren")[0]
        del kapot[sectie][sleutel]
        pad = _schrijf(tmp_path / f"{sectie}.yaml", kapot)
        with pytest.raises(kader.ParameterFout, match=f"{pad}: sectie '{sectie}' mist {sleutel}$"):
            kader.laad_parameters(pad)


@pytest.mark.parametrize("wijziging, melding", [
    (lambda p: p["vermogen_bank"]["vermogensgrenzen"][2026].pop("gehuwden"),
     "sectie 'vermogen_bank.vermogensgrenzen.2026' mist gehuwden"),
    (lambda p: p["huisvesting_bezetting"].update(max_persoonen=8),
     "sectie 'huisvesting_bezetting': onbekende sleutel(s) max_persoonen"),
    (lambda p: p["vermogen_voertuigen"].update(minimum_voertuigen="drie"),
     "sectie 'vermogen_voertuigen': sleutel 'minimum_voertuigen' moet een geheel getal zijn, niet 'drie'"),
    (lambda p: p["algemeen"].update(steekproef_fractie="1%"),
     "sectie 'algemeen': sleutel 'steekproef_fractie' moet een getal zijn, niet '1%'"),
    (lambda p: p.pop("verrekening"), "mist verrekening"),
])
def test_a_wrong_parameter_file_names_file_entry_and_key(tmp_path, par, wijziging, melding):
    wijziging(par)
    pad = _schrijf(tmp_path / "parameters.yaml", par)
    with pytest.raises(kader.ParameterFout) as fout:
        kader.laad_parameters(pad)
    assert str(fout.value) == f"parameterbestand {pad}: {melding}"


def test_legitimate_factors_are_an_optional_mapping_per_theme(tmp_path, par):
    par["vermogen_bank"]["legitieme_factoren"] = {"leeftijd": "vermogen groeit met de leeftijd"}
    pad = _schrijf(tmp_path / "parameters.yaml", par)
    assert kader.laad_parameters(pad)["vermogen_bank"]["legitieme_factoren"]["leeftijd"].startswith("vermogen")
    par["vermogen_bank"]["legitieme_factoren"] = ["leeftijd"]
    _schrijf(pad, par)
    with pytest.raises(kader.ParameterFout, match="sleutel 'legitieme_factoren' moet een mapping"):
        kader.laad_parameters(pad)


def _versie_met_gewijzigde(monkeypatch, thema, par, module: str | None, wijziging: bytes = b"\nGEWIJZIGD = 1\n"
                           ) -> str:
    echt = kader.broncode
    monkeypatch.setattr(kader, "broncode", lambda m: echt(m) + (wijziging if m == module else b""))
    try:
        return kader.filter_versie(thema, par)
    finally:
        monkeypatch.setattr(kader, "broncode", echt)


@pytest.mark.parametrize("thema_id", sorted(THEMAS))
def test_filter_versie_covers_all_code_that_shapes_the_outcome(monkeypatch, par, thema_id):
    thema = THEMAS[thema_id]
    basis = kader.filter_versie(thema, par)
    assert _versie_met_gewijzigde(monkeypatch, thema, par, None) == basis
    vormend = ["assets.themas." + thema_id, "assets.themas.kader", "assets.themas.uitvoering"]
    if thema_id.startswith("huisvesting"):
        vormend.append("assets.themas.wonen")
    assert set(kader.code_modules(thema)) == set(vormend)
    for module in vormend:  # a change in the theme, the framework, the runner or the housing helpers
        assert _versie_met_gewijzigde(monkeypatch, thema, par, module) != basis, module
    onverwant = ["assets.excel", "assets.algoritmeregister", "assets.themas.register",
                 *("assets.themas." + t for t in THEMAS if t != thema_id)]
    if not thema_id.startswith("huisvesting"):
        onverwant.append("assets.themas.wonen")
    for module in onverwant:  # unrelated code: the same version
        assert _versie_met_gewijzigde(monkeypatch, thema, par, module) == basis, module
    # and the parameters: its own section and the general one, not another theme's
    andere = copy.deepcopy(par)
    andere["algemeen"]["steekproef_minimum"] += 1
    assert kader.filter_versie(thema, andere) != basis
    andere = copy.deepcopy(par)
    ander_thema = next(t for t in THEMAS if t != thema_id)
    andere[ander_thema]["legitieme_factoren"] = {"x": "y"}
    assert kader.filter_versie(thema, andere) == basis


@pytest.mark.parametrize("wijziging", [b"\n# een opmerking erbij\n", b"\n\n\n", b"\ndef f():\n    pass\n"])
def test_filter_versie_ignores_comments_layout_and_docstrings_not_code(monkeypatch, par, wijziging):
    """A comment, blank lines or a docstring reworded is no new filter; a function added is."""
    thema = THEMAS["vermogen_voertuigen"]
    basis = kader.filter_versie(thema, par)
    nieuw = _versie_met_gewijzigde(monkeypatch, thema, par, "assets.themas.kader", wijziging)
    assert (nieuw == basis) == (not wijziging.strip().startswith(b"def"))
    echt = kader.broncode
    monkeypatch.setattr(kader, "broncode", lambda m: echt(m).replace(
        b'"""The source of a module."""', b'"""Another wording."""') if m == "assets.themas.kader" else echt(m))
    assert echt("assets.themas.kader") != kader.broncode("assets.themas.kader")
    assert kader.filter_versie(thema, par) == basis


def test_code_vorm_is_the_source_without_comments_docstrings_and_blank_lines():
    """Source text, not a dump of the syntax tree (which differs between Python versions): comments (also after
    code), docstrings (also with non-ASCII text before them on their line) and blank lines go; a '#' inside a
    string and every line of code stay, as written."""
    bron = ('"""Module — docstring."""\n'
            'import os  # why\n'
            '\n'
            '\n'
            'def f(x):\n'
            '    """Geen — docstring."""\n'
            '    # a comment line\n'
            '    return f"#{x} — lopend"   \n'
            '\n'
            'class K:\n'
            '    """Ook weg."""\n'
            '    a = "# blijft"\n').encode()
    assert kader.code_vorm(bron).decode() == ('import os\n'
                                              'def f(x):\n'
                                              '    return f"#{x} — lopend"\n'
                                              'class K:\n'
                                              '    a = "# blijft"')
