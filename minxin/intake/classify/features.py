"""Character n-gram TF-IDF computed with numpy, fast enough for bulk classification.

scikit-learn's `analyzer="char"` builds every n-gram as a Python string; on the
bureau's messages (≈480 characters each) that caps a model at ≈1,700 messages a
second. Here each text becomes an array of 16-bit character ids and every n-gram
of up to four characters is one exact 64-bit integer, so counting, looking up and
weighting happen in vectorised numpy code (no hashing, so no collisions).

Texts are expected already normalised (see `text.normalize`): whitespace removed,
so raw and jieba-segmented input give the same n-grams.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.preprocessing import normalize as l2_normalize

_SEP = "\x00"  # separates texts in the joined buffer; normalize() strips it from input
_MAX_CODEPOINT = 0x110000
_OOV = 1  # id for a character never seen in training; 0 is the separator
_MAX_N = 4  # 4 × 16-bit ids fill a uint64 exactly


def _sorted_unique(values):
    if len(values) == 0:
        return values
    keep = np.empty(len(values), dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


class CharNgramTfidf(TransformerMixin, BaseEstimator):
    """TF-IDF over character n-grams (n in ngram_range, at most 4) of each text's first `max_chars`."""

    def __init__(self, ngram_range=(1, 4), min_df=2, max_chars=None, sublinear_tf=True, max_features=None):
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_chars = max_chars
        self.sublinear_tf = sublinear_tf
        self.max_features = max_features

    # -- encoding ---------------------------------------------------------------------

    def _ids(self, texts):
        if self.max_chars:
            texts = [t[: self.max_chars] for t in texts]
        joined = _SEP.join(texts) + _SEP
        codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
        return self.char_table_[codes]

    def _ngrams(self, ids):
        """(text index, uint64 key) of every n-gram lying inside one text, in text order."""
        lo, hi = self.ngram_range
        length = len(ids)
        padded = np.concatenate([ids, np.zeros(hi, dtype=ids.dtype)]).astype(np.uint64)
        nonsep = padded != 0
        # row i holds the 1..hi-grams starting at position i, so flattening keeps text order
        keys = np.empty((length, hi), dtype=np.uint64)
        valid = np.empty((length, hi), dtype=bool)
        key = padded[:length].copy()
        ok = nonsep[:length].copy()
        keys[:, 0], valid[:, 0] = key, ok
        for n in range(2, hi + 1):
            key = (key << np.uint64(16)) | padded[n - 1 : n - 1 + length]
            ok = ok & nonsep[n - 1 : n - 1 + length]
            keys[:, n - 1], valid[:, n - 1] = key, ok
        if lo > 1:
            valid[:, : lo - 1] = False
        doc_of = np.cumsum(~nonsep[:length])  # at a character: how many texts precede it
        flat = valid.ravel()
        return np.repeat(doc_of, hi)[flat], keys.ravel()[flat]

    # -- sklearn API --------------------------------------------------------------------

    def fit(self, texts, y=None):
        self.fit_transform(texts)
        return self

    def fit_transform(self, texts, y=None):
        texts = list(texts)
        lo, hi = self.ngram_range
        if not 1 <= lo <= hi <= _MAX_N:
            raise ValueError(f"ngram_range must lie within 1..{_MAX_N}")
        self._fit_char_table(texts)
        docs, keys = self._ngrams(self._ids(texts))
        n_docs = len(texts)
        # document frequency: count each (text, n-gram) pair once
        # (np.unique's hash path is an order of magnitude slower than sorting here)
        uniq = _sorted_unique(np.sort(keys))
        inverse = np.searchsorted(uniq, keys)
        pairs = _sorted_unique(np.sort((docs.astype(np.uint64) << np.uint64(32)) | inverse.astype(np.uint64)))
        df = np.bincount((pairs & np.uint64(0xFFFFFFFF)).astype(np.int64), minlength=len(uniq))
        keep = df >= self.min_df
        if self.max_features and keep.sum() > self.max_features:
            order = np.argsort(-df, kind="stable")
            keep = np.zeros_like(keep)
            keep[order[: self.max_features]] = True
            keep &= df >= self.min_df
        self.vocabulary_keys_ = uniq[keep]  # sorted, so searchsorted finds columns
        self.idf_ = (np.log((1.0 + n_docs) / (1.0 + df[keep])) + 1.0).astype(np.float64)
        return self._weigh(docs, keys, n_docs)

    def transform(self, texts):
        texts = list(texts)
        n_docs = len(texts)
        if len(self.vocabulary_keys_) == 0:
            return sp.csr_matrix((n_docs, 0), dtype=np.float64)
        docs, cols = self._lookup(self._ids(texts))
        return self._matrix(docs, cols, n_docs)

    def _lookup(self, ids):
        """(text index, column) of every n-gram of the vocabulary in the texts, in text order.

        A vocabulary kept by document frequency is closed under prefixes (an n-gram's
        first n−1 characters occur in every text it does, so at least as often), so
        n-grams are looked up one length at a time, and an (n+1)-gram only where the
        n-gram at the same position was found: most n-grams of a new text that are not
        in the vocabulary are never searched for. Unigrams are read from a table. (With
        ngram_range starting above 1, the shorter lengths are not in the vocabulary and
        every position is searched at the first length that is.)
        """
        lo, hi = self.ngram_range
        unigram, starts, ends = self._layers()
        vocab = self.vocabulary_keys_
        length = len(ids)
        padded = np.concatenate([ids, np.zeros(hi, dtype=ids.dtype)]).astype(np.uint64)
        nonsep = padded != 0
        found = np.full((length, hi), -1, dtype=np.int32)  # row = start position, column = n - 1
        pos = np.flatnonzero(nonsep[:length])
        key = padded[pos]
        if lo == 1:
            col = unigram[key.astype(np.int64)]
            keep = col >= 0
            pos, key = pos[keep], key[keep]
            found[pos, 0] = col[keep]
        for n in range(2, hi + 1):
            nxt = pos + (n - 1)
            ok = nonsep[nxt]
            pos, key = pos[ok], (key[ok] << np.uint64(16)) | padded[nxt[ok]]
            if n < lo:  # shorter n-grams are not in the vocabulary, so they prune nothing
                continue
            layer = vocab[starts[n - 1] : ends[n - 1]]
            if len(layer) == 0 or len(pos) == 0:
                break
            col = np.searchsorted(layer, key)
            col[col >= len(layer)] = 0
            hit = layer[col] == key
            pos, key = pos[hit], key[hit]
            found[pos, n - 1] = col[hit] + starts[n - 1]
        flat = found.ravel()
        keep = flat >= 0
        doc_of = np.cumsum(~nonsep[:length])  # at a character: how many texts precede it
        return np.repeat(doc_of, hi)[keep], flat[keep]

    def _layers(self):
        """(unigram id → column table, start and end of each n-gram length in the sorted vocabulary)."""
        layers = getattr(self, "layers_", None)
        if layers is None:
            vocab = self.vocabulary_keys_
            # an n-gram's key is below 2^(16n), so the lengths lie in consecutive ranges of the sorted keys
            bounds = np.searchsorted(vocab, np.array([1 << (16 * n) for n in range(1, _MAX_N)], dtype=np.uint64))
            starts = np.concatenate([[0], bounds])
            ends = np.concatenate([bounds, [len(vocab)]])
            unigram = np.full(1 << 16, -1, dtype=np.int64)
            unigram[vocab[: bounds[0]].astype(np.int64)] = np.arange(bounds[0])
            layers = self.layers_ = (unigram, starts, ends)
        return layers

    def _weigh(self, docs, keys, n_docs):
        vocab = self.vocabulary_keys_
        n_features = len(vocab)
        if n_features == 0 or len(keys) == 0:
            return sp.csr_matrix((n_docs, n_features), dtype=np.float64)
        cols = np.searchsorted(vocab, keys)
        cols[cols >= n_features] = 0
        hit = vocab[cols] == keys
        return self._matrix(docs[hit], cols[hit], n_docs)

    def _matrix(self, docs, cols, n_docs):
        n_features = len(self.vocabulary_keys_)
        # docs arrive sorted, so the row pointer is a running count
        indptr = np.zeros(n_docs + 1, dtype=np.int64)
        np.cumsum(np.bincount(docs, minlength=n_docs), out=indptr[1:])
        matrix = sp.csr_matrix(
            (np.ones(len(cols), dtype=np.float64), cols.astype(np.int32), indptr), shape=(n_docs, n_features)
        )
        matrix.sum_duplicates()
        if self.sublinear_tf:
            np.log(matrix.data, out=matrix.data)
            matrix.data += 1.0
        matrix.data *= self.idf_[matrix.indices]
        return l2_normalize(matrix, copy=False)

    # -- vocabulary ---------------------------------------------------------------------

    def _fit_char_table(self, texts):
        counts: dict[str, int] = {}
        for t in texts:
            for ch in set(t[: self.max_chars] if self.max_chars else t):
                counts[ch] = counts.get(ch, 0) + 1
        counts.pop(_SEP, None)
        # ids 2..65535; in the unlikely case of more distinct characters the rarest share the OOV id
        chars = sorted(counts, key=lambda c: (-counts[c], c))[: 0xFFFF - 1]
        self.chars_ = "".join(chars)
        self._build_char_table()

    def _build_char_table(self):
        table = np.full(_MAX_CODEPOINT, _OOV, dtype=np.uint16)
        table[0] = 0
        if self.chars_:
            cps = np.frombuffer(self.chars_.encode("utf-32-le"), dtype=np.uint32)
            table[cps] = np.arange(2, 2 + len(cps), dtype=np.uint16)
        self.char_table_ = table

    def ngram_text(self, column: int) -> str:
        key = int(self.vocabulary_keys_[column])
        chars = []
        while key:
            index = key & 0xFFFF
            chars.append(self.chars_[index - 2] if index >= 2 else "\ufffd")
            key >>= 16
        return "".join(reversed(chars))

    def get_feature_names_out(self, input_features=None):
        return np.array([self.ngram_text(j) for j in range(len(self.vocabulary_keys_))], dtype=object)

    # The 2 MiB lookup table is rebuilt on load instead of being stored in the artifact.
    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("char_table_", None)
        state.pop("layers_", None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        if "chars_" in state:
            self._build_char_table()
