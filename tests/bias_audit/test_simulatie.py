"""A small version of benchmarks/bench_bias.py: unbiased filters rarely block a run; a ratio of 2 for a 10%
group at gemeente scale is usually found. The bigger simulation and its figures are in the benchmark."""
import numpy as np
import pytest

from bias_audit import simulatie


@pytest.mark.traag
def test_unbiased_filters_rarely_raise_a_false_alarm():
    rng = np.random.default_rng(2026)
    runs = 12
    alarmen = sum(simulatie.run(rng, 3000, 0.05)["alarm"] for _ in range(runs))
    # family-wise rate <= 5% by construction; with 12 runs, 3 or more alarms has probability < 2% at 5%
    assert alarmen <= 2


def test_injected_disparity_is_detected_at_gemeente_scale():
    rng = np.random.default_rng(31)
    runs = 6
    gevonden = sum(simulatie.run(rng, 9000, 0.05, ratio=2.0, themas=1)["gevonden"] for _ in range(runs))
    assert gevonden >= 5  # ~450 selected: power well above 90% (benchmark), so 5 of 6 or better
