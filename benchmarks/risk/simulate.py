"""Simulated weekly count series with outbreaks, after Noufaily et al. (2013).

Baseline: y_t ~ negative binomial with mean
    mu_t = exp(theta + beta*t + sum_{j<=m} [gamma1*cos(2*pi*j*t/52) + gamma2*sin(2*pi*j*t/52)])
and variance phi*mu_t (phi = 1: Poisson), t = 1..624 (12 years of weeks).

Outbreaks: an outbreak starting in week s has Poisson(k * sd_s) cases, where
sd_s = sqrt(phi*mu_s) is the baseline standard deviation at s; each case falls
d weeks after s with the discretised log-normal(0, 0.5) distribution of
surveillance's lognormDiscrete (so most outbreaks last 1-3 weeks).
Four outbreaks (k uniform on 2..10) are placed in the five baseline years
before the evaluation period, one (k given) in the last 49 weeks, which are
the weeks judged. Only the last outbreak counts for detection; the earlier
ones exist to test the down-weighting of past outbreaks.

(surveillance::sts_creation uses k times the *variance*, mu*(1+mu/size), for the
outbreak mean; the paper and this file use the standard deviation.)
"""

import datetime as dt
from dataclasses import dataclass

import numpy as np
from scipy import stats

N_WEEKS = 624
N_EVAL = 49
START = dt.date(2012, 1, 2)  # a Monday

_d = np.arange(0, 21)
_cdf = stats.lognorm.cdf(_d, s=0.5, scale=1.0)
LOGNORM_DELAY = np.diff(_cdf) / _cdf[-1]


@dataclass(frozen=True)
class Scenario:
    name: str
    theta: float
    beta: float
    gamma1: float
    gamma2: float
    m: int
    phi: float

    def mean(self) -> np.ndarray:
        t = np.arange(1, N_WEEKS + 1)
        season = sum(
            self.gamma1 * np.cos(2 * np.pi * j * t / 52) + self.gamma2 * np.sin(2 * np.pi * j * t / 52)
            for j in range(1, self.m + 1)
        )
        return np.exp(self.theta + self.beta * t + season)


# A subset spanning Noufaily et al.'s grid: sparse to high counts, no/annual/
# biannual seasonality, with and without trend, dispersion 1 to 5.
SCENARIOS = [
    Scenario("S1 sparse flat Poisson", 0.5, 0.0, 0.0, 0.0, 0, 1.0),
    Scenario("S2 sparse seasonal", 0.5, 0.0, 0.6, 0.6, 1, 1.5),
    Scenario("S3 medium seasonal", 2.5, 0.0, 0.6, 0.6, 1, 1.5),
    Scenario("S4 medium trend+season", 1.5, 0.002, 0.2, -0.4, 1, 2.0),
    Scenario("S5 medium biannual", 3.0, 0.0, 0.4, 0.4, 2, 3.0),
    Scenario("S6 high overdispersed", 5.0, 0.0, 0.3, 0.3, 1, 5.0),
    Scenario("S7 biannual trend", 2.0, 0.001, 0.8, 0.4, 2, 2.0),
]


def _baseline(rng, sc: Scenario, mu):
    if sc.phi == 1.0:
        return rng.poisson(mu)
    size = mu / (sc.phi - 1)
    return rng.negative_binomial(size, 1 / sc.phi)


def _outbreak(rng, sc: Scenario, mu, start: int, k: float) -> np.ndarray:
    cases = np.zeros(N_WEEKS, dtype=int)
    total = rng.poisson(k * np.sqrt(sc.phi * mu[start]))
    if total:
        spread = rng.multinomial(total, LOGNORM_DELAY)
        end = min(start + spread.size, N_WEEKS)
        cases[start:end] += spread[: end - start]
    return cases


def simulate(rng, sc: Scenario, k_eval: float):
    """Return (counts, dates, current_outbreak_cases) for one series."""
    mu = sc.mean()
    y = _baseline(rng, sc, mu).astype(int)
    eval_start = N_WEEKS - N_EVAL
    for _ in range(4):
        s = int(rng.integers(eval_start - 5 * 52, eval_start - 21))
        y += _outbreak(rng, sc, mu, s, int(rng.integers(2, 11)))
    current = _outbreak(rng, sc, mu, int(rng.integers(eval_start, N_WEEKS)), k_eval)
    y += current
    dates = [START + dt.timedelta(weeks=i) for i in range(N_WEEKS)]
    return y, dates, current
