"""The demo's planted feedback loop is recovered: counts exactly as the generator planted them (valid rows),
rates within their 95% interval, and exactly the theme planted to be no better than chance is flagged.
10,000 persons is the smallest scale used elsewhere; the demo plants at least 45 investigations per arm."""
from datetime import date

import pytest

from assets import monitoring
from sources.demo import KANS_NIET_NALEVING, KANS_NIET_NALEVING_SIGNALEN, THEMAS, genereer
from tests.helpers import ingest

pytestmark = pytest.mark.traag  # generates demo data and runs end to end

P = date(2026, 10, 31)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo_monitoring")
    samenvatting = genereer(root / "landing", schaal=10_000, seed=20261031, peildatum=P)
    con = ingest(root / "landing", root / "werk", P)
    return con, samenvatting["onderzoeken"]


def test_arms_counted_exactly_and_rates_recovered(demo):
    con, geplant = demo
    oz = monitoring.onderzoeken(con, P)
    van, tot = monitoring.venster(P, 24)
    themas = monitoring.trefkansen(oz, van, tot, monitoring.Instellingen())
    for i, t in enumerate(THEMAS):
        for arm, herkomst, kans in (("signalen", "themacontrole", KANS_NIET_NALEVING_SIGNALEN[i]),
                                    ("steekproef", "steekproef", KANS_NIET_NALEVING["steekproef"])):
            a = themas[t][arm]
            n = {u: geplant.get(f"venster:{t}:{herkomst}:{u}", 0)
                 for u in ("lopend", "geen_afwijking", "niet_naleving", "niet_meegewerkt")}
            assert a["onderzocht"] == sum(n.values()), (t, arm)
            assert a["afgerond"] == sum(n.values()) - n["lopend"], (t, arm)
            assert (a["niet_naleving"], a["niet_meegewerkt"]) == (n["niet_naleving"], n["niet_meegewerkt"]), (t, arm)
            assert a["afgerond"] - a["niet_meegewerkt"] >= 30, (t, arm)
            assert a["ci_laag"] <= kans <= a["ci_hoog"], (t, arm, a, kans)
    # three themes' signals clearly beat their sample; huisvesting_kostendelers' do not and it is flagged
    assert [t for t in THEMAS if themas[t]["gemarkeerd"]] == ["huisvesting_kostendelers"]
    assert all(themas[t]["beter_dan_steekproef"] for t in THEMAS[:3])


def test_indicators_counted_exactly(demo):
    con, geplant = demo
    ind = monitoring.indicatoren(monitoring.onderzoeken(con, P), monitoring.uitkeringseinde(con, P))
    for jaar in ("2024", "2025", "2026"):
        j = ind[jaar]
        assert j["vorderingen"]["aantal"] == geplant.get(f"{jaar}:vorderingen", 0), jaar
        assert j["boetes"] == geplant.get(f"{jaar}:boetes", 0), jaar
        assert j["waarschuwingen"] == geplant.get(f"{jaar}:waarschuwingen", 0), jaar
        for h, d in j["per_herkomst"].items():
            assert d["gestart"] == geplant.get(f"{jaar}:{h}:gestart", 0), (jaar, h)
            assert d["afgerond"] == geplant.get(f"{jaar}:{h}:afgerond", 0), (jaar, h)
            assert d["niet_naleving"] == geplant.get(f"{jaar}:{h}:niet_naleving", 0), (jaar, h)
    # planted: claims get smaller and lead times shorter in the last year; lead times differ by origin
    assert ind["2026"]["vorderingen"]["mediaan_euro"] < ind["2024"]["vorderingen"]["mediaan_euro"]
    tc = [ind[j]["per_herkomst"]["themacontrole"]["doorlooptijd_mediaan_dagen"] for j in ("2024", "2026")]
    assert tc[1] < tc[0]
    assert (ind["2025"]["per_herkomst"]["inkomstenverrekening"]["doorlooptijd_mediaan_dagen"]
            < ind["2025"]["per_herkomst"]["tip"]["doorlooptijd_mediaan_dagen"])
