"""The classifier: character n-gram TF-IDF of the whole text plus its opening, a linear model,
and a softmax temperature fitted on held-out scores so confidences mean something.

Why these parts (measured in benchmarks/bench_classify.py on 9,210 labelled messages):
- character n-grams of the text's key (`text.key`: letters and digits only, function
  words of the stop list removed) make a raw message and its jieba-cleaned form (stop
  words and punctuation removed, as training exports often are) the same input, and
  cover Chinese words without a segmenter in the hot path;
- the first characters of a message are usually its subject line (留言主题), so a
  separate, lighter-weighted block of their n-grams lets the model lean on it;
- NBSVM (one-vs-rest linear SVMs on naive-Bayes-scaled features) plus a hinge-loss
  SGD model, their scores summed, scored best in 5-fold CV on the training part
  (0.9334 vs 0.9316 NBSVM alone, 0.9296 SGD, 0.9278 LinearSVC);
- a linear model keeps prediction at thousands of messages a second on one core and
  lets every suggestion name the n-grams that drove it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize_scalar
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

from .features import CharNgramTfidf
from .text import key, normalize

# How texts are reduced before features. Models stored before "key" existed have no
# `representation` attribute and keep the whitespace-only normalisation they were trained with.
REPRESENTATIONS = {"key": key, "whitespace": normalize}


class Prediction(NamedTuple):
    label: str
    confidence: float
    top_k: list[tuple[str, float]]  # (label, probability), most likely first
    top_terms: list[str]  # n-grams of the text that pushed hardest toward `label`


def _softmax(scores: np.ndarray) -> np.ndarray:
    shifted = scores - scores.max(axis=1, keepdims=True)
    np.exp(shifted, out=shifted)
    shifted /= shifted.sum(axis=1, keepdims=True)
    return shifted


class TextClassifier(ClassifierMixin, BaseEstimator):
    def __init__(
        self,
        *,
        body_ngrams=(1, 4),
        head_chars=20,
        head_ngrams=(1, 3),
        head_weight=0.7,
        min_df=2,
        model="nbsvm+sgd",
        C=1.0,
        alpha=2e-5,
        epochs=15,
        class_weight=None,
        calibrate=True,
        random_state=0,
        representation="key",
    ):
        self.body_ngrams = body_ngrams
        self.head_chars = head_chars
        self.head_ngrams = head_ngrams
        self.head_weight = head_weight
        self.min_df = min_df
        self.model = model
        self.C = C
        self.alpha = alpha
        self.epochs = epochs
        self.class_weight = class_weight
        self.calibrate = calibrate
        self.random_state = random_state
        self.representation = representation

    # -- features -----------------------------------------------------------------------

    def _blocks(self):
        blocks = [("body", CharNgramTfidf(self.body_ngrams, min_df=self.min_df), 1.0)]
        if self.head_chars and self.head_weight:
            blocks.append(
                ("head", CharNgramTfidf(self.head_ngrams, min_df=self.min_df, max_chars=self.head_chars), self.head_weight)
            )
        return blocks

    def _fit_features(self, texts: list[str]):
        self.blocks_ = self._blocks()
        matrices = [weight * vec.fit_transform(texts) for _, vec, weight in self.blocks_]
        self.block_offsets_ = np.cumsum([0] + [m.shape[1] for m in matrices]).tolist()
        return sp.hstack(matrices, format="csr")

    def _reduce(self, texts) -> list[str]:
        try:
            reduce = REPRESENTATIONS[getattr(self, "representation", "whitespace")]
        except KeyError:
            raise ValueError(f"unknown representation {self.representation!r}") from None
        return [reduce(t) for t in texts]

    def features(self, texts: Sequence[str]):
        normed = self._reduce(texts)
        return sp.hstack([weight * vec.transform(normed) for _, vec, weight in self.blocks_], format="csr")

    # -- training -----------------------------------------------------------------------

    def _sgd(self):
        return SGDClassifier(
            loss="hinge", alpha=self.alpha, max_iter=self.epochs, tol=None, class_weight=self.class_weight, random_state=self.random_state
        )

    def _linear(self):
        if self.model == "svc":
            return LinearSVC(C=self.C, class_weight=self.class_weight)
        if self.model == "sgd":
            return self._sgd()
        raise ValueError(f"unknown model {self.model!r}")

    def _fit_nbsvm(self, X, y_idx):
        """One-vs-rest SVMs on features scaled by each class's naive-Bayes log-count ratio.

        (Wang & Manning 2012, "Baselines and bigrams".) The ratio r tells how much
        more often an n-gram occurs in the class than outside it; training on X*r and
        folding r back into the weights costs nothing at prediction time.
        """
        present = X.copy()
        present.data[:] = 1.0
        total = np.asarray(present.sum(axis=0)).ravel()
        n_classes = len(self.classes_)
        coef = np.zeros((n_classes, X.shape[1]))
        intercept = np.zeros(n_classes)
        for c in range(n_classes):
            inside = y_idx == c
            p = 1.0 + np.asarray(present[inside].sum(axis=0)).ravel()
            q = 1.0 + total - (p - 1.0)
            ratio = np.log((p / p.sum()) / (q / q.sum()))
            svm = LinearSVC(C=self.C, class_weight=self.class_weight).fit(sp.csr_matrix(X.multiply(ratio)), inside.astype(int))
            coef[c] = svm.coef_.ravel() * ratio
            intercept[c] = svm.intercept_[0]
        return coef, intercept

    def _fit_linear(self, X, y_idx):
        if self.model == "nbsvm":
            return self._fit_nbsvm(X, y_idx)
        if self.model == "nbsvm+sgd":
            # Both are linear in the same features, so the sum of their scores is one
            # linear model: the ensemble costs nothing extra at prediction time.
            coef_nb, intercept_nb = self._fit_nbsvm(X, y_idx)
            coef_sgd, intercept_sgd = self._fit_sklearn(self._sgd(), X, y_idx)
            return coef_nb + coef_sgd, intercept_nb + intercept_sgd
        return self._fit_sklearn(self._linear(), X, y_idx)

    def _fit_sklearn(self, est, X, y_idx):
        est = est.fit(X, y_idx)
        coef = np.asarray(est.coef_, dtype=np.float64)
        intercept = np.asarray(est.intercept_, dtype=np.float64)
        if coef.shape[0] == 1:  # binary: sklearn keeps one row for the positive class
            coef = np.vstack([-coef[0], coef[0]])
            intercept = np.array([-intercept[0], intercept[0]])
        return coef, intercept

    def fit(self, texts, y, progress: Callable[[str], None] | None = None):
        say = progress or (lambda message: None)
        labels = np.asarray([str(v) for v in y], dtype=object)
        self.classes_ = np.array(sorted(set(labels)), dtype=object)
        if len(self.classes_) < 2:
            raise ValueError("at least two classes are needed")
        y_idx = np.searchsorted(self.classes_, labels)
        say("特征提取（字符 n-gram TF-IDF）")
        X = self._fit_features(self._reduce(texts))
        say(f"训练线性模型（{X.shape[0]} 条 × {X.shape[1]} 个特征）")
        coef, intercept = self._fit_linear(X, y_idx)
        self.temperature_ = self._fit_temperature(X, y_idx, say) if self.calibrate else 1.0
        # float32 halves the artifact; scores differ from float64 only in the 7th digit
        self.coef_ = coef.astype(np.float32)
        self.intercept_ = intercept.astype(np.float32)
        return self

    def _fit_temperature(self, X, y_idx, say) -> float:
        """Scale decision scores so softmax confidences match held-out accuracy (temperature scaling)."""
        n_splits = int(min(3, np.bincount(y_idx).min()))
        if n_splits < 2:
            return 1.0
        oof = np.zeros((X.shape[0], len(self.classes_)))
        folds = StratifiedKFold(n_splits, shuffle=True, random_state=self.random_state)
        for i, (train, held) in enumerate(folds.split(X, y_idx), 1):
            say(f"置信度校准 第 {i}/{n_splits} 折")
            coef, intercept = self._fit_linear(X[train], y_idx[train])
            oof[held] = X[held] @ coef.T + intercept

        def nll(log_t):
            p = _softmax(oof * np.exp(log_t))
            return -np.mean(np.log(p[np.arange(len(y_idx)), y_idx] + 1e-12))

        return float(np.exp(minimize_scalar(nll, bounds=(-3.0, 5.0), method="bounded").x))

    # -- prediction -----------------------------------------------------------------------

    def __getstate__(self):
        state = dict(super().__getstate__())  # a copy: the live object keeps its cache
        state.pop("block_coef_", None)  # rebuilt on first use, not stored in the artifact
        return state

    def _block_scores(self, texts) -> np.ndarray:
        """Decision scores block by block: the same numbers as `scores(features(texts))` without joining the blocks."""
        normed = self._reduce(texts)
        weights = getattr(self, "block_coef_", None)
        if weights is None:  # float64 and contiguous once, instead of a converted copy of the coefficients per call
            weights = self.block_coef_ = [
                np.ascontiguousarray(weight * self.coef_[:, start:end].T, dtype=np.float64)
                for (_, _, weight), start, end in zip(self.blocks_, self.block_offsets_, self.block_offsets_[1:])
            ]
        total = np.zeros((len(normed), len(self.classes_))) + self.intercept_
        for (_, vec, _weight), coef in zip(self.blocks_, weights):
            total += vec.transform(normed) @ coef
        return total

    def scores(self, X) -> np.ndarray:
        return np.asarray(X @ self.coef_.T, dtype=np.float64) + self.intercept_

    def decision_function(self, texts):
        return self.scores(self.features(texts))

    def predict_proba_from_features(self, X):
        return _softmax(self.scores(X) * self.temperature_)

    def predict_proba(self, texts):
        return self.predict_proba_from_features(self.features(texts))

    def predict(self, texts):
        return self.classes_[self.decision_function(texts).argmax(axis=1)]

    def suggest(self, texts: Sequence[str], *, k: int = 3, explain: bool = True) -> list[Prediction]:
        texts = ["" if t is None else str(t) for t in texts]
        if not texts:
            return []
        if explain:
            X = self.features(texts)
            proba = self.predict_proba_from_features(X)
        else:
            proba = _softmax(self._block_scores(texts) * self.temperature_)
        k = max(1, min(k, len(self.classes_)))
        order = np.argsort(-proba, axis=1)[:, :k]
        out = []
        for i in range(len(texts)):
            best = int(order[i, 0])
            top_k = [(str(self.classes_[j]), float(proba[i, j])) for j in order[i]]
            terms = self.top_terms(X[i], best) if explain else []
            out.append(Prediction(str(self.classes_[best]), float(proba[i, best]), top_k, terms))
        return out

    # -- reasons ------------------------------------------------------------------------

    def feature_text(self, column: int) -> str:
        for (name, vec, _), start, end in zip(self.blocks_, self.block_offsets_, self.block_offsets_[1:]):
            if start <= column < end:
                return vec.ngram_text(column - start)
        raise IndexError(column)

    def top_terms(self, row, class_index: int, k: int = 5) -> list[str]:
        """The n-grams with the largest tf-idf × weight toward the class, as a person would read them.

        Dictionary words (jieba's bundled dictionary) come first, then other
        n-grams, then single characters; an n-gram overlapping one already chosen
        says the same thing twice and is skipped, and n-grams with punctuation are
        never shown.
        """
        from .text import segmenter

        dictionary = segmenter().dt.FREQ  # prefixes of words are stored with frequency 0
        row = row.tocsr()
        contributions = row.data * self.coef_[class_index, row.indices]
        words: list[str] = []
        fragments: list[str] = []
        singles: list[str] = []
        for j in np.argsort(-contributions):
            if contributions[j] <= 0 or len(words) >= k:
                break
            term = self.feature_text(int(row.indices[j]))
            if not term.isalnum():
                continue
            if len(term) < 2:
                bucket = singles
            elif dictionary.get(term, 0) > 0:
                bucket = words
            else:
                bucket = fragments
            if term not in bucket:
                bucket.append(term)
        chosen: list[str] = []
        for term in words + fragments + singles:
            if len(chosen) >= k:
                break
            if not any(term in c or c in term for c in chosen):
                chosen.append(term)
        return chosen
