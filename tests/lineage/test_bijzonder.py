"""Special data stays out of the filters by construction: permuting geboorteland and nationaliteit across
persons changes no theme output, and the one door to the data refuses them."""
from datetime import date

import polars as pl
import pytest

from kern.omgeving import SLEUTEL

from assets.themas import kader, uitvoering
from assets.themas.kader import BIJZONDERE_VELDEN, Invoer, VerbodenVeld
from assets.themas.register import THEMAS
from tests.helpers import PARAMETERS, lever_alles, staged
from tests.lineage.conftest import bestanden, personen

pytestmark = pytest.mark.traag  # ingests through Dagster or runs end to end

P = date(2026, 10, 31)
TABELLEN = {"populatie": "dossier_id", "funnel_stappen": "thema, stap_nr", "funnel_leden": "thema, stap_nr, dossier_id",
            "uitsluitingen": "thema, dossier_id", "signalen": "thema, soort, dossier_id",
            "thema_uitkomsten": "thema"}


def draai_alles(root, rijen):
    lever_alles(root / "landing", leverdatum="2026-10-31", **bestanden(rijen))
    con = staged(root / "landing", root / "werk", P)
    par = kader.laad_parameters(PARAMETERS)
    for t in THEMAS.values():
        assert uitvoering.voer_uit(con, t, P, par).berekend
    uit = {t: con.sql(f"SELECT * EXCLUDE (peildatum) FROM {t} ORDER BY {k}").pl() for t, k in TABELLEN.items()}
    for t in THEMAS:
        for soort in ("signaal", "steekproef"):
            uitvoering.signaallijst(con, P, t, soort).write_parquet(root / f"{t}_{soort}.parquet")
    bijzonder = con.sql("SELECT bsn, geboorteland, nationaliteit FROM audit.brp_personen_bijzonder ORDER BY bsn").pl()
    con.close()
    return uit, bijzonder


def test_permuting_birth_country_and_nationality_changes_no_theme_output(tmp_path, monkeypatch):
    monkeypatch.setenv(SLEUTEL, "een-sleutel")  # two werkmaps compared: one key, the same pseudonyms
    origineel = personen()
    waarden = [(p["geboorteland"], p["nationaliteit"]) for p in origineel]
    geschoven = waarden[7:] + waarden[:7]                       # every person gets someone else's values
    gepermuteerd = [{**p, "geboorteland": g, "nationaliteit": n} for p, (g, n) in zip(origineel, geschoven)]
    assert sum(a != b for a, b in zip(waarden, geschoven)) >= len(waarden) // 2

    a, bijzonder_a = draai_alles(tmp_path / "a", origineel)
    b, bijzonder_b = draai_alles(tmp_path / "b", gepermuteerd)
    # the permutation did reach the database (only the audit schema holds it) ...
    assert not bijzonder_a.equals(bijzonder_b)
    assert sorted(bijzonder_a["geboorteland"].to_list()) == sorted(bijzonder_b["geboorteland"].to_list())
    # ... and changed nothing the themes produced
    assert a["signalen"].filter(pl.col("soort") == "signaal").height == 2   # voertuigen D00001, kostendelers D00003
    for tabel in TABELLEN:
        assert a[tabel].equals(b[tabel]), tabel
    for t in THEMAS:
        for soort in ("signaal", "steekproef"):
            naam = f"{t}_{soort}.parquet"
            assert (tmp_path / "a" / naam).read_bytes() == (tmp_path / "b" / naam).read_bytes(), naam


def test_the_one_door_refuses_special_and_undeclared_fields(tmp_path):
    lever_alles(tmp_path / "landing", leverdatum="2026-10-31", **bestanden())
    con = staged(tmp_path / "landing", tmp_path / "werk", P)
    # declared or not, special data is refused by name (also through a derived column name or a semi-join key)
    inv = Invoer(con, P, tuple(BIJZONDERE_VELDEN))
    for kolom in ("geboorteland", "nationaliteit", "geboorteland_vroegst"):
        with pytest.raises(VerbodenVeld, match="bijzonder persoonsgegeven"):
            inv.lees("brp", "personen", "bsn", kolom)
    with pytest.raises(VerbodenVeld, match="bijzonder persoonsgegeven"):
        inv.lees("brp", "personen", "bsn", binnen={"nationaliteit": pl.Series(["0001"])})
    # an undeclared field is refused too: a theme reads only what it states
    with pytest.raises(VerbodenVeld, match="niet gedeclareerd"):
        Invoer(con, P, THEMAS["vermogen_voertuigen"].velden).lees("ib", "vermogen", "saldo_cent")
    # and the staged person table does not even hold the columns
    kolommen = {r[0] for r in con.sql("DESCRIBE brp_personen").fetchall()}
    assert not kolommen & {"geboorteland", "nationaliteit"} and "geboortedatum" in kolommen
    con.close()
    for t in THEMAS.values():
        assert not set(t.alle_velden) & BIJZONDERE_VELDEN
