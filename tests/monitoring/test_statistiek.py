"""The arithmetic of the feedback loop against SciPy and numpy, the flag on both sides of its thresholds,
suppression and the window."""
from datetime import date

import numpy as np
import pytest
from scipy import stats

from assets import monitoring_statistiek as st
from assets.monitoring import maanden_terug, venster
from bias_audit import statistiek as bias_statistiek
from kern.statistiek import wilson


@pytest.mark.parametrize("x,n", [(0, 10), (3, 40), (20, 20), (44, 107), (1, 1)])
def test_wilson_matches_scipy(x, n):
    laag, hoog = wilson(np.array([x]), np.array([n]))
    ci = stats.binomtest(x, n).proportion_ci(confidence_level=0.95, method="wilson")
    assert laag[0] == pytest.approx(ci.low, abs=1e-12) and hoog[0] == pytest.approx(ci.high, abs=1e-12)


def test_bias_audit_uses_the_same_wilson():
    assert bias_statistiek.wilson is wilson


def test_arm_counts_rate_and_interval():
    a = st.arm(onderzocht=120, afgerond=110, niet_naleving=44, niet_meegewerkt=3)
    assert a["trefkans"] == round(44 / 107, 4)
    ci = stats.binomtest(44, 107).proportion_ci(method="wilson")
    assert a["ci_laag"] == round(ci.low, 4) and a["ci_hoog"] == round(ci.high, 4)
    # nothing closed but niet_meegewerkt: no rate, never a division by zero
    leeg = st.arm(5, 2, 0, 2)
    assert leeg["trefkans"] is None and leeg["ci_laag"] is None and leeg["ci_hoog"] is None


def test_fisher_one_sided_matches_scipy():
    s, c = st.arm(120, 110, 44, 3), st.arm(40, 38, 3, 0)
    v = st.vergelijk(s, c)
    verwacht = stats.fisher_exact([[44, 63], [3, 35]], alternative="greater").pvalue
    assert v["p"] == pytest.approx(verwacht, rel=1e-12)
    assert v["verschil"] == round(44 / 107 - 3 / 38, 4)
    assert v["beter_dan_steekproef"] and not v["gemarkeerd"]
    # the test is one-sided: a sample that hits more often gives a large p, never "better"
    omgekeerd = st.vergelijk(c, s)
    assert omgekeerd["p"] > 0.99 and not omgekeerd["beter_dan_steekproef"]


@pytest.mark.parametrize("noemer_signalen,noemer_steekproef,gemarkeerd", [
    (30, 30, True), (29, 30, False), (30, 29, False), (29, 29, False), (31, 40, True)])
def test_flag_needs_30_in_both_denominators(noemer_signalen, noemer_steekproef, gemarkeerd):
    # the same hit rate (a third) in both arms: never better; niet_meegewerkt leaves the denominator
    s = st.arm(noemer_signalen + 5, noemer_signalen + 2, noemer_signalen // 3, 2)
    c = st.arm(noemer_steekproef, noemer_steekproef, noemer_steekproef // 3, 0)
    v = st.vergelijk(s, c)
    assert not v["beter_dan_steekproef"] and v["gemarkeerd"] is gemarkeerd


def test_flag_not_set_when_signals_are_better_and_p_threshold_inclusive():
    s, c = st.arm(30, 30, 20, 0), st.arm(30, 30, 5, 0)
    v = st.vergelijk(s, c)
    assert v["p"] < 0.05 and v["beter_dan_steekproef"] and not v["gemarkeerd"]
    # p exactly at alfa counts as better (p <= alfa)
    assert st.vergelijk(s, c, alfa=v["p"])["beter_dan_steekproef"]
    assert not st.vergelijk(s, c, alfa=v["p"] * 0.999)["beter_dan_steekproef"]


def test_quartiles_linear_interpolation():
    assert st.kwartielen([1000.0, 2500.0]) == [1375.0, 1750.0, 2125.0]
    assert st.kwartielen([1, 2, 3, 4]) == [1.75, 2.5, 3.25]
    assert st.kwartielen([7]) == [7.0, 7.0, 7.0]
    assert st.kwartielen([]) is None


def test_suppression_below_ten():
    assert [st.onderdruk(n) for n in (0, 1, 9, 10, 11)] == ["<10", "<10", "<10", 10, 11]


def test_window_and_month_arithmetic():
    assert venster(date(2026, 10, 31), 24) == (date(2024, 11, 1), date(2026, 10, 31))
    assert venster(date(2026, 3, 1), 24) == (date(2024, 3, 2), date(2026, 3, 1))
    assert maanden_terug(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert maanden_terug(date(2024, 3, 31), 1) == date(2024, 2, 29)
    assert maanden_terug(date(2026, 1, 15), 12) == date(2025, 1, 15)
