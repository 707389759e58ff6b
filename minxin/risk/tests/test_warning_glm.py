import numpy as np
import pytest

from minxin.risk.warning.glm import fit_quasipoisson


def test_intercept_only_fit_is_the_mean_with_pearson_dispersion():
    y = np.array([3, 7, 4, 10, 6, 2, 8], dtype=float)
    fit = fit_quasipoisson(np.ones((y.size, 1)), y)

    assert fit.converged
    assert np.exp(fit.coef[0]) == pytest.approx(y.mean())
    assert fit.dispersion == pytest.approx(np.sum((y - y.mean()) ** 2 / y.mean()) / (y.size - 1))
    # Var(log mean) = 1 / (n * mean) for a Poisson mean, times the dispersion.
    eta, se = fit.predict_link(np.array([1.0]))
    assert se == pytest.approx(np.sqrt(fit.dispersion / (y.size * y.mean())))


def test_two_groups_fit_their_own_means_and_weights_count():
    y = np.array([2, 4, 3, 20, 22, 24], dtype=float)
    X = np.column_stack([np.ones(6), [0, 0, 0, 1, 1, 1]])
    fit = fit_quasipoisson(X, y)
    assert np.exp(fit.coef[0]) == pytest.approx(3.0)
    assert np.exp(fit.coef.sum()) == pytest.approx(22.0)

    weighted = fit_quasipoisson(X, y, np.array([1, 1, 0.001, 1, 1, 1]))
    assert np.exp(weighted.coef[0]) == pytest.approx(3.0, abs=0.01)
    heavy = fit_quasipoisson(X, y, np.array([1, 3, 1, 1, 1, 1]))
    assert np.exp(heavy.coef[0]) == pytest.approx((2 + 3 * 4 + 3) / 5)


def test_a_clear_slope_is_significant_and_noise_is_not():
    t = np.arange(60, dtype=float)
    X = np.column_stack([np.ones(60), t])
    rising = np.random.default_rng(1).poisson(np.exp(1 + 0.04 * t)).astype(float)
    flat = np.random.default_rng(1).poisson(np.full(60, 10.0)).astype(float)

    assert fit_quasipoisson(X, rising).p_value(1) < 1e-6
    assert fit_quasipoisson(X, flat).p_value(1) > 0.05
