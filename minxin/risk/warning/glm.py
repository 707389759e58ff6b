"""Quasi-Poisson GLM with log link, fitted by IRLS.

This is the small part of R's glm()/summary.glm()/predict.glm() that the
Farrington family needs: coefficients, the Pearson dispersion estimate, the
unscaled covariance, hat values and p-values of single coefficients. The
iteration mirrors glm.fit (start at mu = y + 0.1, convergence on the relative
change in deviance, at most 25 iterations) so results agree with R to several
digits on the same data.
"""

from dataclasses import dataclass

import numpy as np
from scipy import stats

# exp() of the linear predictor is clipped here: a factor level with only zero
# counts drives its coefficient to -inf, and R's glm simply stops when the
# deviance stops changing. Clipping keeps the arithmetic finite while giving
# the same fitted values (~1e-13) for such levels.
_ETA_MIN, _ETA_MAX = -30.0, 30.0


@dataclass(frozen=True)
class QuasiPoissonFit:
    coef: np.ndarray
    mu: np.ndarray
    cov_unscaled: np.ndarray
    dispersion: float  # Pearson estimate, not floored at 1 (summary.glm)
    df_residual: int
    converged: bool
    X: np.ndarray
    y: np.ndarray
    weights: np.ndarray

    def hat_values(self) -> np.ndarray:
        w = self.weights * self.mu
        sqrt_w = np.sqrt(w)[:, None]
        xw = self.X * sqrt_w
        return np.einsum("ij,jk,ik->i", xw, self.cov_unscaled, xw)

    def p_value(self, j: int, dispersion: float | None = None) -> float:
        """Two-sided t-test of coefficient j, as summary.glm for quasi families."""
        disp = self.dispersion if dispersion is None else dispersion
        se = np.sqrt(disp * self.cov_unscaled[j, j])
        if not np.isfinite(se) or se == 0 or self.df_residual <= 0:
            return float("nan")
        t = self.coef[j] / se
        return float(2 * stats.t.sf(abs(t), self.df_residual))

    def predict_link(self, x0: np.ndarray, dispersion: float | None = None) -> tuple[float, float]:
        """Linear predictor and its standard error (predict.glm type="link")."""
        disp = self.dispersion if dispersion is None else dispersion
        eta = float(x0 @ self.coef)
        var = float(x0 @ self.cov_unscaled @ x0) * disp
        return eta, float(np.sqrt(max(var, 0.0)))


    def dispersion_as_r_farrington_flexible(self) -> float:
        """The dispersion summary.glm reports inside surveillance's farringtonFlexible.

        After reweighting, algo.farrington.fitGLM.flexible overwrites
        model$weights (the IRLS working weights omega*mu) with the prior
        weights omega. summary.glm then sums omega*((y-mu)/mu)**2, i.e. the
        Pearson statistic divided by mu, so predict.glm's se.fit and the
        trend p-value are off by about sqrt(mu). Only used to reproduce R.
        """
        if self.df_residual <= 0:
            return float("nan")
        return float(np.sum(self.weights * ((self.y - self.mu) / self.mu) ** 2) / self.df_residual)


def _solve(a, b):
    # Normal equations of a ~12-column design: far cheaper than an SVD per
    # IRLS step; lstsq only when a level's weights have collapsed to ~0.
    try:
        return np.linalg.solve(a, b)
    except np.linalg.LinAlgError:
        return np.linalg.lstsq(a, b, rcond=None)[0]


def _deviance(y, mu, w):
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(y > 0, y * np.log(y / mu), 0.0)
    return float(2 * np.sum(w * (term - (y - mu))))


def fit_quasipoisson(
    X: np.ndarray,
    y: np.ndarray,
    weights: np.ndarray | None = None,
    *,
    max_iter: int = 25,
    tol: float = 1e-8,
) -> QuasiPoissonFit:
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n, p = X.shape
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)

    mu = y + 0.1
    eta = np.log(mu)
    dev_old = _deviance(y, mu, w)
    converged = False
    coef = np.zeros(p)
    for _iteration in range(max_iter):
        z = eta + (y - mu) / mu
        ww = w * mu
        xtw = X.T * ww
        coef = _solve(xtw @ X, xtw @ z)
        eta = np.clip(X @ coef, _ETA_MIN, _ETA_MAX)
        mu = np.exp(eta)
        dev = _deviance(y, mu, w)
        if abs(dev - dev_old) / (abs(dev) + 0.1) < tol:
            converged = True
            break
        dev_old = dev

    xtwx = (X.T * (w * mu)) @ X
    try:
        cov_unscaled = np.linalg.inv(xtwx)
    except np.linalg.LinAlgError:
        cov_unscaled = np.linalg.pinv(xtwx)
    n_used = int(np.count_nonzero(w > 0))
    # Callers build designs of full column rank (intercept, optional trend,
    # one dummy per *present* factor level), so rank == p, as R counts it even
    # for a level whose fitted values collapse to ~0.
    df_residual = n_used - p
    pearson = float(np.sum(w * (y - mu) ** 2 / mu))
    dispersion = pearson / df_residual if df_residual > 0 else float("nan")
    return QuasiPoissonFit(
        coef=coef,
        mu=mu,
        cov_unscaled=cov_unscaled,
        dispersion=dispersion,
        df_residual=df_residual,
        converged=converged and bool(np.all(np.isfinite(coef))),
        X=X,
        y=y,
        weights=w,
    )
