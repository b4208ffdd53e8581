"""A delivery judged in full computes each person's pseudonym once: the pseudonyms of the accepted persons of a
file keyed by BSN (the BRP's personen) are looked up by the files judged after it, not hashed again. The lookup
changes nothing but the work: every staged row and every quarantined row is what hashing each BSN gives."""
from datetime import date

import pyarrow as pa

from kern import opslag
from sources import brp, levering
from sources import inlezen
from sources import pseudoniem as ps
from sources.inlezen import lees_in
from tests.bouwer import Landing, adres, bsn, persoon, woont

P = date(2026, 10, 31)
SLEUTEL = b"sleutel-voor-de-kaarttest"
LEVERING = {
    "personen": [persoon(i) for i in range(1, 6)] + [persoon(3, geslacht="M"), {**persoon(6), "geslacht": "X"}],
    "adressen": [adres(1), adres(2)],
    # persons 3 (a duplicate key) and 6 (an invalid row) are not accepted: their BSNs are not in the table; 9 is
    # not in personen at all
    "verblijfplaatsen": [woont(i, 1 + i % 2) for i in (1, 2, 3, 4, 6, 9)],
    "relaties": [{"bsn": bsn(1), "relatie_bsn": bsn(2), "soort": "H", "datum_aanvang": "20100101"},
                 {"bsn": bsn(4), "relatie_bsn": bsn(9), "soort": "H", "datum_aanvang": "20100101"},
                 {"bsn": bsn(5), "relatie_bsn": None, "soort": "H", "datum_aanvang": "20100101"}],
}


def _uitkomst(con):
    q = con.sql("SELECT bestand, regel, ruwe_waarden, reden FROM quarantaine ORDER BY bestand, regel").fetchall()
    return q, {t: con.sql(f"SELECT * FROM {t} ORDER BY regel").fetchall()
               for t in ("brp_personen", "brp_adressen", "brp_verblijfplaatsen", "brp_relaties")}


def _ingest(tmp_path, naam, specs=brp.BESTANDEN):
    landing = Landing(tmp_path / f"landing_{naam}")
    landing.levering("brp", "2026-10-01", **LEVERING)
    con = opslag.verbind(tmp_path / naam)
    lev = levering.kies(tmp_path / f"landing_{naam}", "brp", P)
    assert lev.geaccepteerd, lev.reden
    return con, {s.stam: lees_in(con, lev, s, sleutel_=SLEUTEL) for s in specs}


def test_personen_judged_in_full_leave_the_pseudonyms_of_their_accepted_persons(tmp_path):
    inlezen.vergeet_kaarten()
    _ingest(tmp_path, "w", [brp.PERSONEN])
    kaart = inlezen._KAART[ps.kenmerk(SLEUTEL)].to_pylist()
    assert sorted((r["bsn"], r["ph"]) for r in kaart) == sorted(
        (bsn(i), ps.pseudoniem(bsn(i), SLEUTEL)) for i in (1, 2, 4, 5))
    inlezen.vergeet_kaarten()
    assert inlezen._KAART == {}


def test_files_after_personen_stage_exactly_what_hashing_every_bsn_gives(tmp_path):
    inlezen.vergeet_kaarten()
    con, met = _ingest(tmp_path, "met_kaart")
    assert ps.kenmerk(SLEUTEL) in inlezen._KAART
    ph = {ps.pseudoniem(bsn(i), SLEUTEL): i for i in range(1, 10)}
    assert [ph[r[0]] for r in con.sql("SELECT bsn FROM brp_verblijfplaatsen ORDER BY regel").fetchall()] == [1, 2, 4]
    # person 9 is in no file keyed by BSN: hashed as before
    assert [(ph[a], ph[b]) for a, b in con.sql("SELECT bsn, relatie_bsn FROM brp_relaties ORDER BY regel").fetchall()
            ] == [(1, 2), (4, 9)]
    # the same delivery with the table emptied before each file: every BSN hashed
    inlezen.vergeet_kaarten()
    landing = Landing(tmp_path / "landing_zonder")
    landing.levering("brp", "2026-10-01", **LEVERING)
    con_zonder = opslag.verbind(tmp_path / "zonder_kaart")
    lev = levering.kies(tmp_path / "landing_zonder", "brp", P)
    zonder = {}
    for s in brp.BESTANDEN:
        inlezen.vergeet_kaarten()
        zonder[s.stam] = lees_in(con_zonder, lev, s, sleutel_=SLEUTEL)
    assert _uitkomst(con) == _uitkomst(con_zonder)
    assert {s: (i.geaccepteerd, i.quarantaine, i.redenen) for s, i in met.items()} == \
        {s: (i.geaccepteerd, i.quarantaine, i.redenen) for s, i in zonder.items()}
    assert [(r[0], r[1], r[3]) for r in _uitkomst(con)[0] if r[0] != "personen.csv"] == [
        ("relaties.csv", 4, "relatie_bsn: verplicht veld is leeg"),
        ("verblijfplaatsen.csv", 4, "bsn: komt niet voor in personen.csv"),
        ("verblijfplaatsen.csv", 6, "bsn: komt niet voor in personen.csv"),
        ("verblijfplaatsen.csv", 7, "bsn: komt niet voor in personen.csv")]


