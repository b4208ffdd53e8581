"""Tests of the synthetic landing deliveries (the package sources/demo) at a small scale (10,000 persons)."""
from __future__ import annotations

import hashlib
import json
import re
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest

from sources import brp, contract
from sources.demo import BRONBESTANDEN, KOLOMMEN, genereer
from sources.demo import bevolking, rommel
from sources.register import ALLE

SCHAAL = 10_000
SEED = 20261031
PEILDATUM = date(2026, 10, 31)
BOM = b"\xef\xbb\xbf"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    uit = tmp_path_factory.mktemp("demo") / "landing"
    return uit, genereer(uit, schaal=SCHAAL, seed=SEED, peildatum=PEILDATUM)


@pytest.fixture(scope="module")
def run_zelfde(tmp_path_factory):
    uit = tmp_path_factory.mktemp("demo2") / "landing"
    return uit, genereer(uit, schaal=SCHAAL, seed=SEED, peildatum=PEILDATUM)


@pytest.fixture(scope="module")
def run_ander(tmp_path_factory):
    uit = tmp_path_factory.mktemp("demo3") / "landing"
    return uit, genereer(uit, schaal=SCHAAL, seed=SEED + 1, peildatum=PEILDATUM)


def _leveringen(uit: Path) -> list[Path]:
    return sorted(p.parent for p in uit.glob("*/*/manifest.json"))


def _levering(uit: Path, bron: str, dag: date | None = None) -> Path:
    mappen = sorted((uit / bron).iterdir())
    if dag is not None:
        return uit / bron / dag.isoformat()
    return mappen[-1]


def _lees(pad: Path) -> pl.DataFrame:
    """Read as the contract dialect: text only, ';', '"' quoting, BOM and CRLF tolerated."""
    data = pad.read_bytes()
    if data.startswith(BOM):
        data = data[len(BOM):]
    return pl.read_csv(data, separator=";", quote_char='"', infer_schema=False,
                       eol_char="\n").with_columns(pl.col(pl.String).str.strip_suffix("\r"))


def _bestand(uit: Path, bron: str, naam: str, dag: date | None = None) -> pl.DataFrame:
    df = _lees(_levering(uit, bron, dag) / naam)
    # the last column may carry the \r of a CRLF line end in its name
    return df.rename({c: c.rstrip("\r") for c in df.columns})


def _elfproef(bsn: str) -> bool:
    if not re.fullmatch(r"\d{9}", bsn) or bsn == "000000000":
        return False
    som = sum(int(c) * w for c, w in zip(bsn, (9, 8, 7, 6, 5, 4, 3, 2, -1)))
    return som % 11 == 0


# ------------------------------------------------------------------------------ layout


def test_alle_leveringen_en_bestanden_bestaan(run):
    uit, res = run
    for bron, namen in BRONBESTANDEN.items():
        lev = _levering(uit, bron)
        manifest = json.loads((lev / "manifest.json").read_text())
        assert manifest["bron"] == bron
        assert manifest["gemeente"] == "0014"
        assert manifest["leverdatum"] == lev.name
        assert [b["naam"] for b in manifest["bestanden"]] == namen
        for naam in namen:
            assert (lev / naam).is_file()
    # 5 current deliveries + the earlier gemeente delivery
    assert len(_leveringen(uit)) == 6
    assert len(res["bestanden"]) == 11 + 3


def test_leverdata(run):
    uit, res = run
    dag = {bron: date.fromisoformat(_levering(uit, bron).name) for bron in BRONBESTANDEN}
    for bron in ("brp", "rdw", "suwi"):
        assert PEILDATUM - timedelta(days=45) <= dag[bron] <= PEILDATUM
    assert PEILDATUM - timedelta(days=400) <= dag["ib"] <= PEILDATUM
    assert dag["gemeente"] == PEILDATUM
    vorige = sorted(p.name for p in (uit / "gemeente").iterdir())
    assert vorige == [(PEILDATUM - timedelta(days=1)).isoformat(), PEILDATUM.isoformat()]


