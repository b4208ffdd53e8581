"""The residents of the households' addresses are derived once per peildatum and shared by both housing
themes: the second theme reads what the first derived (identical frames), without reading the BRP again."""
from datetime import date

import polars as pl

from assets.themas import wonen
from assets.themas.kader import Invoer
from sources import pseudoniem
from tests.bouwer import adres, dossier, persoon, woont
from tests.helpers import draai, lever_alles, staged
import pytest

pytestmark = pytest.mark.traag  # runs the housing themes through Dagster

P = date(2026, 10, 31)


def test_residents_derived_once_and_shared(tmp_path, monkeypatch):
    lever_alles(tmp_path / "landing", personen=[persoon(i) for i in range(1, 8)], adressen=[adres(1), adres(2)],
                verblijfplaatsen=[woont(1, 1), woont(2, 1), woont(3, 1), woont(4, 2), woont(5, 2), woont(6, 1)],
                uitkeringen=[dossier(1, 1, kostendelers=1), dossier(4, 4)])
    con = staged(tmp_path / "landing", tmp_path / "werk", P)
    inv = Invoer(con, P, wonen.VELDEN + ("brp.personen.bsn", "brp.personen.datum_overlijden"))
    sleutel = pseudoniem.sleutel(tmp_path / "werk")  # persons are staged by pseudonym
    hh = pl.Series("bsn", [pseudoniem.pseudoniem(persoon(n)["bsn"], sleutel) for n in (1, 4)])
    eigen, woon = wonen.bewoners(inv, hh)
    assert woon.height == 6 and set(eigen["adres_id"]) == {adres(1)["adres_id"], adres(2)["adres_id"]}

    def niet_opnieuw(*a, **k):
        raise AssertionError("residents derived a second time")

    monkeypatch.setattr(wonen, "woonadressen", niet_opnieuw)
    eigen2, woon2 = wonen.bewoners(Invoer(con, P, inv.velden), hh.reverse())  # same set, other order
    assert eigen2.equals(eigen) and woon2.equals(woon)
    for thema in ("huisvesting_bezetting", "huisvesting_kostendelers"):  # both themes run on the shared facts
        draai(con, thema, P)