def test_a_pseudonym_from_the_table_is_the_one_staged_and_only_under_its_own_key(tmp_path):
    """A wrong pseudonym put in the table for person 1 makes that person's residence an orphan: the table is read.
    Under another key's fingerprint it is not."""
    for naam, kenmerk, wezen in (("eigen", ps.kenmerk(SLEUTEL), [2, 4, 6, 7]), ("andere", "0" * 8, [4, 6, 7])):
        inlezen.vergeet_kaarten()
        landing = Landing(tmp_path / f"landing_{naam}")
        landing.levering("brp", "2026-10-01", **LEVERING)
        con = opslag.verbind(tmp_path / naam)
        lev = levering.kies(tmp_path / f"landing_{naam}", "brp", P)
        for s in (brp.PERSONEN, brp.ADRESSEN):
            lees_in(con, lev, s, sleutel_=SLEUTEL)
        inlezen._KAART.clear()
        inlezen._KAART[kenmerk] = pa.table({"bsn": [bsn(1)], "ph": ["f" * 32]})
        lees_in(con, lev, brp.VERBLIJFPLAATSEN, sleutel_=SLEUTEL)
        assert con.sql("SELECT regel FROM quarantaine WHERE bestand = 'verblijfplaatsen.csv' ORDER BY regel"
                       ).fetchall() == [(r,) for r in wezen], naam
    inlezen.vergeet_kaarten()


def test_a_dagster_run_uses_the_table_and_drops_it_at_its_end(tmp_path, monkeypatch):
    """Through Dagster: the BRP's files after personen look their BSNs up, and the run's end drops the table."""
    import dagster as dg

    from assets.bronnen import BESTANDEN, LEVERINGEN
    from kern.resources import Werkomgeving

    gezien = []
    echt = inlezen._bewaar_kaart

    def bewaar(con, key, kolom):
        echt(con, key, kolom)
        gezien.append(sorted(r["bsn"] for r in inlezen._KAART[ps.kenmerk(key)].to_pylist()))

    monkeypatch.setattr(inlezen, "_bewaar_kaart", bewaar)
    monkeypatch.setenv("SYSTEEMANALYSE_PSEUDONIEM_SLEUTEL", SLEUTEL.decode())
    inlezen.vergeet_kaarten()
    Landing(tmp_path / "landing").levering("brp", "2026-10-01", **LEVERING)
    werk = Werkomgeving(landing=str(tmp_path / "landing"), werkmap=str(tmp_path / "werk"),
                        verklaringen=str(tmp_path / "v.yaml"), filters=str(tmp_path / "f.yaml"))
    brp_stappen = [a for a in [*LEVERINGEN, *BESTANDEN] if any(k.path[0].startswith(("levering_brp", "brp_"))
                                                                  for k in a.keys)]
    uitslag = dg.materialize(brp_stappen, partition_key=P.isoformat(), resources={"werkomgeving": werk},
                             raise_on_error=False)
    assert uitslag.success
    assert gezien == [sorted(bsn(i) for i in (1, 2, 4, 5))] and inlezen._KAART == {}
    con = opslag.verbind(tmp_path / "werk")
    ph = {ps.pseudoniem(bsn(i), SLEUTEL): i for i in range(1, 10)}
    assert [(ph[a], ph[b]) for a, b in con.sql("SELECT bsn, relatie_bsn FROM brp_relaties ORDER BY regel").fetchall()
            ] == [(1, 2), (4, 9)]
