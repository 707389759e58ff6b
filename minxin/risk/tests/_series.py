"""Generated count series for the early-warning tests (fixed seeds)."""

import datetime as dt

import numpy as np

MONDAY = dt.date(2019, 1, 7)


def weekly_dates(n: int, start: dt.date = MONDAY) -> list[dt.date]:
    return [start + dt.timedelta(weeks=i) for i in range(n)]


def poisson_weeks(mean, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).poisson(np.asarray(mean, dtype=float)).astype(int)


def winter_mean(n: int, level: float = 2.0, amplitude: float = 1.0) -> np.ndarray:
    """Weekly mean peaking in the first week of each year (dates start in January)."""
    t = np.arange(n)
    return np.exp(level + amplitude * np.cos(2 * np.pi * t / 52.18))
