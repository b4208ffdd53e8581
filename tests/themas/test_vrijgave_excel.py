"""Released lists on demo data: every theme yields signals, reasons read right, and the Excel file opens
cleanly with a frozen formatted header, real date cells and an explanation sheet."""
import datetime as dt
import re
from datetime import date

import openpyxl
import polars as pl
import pytest

from assets import vrijgave
from assets.themas import kader
from assets.themas.register import THEMAS
from assets.themas.uitvoering import SIGNAAL_KOLOMMEN
from sources.demo_data import genereer
from tests.helpers import PARAMETERS, draai, staged

pytestmark = pytest.mark.traag  # ingests through Dagster or runs end to end

P = date(2026, 10, 31)


@pytest.fixture(scope="module")
def uitvoer(tmp_path_factory):
    root = tmp_path_factory.mktemp("vrijgave")
    genereer(root / "landing", schaal=12000, seed=11, peildatum=P)
    con = staged(root / "landing", root / "werk", P)
    par = kader.laad_parameters(PARAMETERS)
    for t, thema in THEMAS.items():
        draai(con, t, P, par)
        vrijgave.publiceer(con, root / "out", P, thema, par)
    return root / "out"


@pytest.mark.parametrize("thema", list(THEMAS))
def test_signal_lists_follow_the_contract(uitvoer, thema):
    lijst = pl.read_parquet(uitvoer / "signalen" / f"{thema}.parquet")
    assert lijst.columns == SIGNAAL_KOLOMMEN and lijst.height > 0
    assert lijst["signaal_id"].n_unique() == lijst.height and (lijst["thema"] == thema).all()
    assert lijst.schema["peildatum"] == pl.Date and lijst.schema["kwetsbaar"] == pl.Boolean
    assert lijst["prioriteit"].is_sorted(descending=True)
    assert all(re.fullmatch(r"\d{9}", b) for b in lijst["bsn"])
    for reden in lijst["reden"].head(20):
        assert reden.endswith(".") and "None" not in reden and not re.search(r"\d{4}-\d{2}-\d{2}", reden)
    steekproef = pl.read_parquet(uitvoer / "steekproef" / f"{thema}.parquet")
    assert steekproef.columns == SIGNAAL_KOLOMMEN and steekproef.height >= 20
    assert (steekproef["bewijs"] == "{}").all() and steekproef["reden"].str.contains("Willekeurig").all()


def test_reasons_read_right(uitvoer):
    bank = pl.read_parquet(uitvoer / "signalen" / "vermogen_bank.parquet")["reden"][0]
    assert re.search(r"is € [\d.]+,\d\d .* boven de vermogensgrens van € [\d.]+,\d\d voor", bank)
    auto = pl.read_parquet(uitvoer / "signalen" / "vermogen_voertuigen.parquet")["reden"][0]
    assert re.search(r"zijn \d+ voertuigen op naam van aanvrager of partner gesteld: [A-Z0-9]{6} \(", auto)


def test_excel_opens_cleanly(uitvoer):
    boek = openpyxl.load_workbook(uitvoer / "signalen" / "huisvesting_kostendelers.xlsx")
    assert boek.sheetnames == ["Signalen", "Toelichting"]
    blad = boek["Signalen"]
    assert [c.value for c in blad[1]] == SIGNAAL_KOLOMMEN
    assert blad.freeze_panes == "A2" and blad["A1"].font.bold
    assert isinstance(blad["C2"].value, dt.datetime) and blad["C2"].value.date() == P
    assert blad.column_dimensions["F"].width > 20
    lijst = pl.read_parquet(uitvoer / "signalen" / "huisvesting_kostendelers.parquet")
    assert blad.max_row == lijst.height + 1 and blad["A2"].value == lijst["signaal_id"][0]
    uitleg = {r[0].value: r[1].value for r in boek["Toelichting"].iter_rows()}
    assert uitleg["filter_versie"] == lijst["filter_versie"][0]
    assert "27 jaar of ouder" in uitleg["Regel"] and uitleg["Stap 0: populatie"].split()[0].isdigit()


def test_excel_lists_print_landscape_one_page_wide_with_repeated_header(uitvoer):
    boek = openpyxl.load_workbook(uitvoer / "signalen" / "huisvesting_bezetting.xlsx")
    for naam in ("Signalen", "Toelichting"):
        blad = boek[naam]
        assert blad.page_setup.orientation == "landscape" and blad.page_setup.paperSize == 9
        assert blad.sheet_properties.pageSetUpPr.fitToPage
        assert blad.page_setup.fitToWidth in (None, 1)  # one page wide (absent: the OOXML default, 1)
        assert blad.page_setup.fitToHeight == 0  # as many pages down as needed
        assert "Pagina &P van &N" in blad.oddFooter.right.text
    blad = boek["Signalen"]
    assert blad.print_title_rows == "$1:$1"
    kolom = {c.value: c.column_letter for c in blad[1]}
    for naam in ("reden", "bewijs", "bronnen"):  # long texts wrap within a bounded width
        assert blad[f"{kolom[naam]}2"].alignment.wrap_text, naam
        assert blad.column_dimensions[kolom[naam]].width <= 52
    assert not blad[f"{kolom['signaal_id']}2"].alignment.wrap_text


def test_withdrawing_the_last_list_leaves_no_empty_folder(tmp_path):
    """A rerun that withdraws a list (blocked now, or not computed) publishes what a fresh run would: no empty
    signalen/ or steekproef/ folder where the last file went."""
    a, b = THEMAS["vermogen_bank"], THEMAS["vermogen_voertuigen"]
    for naam in (f"signalen/{a.id}.parquet", f"signalen/{a.id}.xlsx", f"signalen/{b.id}.xlsx",
                 f"steekproef/{a.id}.parquet"):
        (tmp_path / naam).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / naam).write_text("x")
    vrijgave.trek_in(tmp_path, a)
    assert sorted(p.name for p in (tmp_path / "signalen").iterdir()) == [f"{b.id}.xlsx"]  # another list stays
    vrijgave.trek_in(tmp_path, b)
    assert not (tmp_path / "signalen").exists()
    assert vrijgave.steekproef(None, tmp_path, None, a, None) == 0 and not (tmp_path / "steekproef").exists()
