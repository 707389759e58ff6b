import math

import numpy as np
import pytest

from minxin.risk.warning import EarsConfig, WarningInputError, ears

EXACT = EarsConfig(min_sigma=0.0)


def test_c1_compares_with_the_seven_periods_just_before():
    y = [1, 2, 3, 4, 5, 6, 7, 20]
    (r,) = ears(y, "C1", EXACT)

    sd = math.sqrt(28 / 6)  # squared deviations of 1..7 from 4 sum to 28
    assert r.index == 7
    assert r.expected == pytest.approx(4.0)
    assert r.upper == pytest.approx(4 + 3 * sd)
    assert r.score == pytest.approx(16 / sd)
    assert r.alarm


def test_c2_skips_the_two_most_recent_periods():
    # The two guard periods hold 50s; C1 would absorb them, C2 must not.
    y = [1, 2, 3, 4, 5, 6, 7, 50, 50, 12]
    (c2,) = ears(y, "C2", EXACT)
    c1 = ears(y, "C1", EXACT)[-1]

    sd = math.sqrt(28 / 6)
    assert c2.expected == pytest.approx(4.0)
    assert c2.score == pytest.approx(8 / sd)
    assert c2.alarm
    assert not c1.alarm


def test_c3_adds_up_the_excess_of_three_c2_statistics():
    y = [4, 6, 4, 6, 4, 6, 4, 6, 4, 8, 7, 7]
    c3 = ears(y, "C3", EXACT)
    c2 = ears(y, "C2", EXACT, indices=[9, 10, 11])

    # Baselines: indices 0-6 and 2-8 are 4,6,4,6,4,6,4 (mean 34/7), indices
    # 1-7 are 6,4,6,4,6,4,6 (mean 36/7); both have squared deviations 48/7,
    # so sd = sqrt(8/7). C2 = 22/7, 13/7, 15/7 over sd: 2.94, 1.74, 2.00.
    m_a, m_b, sd = 34 / 7, 36 / 7, math.sqrt(8 / 7)
    z9, z10, z11 = (8 - m_a) / sd, (7 - m_b) / sd, (7 - m_a) / sd
    assert [r.score for r in c2] == pytest.approx([z9, z10, z11])
    assert not c2[-1].alarm

    (r,) = c3
    lag = (z9 - 1) + (z10 - 1)
    assert r.index == 11
    assert r.score == pytest.approx(lag + (z11 - 1))
    assert r.score > 3 and r.alarm
    assert r.upper == pytest.approx(m_a + sd * (1 + 3 - lag))
    assert r.observed > r.upper


def test_min_sigma_keeps_a_single_case_after_zeros_quiet():
    y = [0] * 9 + [1]
    assert ears(y, "C2", EXACT)[-1].alarm
    assert not ears(y, "C2", EarsConfig(min_sigma=1.0))[-1].alarm


def test_ears_refuses_a_period_without_enough_history():
    with pytest.raises(WarningInputError, match="C3"):
        ears(np.arange(20), "C3", indices=[5])