def test_manifest_klopt_met_bestanden(run):
    uit, res = run
    for lev in _leveringen(uit):
        manifest = json.loads((lev / "manifest.json").read_text())
        for b in manifest["bestanden"]:
            data = (lev / b["naam"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == b["sha256"], b["naam"]
            # no field contains a newline, so data rows = lines - header
            assert data.count(b"\n") - 1 == b["rijen"], b["naam"]
            assert res["bestanden"][f"{lev.parent.name}/{lev.name}/{b['naam']}"] == {
                "rijen": b["rijen"], "bytes": len(data)}


def test_vorige_gemeentelevering_heeft_vergelijkbaar_volume(run):
    uit, _ = run
    nu = json.loads((_levering(uit, "gemeente") / "manifest.json").read_text())
    vorig = json.loads((_levering(uit, "gemeente", PEILDATUM - timedelta(days=1)) / "manifest.json").read_text())
    for a, b in zip(nu["bestanden"], vorig["bestanden"]):
        assert a["naam"] == b["naam"]
        assert 0.95 * a["rijen"] <= b["rijen"] <= a["rijen"]


def test_samenvatting(run):
    uit, res = run
    assert res["personen"] == SCHAAL
    assert res["schaal"] == SCHAAL
    assert res["seconden"] > 0
    assert res["geplant"]["personen"] == SCHAAL
    assert (res["seed"], res["peildatum"]) == (SEED, PEILDATUM.isoformat())
    # the summary describes the files that were written: names, rows and bytes
    geschreven = {str(p.relative_to(uit)): p for p in uit.glob("*/*/*.csv")}
    assert set(res["bestanden"]) == set(geschreven)
    for naam, feiten in res["bestanden"].items():
        bron, dag, bestand = naam.split("/")
        assert feiten["bytes"] == geschreven[naam].stat().st_size, naam
        assert feiten["rijen"] == _bestand(uit, bron, bestand, date.fromisoformat(dag)).height, naam
    # delivery dates are the folders; the municipality's previous delivery is the day before
    assert {b: d for b, d in res["leverdata"].items() if b != "gemeente_vorige"} == {
        b: _levering(uit, b).name for b in ("brp", "ib", "suwi", "rdw", "gemeente")}
    assert res["leverdata"]["gemeente_vorige"] == (PEILDATUM - timedelta(days=1)).isoformat()
    # dossiers as delivered; every planted case of every theme is there, messy rows were injected
    uitkeringen = _bestand(uit, "gemeente", "uitkeringen.csv")
    assert res["geplant"]["dossiers"] == uitkeringen["dossier_id"].n_unique()
    assert uitkeringen.height == res["geplant"]["dossiers"] + res["rommel"]["uitkeringen.csv:dossier_id:duplicaat"]
    assert 0 < res["geplant"]["dossiers_actief_pw"] <= res["geplant"]["dossiers"]
    for prefix in ("V_SIGNAAL", "B_SIGNAAL", "Z_DRUK", "K_HUISGENOOT"):
        assert res["geplant"][prefix] > 0, prefix
    assert sum(res["rommel"].values()) > 0 and res["blokken"] >= 1


# ------------------------------------------------------------------------------ determinism


def test_deterministisch(run, run_zelfde, run_ander):
    (uit1, _), (uit2, _), (uit3, _) = run, run_zelfde, run_ander
    bestanden = sorted(p.relative_to(uit1) for p in uit1.rglob("*") if p.is_file())
    assert bestanden == sorted(p.relative_to(uit2) for p in uit2.rglob("*") if p.is_file())
    for rel in bestanden:
        assert (uit1 / rel).read_bytes() == (uit2 / rel).read_bytes(), rel
    # another seed gives other data
    for bron, naam in (("brp", "personen.csv"), ("gemeente", "uitkeringen.csv"), ("ib", "vermogen.csv")):
        assert (_levering(uit1, bron) / naam).read_bytes() != (_levering(uit3, bron) / naam).read_bytes()


# ------------------------------------------------------------------------------ contract


def test_kolommen_volgens_contract(run):
    """Every file holds the columns of the contract in sources/<bron>.py (not the generator's own list)."""
    uit, _ = run
    geschreven = {(p.parent.parent.name, p.name) for p in uit.glob("*/*/*.csv")}
    assert geschreven == {(s.bron, s.naam) for s in ALLE}
    for spec in ALLE:
        bron, naam, kolommen = spec.bron, spec.naam, spec.kolomnamen
        df = _bestand(uit, bron, naam)
        if (bron, naam) == ("brp", "adressen.csv"):
            assert set(df.columns) == set(kolommen) | {"bouwjaar"}  # an extra unknown column
        elif (bron, naam) == ("suwi", "polis.csv"):
            assert set(df.columns) == set(kolommen) and df.columns != kolommen  # other order
        else:
            assert df.columns == kolommen, (bron, naam)


def test_bestandsniveau_rommel(run):
    uit, _ = run
    tenaam = (_levering(uit, "rdw") / "tenaamstellingen.csv").read_bytes()
    assert tenaam.startswith(BOM)
    relaties = (_levering(uit, "brp") / "relaties.csv").read_bytes()
    assert relaties.count(b"\r\n") == relaties.count(b"\n") > 1
    personen = (_levering(uit, "brp") / "personen.csv").read_bytes()
    assert b"\r" not in personen and not personen.startswith(BOM)


def test_geldige_bsns_en_precies_de_geplante_fouten(run):
    """Every BSN passes the 11-proef except exactly the planted faulty ones."""
    uit, res = run
    rommel = res["rommel"]
    controles = [("brp", "personen.csv", "bsn"), ("brp", "verblijfplaatsen.csv", "bsn"),
                 ("brp", "relaties.csv", "bsn"), ("brp", "relaties.csv", "relatie_bsn"),
                 ("ib", "vermogen.csv", "bsn"), ("suwi", "polis.csv", "bsn"),
                 ("suwi", "studiefinanciering.csv", "bsn"), ("rdw", "tenaamstellingen.csv", "bsn"),
                 ("gemeente", "uitkeringen.csv", "bsn"), ("gemeente", "uitkeringen.csv", "partner_bsn"),
                 ("gemeente", "onderzoeken.csv", "bsn"), ("gemeente", "opgegeven_inkomsten.csv", "bsn")]
    totaal_fout = 0
    for bron, naam, kolom in controles:
        waarden = _bestand(uit, bron, naam).get_column(kolom).drop_nulls().to_list()
        negen = [b for b in waarden if re.fullmatch(r"\d{9}", b)]
        acht = [b for b in waarden if re.fullmatch(r"\d{8}", b)]
        spatie = [b for b in waarden if " " in b]
        fout = [b for b in negen if not _elfproef(b)]
        assert len(fout) == rommel.get(f"{naam}:{kolom}:11-proef", 0), (naam, kolom)
        assert len(acht) == rommel.get(f"{naam}:{kolom}:8 cijfers", 0), (naam, kolom)
        assert len(spatie) == rommel.get(f"{naam}:{kolom}:spatie", 0), (naam, kolom)
        assert len(negen) + len(acht) + len(spatie) == len(waarden)
        # an 8-digit BSN is a valid one that lost its leading zero
        assert all(_elfproef("0" + b) for b in acht)
        totaal_fout += len(fout) + len(acht) + len(spatie)
    assert totaal_fout > 0
    personen = _bestand(uit, "brp", "personen.csv").get_column("bsn")
    assert personen.str.starts_with("0").sum() > 0  # leading zeros are kept
    assert (personen.str.len_chars() == 9).mean() > 0.99


def test_rommel_aanwezig(run):
    uit, res = run
    rommel = res["rommel"]
    personen = _bestand(uit, "brp", "personen.csv")
    geb = personen.get_column("geboortedatum")
    assert (geb == "00000000").sum() >= 1
    assert geb.str.contains(r"^\d{4}13\d{2}$").sum() >= 1
    assert geb.str.contains(r"^\d{4}0230$").sum() >= 1
    # unknown month/day (valid) occurs
    assert geb.str.contains(r"^(19|20)\d{2}0000$").sum() >= 1
    assert geb.str.contains(r"^(19|20)\d{2}(0[1-9]|1[0-2])00$").sum() >= 1
    # duplicate primary keys
    for bron, naam, sleutel in (("brp", "personen.csv", "bsn"), ("brp", "adressen.csv", "adres_id"),
                                ("gemeente", "uitkeringen.csv", "dossier_id"),
                                ("gemeente", "onderzoeken.csv", "onderzoek_id")):
        kol = _bestand(uit, bron, naam).get_column(sleutel)
        assert kol.is_duplicated().sum() >= 2, naam
    # orphans: persons in the address history that are not in personen.csv
    vbp = _bestand(uit, "brp", "verblijfplaatsen.csv")
    wees = vbp.filter(~pl.col("bsn").is_in(personen.get_column("bsn").implode()))
    assert wees.height >= rommel["verblijfplaatsen.csv:bsn:wees"] >= 1
    # dates in datum columns and gbadatum columns of other files
    assert vbp.get_column("datum_aanvang").str.contains(r"^(00000000|\d{4}13\d{2}|\d{4}0230)$").sum() >= 3
    uitk = _bestand(uit, "gemeente", "uitkeringen.csv")
    assert uitk.get_column("datum_aanvang").str.contains(r"^(0000-00-00|\d{4}-13-\d{2})$").sum() >= 1
    # empty adres_id (foreign address) and briefadressen
    assert vbp.get_column("adres_id").null_count() >= 1
    assert (vbp.get_column("functie_adres") == "B").sum() >= 1
    # postcodes like '9712 ab'
    pc = _bestand(uit, "brp", "adressen.csv").get_column("postcode")
    assert pc.str.contains(r"^\d{4} [a-z]{2}$").sum() >= 1
    assert pc.str.contains(r"^\d{4}[A-Z]{2}$").mean() > 0.99
    # kentekens in both notations
    kent = _bestand(uit, "rdw", "tenaamstellingen.csv").get_column("kenteken")
    assert kent.str.contains(r"^[a-z0-9]{6}$").sum() >= 1
    assert kent.str.contains(r"^[A-Z0-9]{1,3}-[A-Z0-9]{2,3}-[A-Z0-9]{1,2}$").sum() >= 1


def test_foutpercentage_onder_een_procent(run):
    """The larger files keep their messy rows well below 1%."""
    uit, res = run
    per_bestand: dict[str, int] = {}
    for sleutel, n in res["rommel"].items():
        naam = sleutel.split(":")[0]
        if "kleine letters" in sleutel or "1234 ab" in sleutel:
            continue  # valid after normalisation
        per_bestand[naam] = per_bestand.get(naam, 0) + n
    rijen = {k.split("/")[-1]: v["rijen"] for k, v in res["bestanden"].items() if "/2026-10-30/" not in k}
    for naam in ("personen.csv", "verblijfplaatsen.csv", "relaties.csv", "adressen.csv"):
        assert per_bestand[naam] / rijen[naam] < 0.01, naam


def test_velden_met_scheidingsteken_of_aanhalingsteken_goed_gequote(run):
    uit, _ = run
    pad = _levering(uit, "rdw") / "tenaamstellingen.csv"
    ruw = pad.read_text(encoding="utf-8-sig")
    assert '"PANDA; 4X4"' in ruw
    assert '"C4 ""PICASSO"""' in ruw
    df = _lees(pad)
    hb = df.get_column("handelsbenaming")
    assert (hb == "PANDA; 4X4").sum() >= 1 and (hb == 'C4 "PICASSO"').sum() >= 1
    assert df.width == len(KOLOMMEN[("rdw", "tenaamstellingen.csv")])


# ------------------------------------------------------------------------------ content


def test_huishoudens_en_adressen(run):
    uit, _ = run
    personen = _bestand(uit, "brp", "personen.csv")
    assert set(personen.get_column("geslacht").unique().to_list()) <= {"M", "V", "O"}
    assert 0.7 < (personen.get_column("geboorteland") == "6030").mean() < 0.9
    assert personen.get_column("datum_overlijden").drop_nulls().len() > 0
    rel = _bestand(uit, "brp", "relaties.csv")
    assert set(rel.get_column("soort").unique().to_list()) == {"H", "K", "O"}
    adr = _bestand(uit, "brp", "adressen.csv")
    assert adr.get_column("wijk_code").str.contains(r"^WK0014\d{2}$").all()
    assert adr.get_column("buurt_code").str.contains(r"^BU0014\d{4}$").all()
    assert adr.get_column("adres_id").str.contains(r"^\d{16}$").all()
    assert (adr.get_column("oppervlakte_m2").cast(pl.Int64) > 0).all()
    # address ids used in the history exist (empty = foreign address)
    vbp = _bestand(uit, "brp", "verblijfplaatsen.csv")
    assert vbp.get_column("adres_id").drop_nulls().is_in(adr.get_column("adres_id").implode()).all()


def test_dossiers(run):
    uit, _ = run
    uitk = _bestand(uit, "gemeente", "uitkeringen.csv")
    assert uitk.get_column("dossier_id").str.contains(r"^D\d{7}$").all()
    assert (uitk.get_column("regeling") == "PW").mean() > 0.9
    gehuwd = uitk.filter(pl.col("normcategorie") == "gehuwden")
    assert gehuwd.get_column("partner_bsn").null_count() == 0
    assert uitk.filter(pl.col("normcategorie") != "gehuwden").get_column("partner_bsn").null_count() == \
        uitk.filter(pl.col("normcategorie") != "gehuwden").height
    assert (uitk.get_column("kostendelers").cast(pl.Int64) >= 1).all()
    assert uitk.get_column("datum_einde").drop_nulls().len() > 0


def test_geplante_signalen_voertuigen_en_bank(run):
    """Quick versions of two theme rules find the planted households."""
    uit, res = run
    p = PEILDATUM
    uitk = _bestand(uit, "gemeente", "uitkeringen.csv").filter(
        (pl.col("regeling") == "PW") & (pl.col("datum_einde").is_null() | (pl.col("datum_einde") >= p.isoformat())))
    leden = pl.concat([uitk.select("dossier_id", "bsn", "normcategorie"),
                       uitk.filter(pl.col("partner_bsn").is_not_null())
                       .select("dossier_id", pl.col("partner_bsn").alias("bsn"), "normcategorie")])
    rdw = _bestand(uit, "rdw", "tenaamstellingen.csv").with_columns(
        pl.col("kenteken").str.replace_all("-", "").str.to_uppercase(),
        pl.col("datum_aanvang_tenaamstelling").str.to_date("%Y%m%d", strict=False).alias("start"))
    grens_van = date(p.year - 1, p.month, p.day)
    v = (rdw.filter(pl.col("voertuigsoort").is_in(["Personenauto", "Bedrijfsauto", "Motorfiets"])
                    & (pl.col("start") > grens_van) & (pl.col("start") <= p))
         .join(leden, on="bsn").group_by("dossier_id").agg(pl.col("kenteken").n_unique().alias("n")))
    assert v.filter(pl.col("n") >= 3).height >= res["geplant"]["V_SIGNAAL"] - 1 >= 0
    assert v.filter(pl.col("n") == 2).height >= 1
    verm = _bestand(uit, "ib", "vermogen.csv").with_columns(
        pl.col("saldo_peildatum").str.to_date(strict=False), pl.col("saldo_cent").cast(pl.Int64))
    nieuwst = verm.drop_nulls("saldo_peildatum").sort("saldo_peildatum").group_by("bsn", "rekening_id").last()
    som = nieuwst.join(leden, on="bsn").group_by("dossier_id", "normcategorie").agg(pl.col("saldo_cent").sum())
    grens = pl.when(pl.col("normcategorie") == "alleenstaande").then(757_500).otherwise(1_515_000)
    assert som.filter(pl.col("saldo_cent") > grens + 50_000).height >= 1
    assert som.filter((pl.col("saldo_cent") > grens) & (pl.col("saldo_cent") <= grens + 50_000)).height >= 1


def test_geplante_categorieen_aanwezig(run):
    _, res = run
    g = res["geplant"]
    for naam in ("V_SIGNAAL", "V_TWEE", "V_DUBBEL", "V_SOORT", "V_OUD", "B_SIGNAAL", "B_NET_ONDER", "B_OUD_JAAR",
                 "Z_DRUK", "Z_KLEIN", "Z_BUITEN_GEBRUIK", "Z_GEEN_WOON", "K_HUISGENOOT", "K_26", "K_STUDENT",
                 "K_DEELDATUM", "K_GROEP_dossiers"):
        assert g[naam] >= 1, naam


def test_onbekende_schaal():
    with pytest.raises(ValueError):
        genereer(Path("/nonexistent"), schaal="provincie")


# ------------------------------------------------------------------------------ the messy-case table


def test_elk_rommelgeval_oefent_een_regel_van_het_contract():
    """Every messy case of the table names a rule the contract in sources/ really has for that column."""
    regels = {g.sleutel: rommel.contractregel(g) for g in rommel.ROMMEL + rommel.BIJ_HET_MAKEN}
    assert regels["personen.csv:bsn:11-proef"] == "bsn: voldoet niet aan de 11-proef"
    assert regels["personen.csv:geboortedatum:maand 13"] == \
        "geboortedatum: geen geldige gbadatum (JJJJMMDD, 00 = onbekend)"
    assert regels["uitkeringen.csv:datum_aanvang:00000000"] == "datum_aanvang: geen geldige datum (JJJJ-MM-DD)"
    assert regels["onderzoeken.csv:datum_einde:einde voor start"] == "datum_einde: ligt voor datum_start"
    assert regels["verblijfplaatsen.csv:bsn:wees"] == "bsn: komt niet voor in personen.csv"
    assert regels["adressen.csv:postcode:1234 ab"] == "postcode: geldig na normalisatie (postcode)"
    assert len(regels) == len(rommel.ROMMEL) + len(rommel.BIJ_HET_MAKEN)  # no case twice


@pytest.mark.parametrize("geval", [
    rommel.Geval("personen.csv", "geboortedatum", rommel.BSN_ELF, 0.1, ""),  # not a bsn column
    rommel.Geval("relaties.csv", "bsn", rommel.DUPLICAAT, 0.1, ""),  # relaties.csv has no key
    rommel.Geval("polis.csv", "bsn", rommel.WEES, 0.1, ""),  # polis.csv refers to no other file
    rommel.Geval("personen.csv", "bsn", rommel.POSTCODE_LOS, 0.1, ""),  # bsn is not normalised
    rommel.Geval("relaties.csv", "datum_einde", rommel.EINDE_VOOR_START, 0.1, ""),  # no such row rule
])
def test_rommelgeval_zonder_contractregel_wordt_geweigerd(geval):
    with pytest.raises(ValueError):
        rommel.contractregel(geval)


def test_samenvatting_telt_precies_de_gevallen_van_de_tabel(run):
    _, res = run
    tabel = {g.sleutel for g in rommel.ROMMEL + rommel.BIJ_HET_MAKEN}
    assert set(res["rommel"]) <= tabel
    # at 10,000 persons nearly every case occurs (the rarest need more rows than a small file has)
    assert len(res["rommel"]) >= 0.8 * len(tabel)


def test_waarden_van_de_generator_passen_in_het_contract():
    """The value lists the generator draws from are values the contract accepts (its own weighted lists)."""
    adressen = brp.ADRESSEN
    gebruiksdoel = adressen.kolom("gebruiksdoel").patroon
    assert all(re.search(gebruiksdoel, d) for d in bevolking.GEBRUIKSDOELEN)
    assert set(bevolking.STATUSSEN) == set(adressen.kolom("status").waarden)
    land = brp.PERSONEN.kolom("geboorteland").patroon
    assert all(re.search(land, code) for code, _, _ in bevolking.LANDEN)
    assert all(re.search(land, nat) for _, _, nat in bevolking.LANDEN if nat)


def test_schrijvers_lezen_het_contract():
    """File names per source and columns per file are the contract's; the dialect is the contract's."""
    assert {b: sorted(n) for b, n in BRONBESTANDEN.items()} == {
        b: sorted(s.naam for s in ALLE if s.bron == b) for b in contract.BRONNEN}
    assert KOLOMMEN == {(s.bron, s.naam): s.kolomnamen for s in ALLE}
    assert rommel.kolommen("brp", "adressen.csv") == (
        brp.ADRESSEN.kolomnamen[:9] + [rommel.EXTRA_KOLOM] + brp.ADRESSEN.kolomnamen[9:])


def test_elke_stap_leest_alleen_wat_een_eerdere_stap_schreef():
    """The block's steps share their state on `s` (sources/demo/toestand.py): every `s.<naam>` a step (or a
    function of the package it calls) reads was written by Blok itself or by an earlier step in STAPPEN, so
    reordering or dropping a step fails here."""
    import ast
    import inspect
    import textwrap

    from sources.demo import blok, toestand

    def boom(functie):
        return ast.parse(textwrap.dedent(inspect.getsource(functie)))

    def met_aangeroepen(functie, gezien=None):
        """The function and every function of sources.demo it calls, directly or further down."""
        gezien = set() if gezien is None else gezien
        if functie in gezien:
            return gezien
        gezien.add(functie)
        for knoop in ast.walk(boom(functie)):
            if not isinstance(knoop, ast.Call):
                continue
            doel = None
            if isinstance(knoop.func, ast.Name):
                doel = functie.__globals__.get(knoop.func.id)
            elif isinstance(knoop.func, ast.Attribute) and isinstance(knoop.func.value, ast.Name):
                doel = getattr(functie.__globals__.get(knoop.func.value.id), knoop.func.attr, None)
            if inspect.isfunction(doel) and doel.__module__.startswith("sources.demo"):
                met_aangeroepen(doel, gezien)
        return gezien

    def namen(functies, naam, soort):
        return {n.attr for f in functies for n in ast.walk(boom(f)) if isinstance(n, ast.Attribute)
                and isinstance(n.value, ast.Name) and n.value.id == naam and isinstance(n.ctx, soort)}

    geschreven = namen([toestand.Blok.__init__], "self", ast.Store) | namen([blok.maak_blok], "s", ast.Store)
    gelezen_totaal = set()
    for stap in blok.STAPPEN:
        functies = [f for f in met_aangeroepen(stap)  # the functions whose `s` is the block
                    if getattr(inspect.signature(f).parameters.get("s"), "annotation", None) == "Blok"]
        eigen = namen(functies, "s", ast.Store)
        gelezen = namen(functies, "s", ast.Load) - eigen  # what the step writes itself it may read back
        assert gelezen <= geschreven, (stap.__name__, sorted(gelezen - geschreven))
        gelezen_totaal |= gelezen
        geschreven |= eigen
    assert len(blok.STAPPEN) >= 40 and len(gelezen_totaal) > 80
