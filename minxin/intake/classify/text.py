"""Text representations shared by training and prediction, the stop list, and the one jieba instance.

Messages arrive raw (as typed at the window or on the web: subject and body, with
punctuation and function words) or cleaned the way many exports are (jieba words
separated by spaces, stop words and punctuation removed). A classifier must see the
same thing in both cases, so every text is reduced to its *key* before features:

- NFKC folding and lower case;
- everything that is not a letter or digit removed (whitespace, punctuation, symbols),
  which also erases the spaces of segmented text;
- Latin letters and digits removed: place codes, dates and amounts say little about the
  kind of matter, and cleaning lists often drop some of them (single digits, "A" of
  "A市") but not others ("A3", "2019"), which no character rule could reproduce;
- the function words of the stop list (data/stopwords_zh.txt) removed, longer words
  first, then single function characters wherever they occur.

The key of a raw message and the key of its jieba-cleaned form are the same string
whenever the cleaning used this stop list, and differ only by the odd word when it used
another list, because words a list removes leave nothing behind in either form. It is
plain string work (one regular expression, two `str.translate` passes), so it keeps
bulk classification far above jieba's ~600 messages a second.

`clean` is that jieba cleaning itself, for exporting text in the same shape as the
training data people have, and for measuring that the key is indeed invariant to it.
"""

from __future__ import annotations

import functools
import logging
import re
import sys
import threading
import unicodedata
from pathlib import Path

_WHITESPACE = re.compile(r"[\s\x00]+")
STOPWORDS_FILE = Path(__file__).with_name("data") / "stopwords_zh.txt"


def normalize(text) -> str:
    """The first representation: NFKC, whitespace removed (models trained before the key keep using it)."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFKC", str(text))
    return _WHITESPACE.sub("", text).lower()


def read_word_list(path: Path) -> frozenset[str]:
    """Words of a list file: whitespace-separated, '#' starts a comment, NFKC-folded and lower-cased."""
    words: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0]
        words.update(unicodedata.normalize("NFKC", w).lower() for w in line.split())
    return frozenset(words)


@functools.cache
def stopwords() -> frozenset[str]:
    return read_word_list(STOPWORDS_FILE)


def _trie_pattern(words) -> str:
    """A regular expression matching any of `words`, factored by common prefixes (longest match first)."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node) -> str:
        ends = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return build(trie)



_NOT_ALNUM = re.compile(r"[\W_]+")


@functools.cache
def _stop_patterns() -> tuple[re.Pattern, re.Pattern]:
    """(whole stop words, longest first and factored by prefix; single stop characters, Latin letters and digits).

    Removing the words first and then the characters gives the same string as one
    alternation of both would (a word is tried first at every position either way), but
    each pass is faster: the word pattern begins with a set of literal first characters,
    which the regular expression engine scans for, and the second is one character set.
    """
    words = stopwords()
    singles = {w for w in words if len(w) == 1}
    # A word made only of stop characters vanishes with them; the word pass needs only the others.
    multi = sorted(w for w in words if len(w) > 1 and not set(w) <= singles)
    word_pattern = re.compile(_trie_pattern(multi) if multi else r"(?!)")
    # single stop characters, and Latin letters and digits (see the module doc)
    char_pattern = re.compile("[" + re.escape("".join(sorted(singles))) + "0-9a-z]+")
    return word_pattern, char_pattern


def key(text) -> str:
    """The representation classifiers see: the same for a raw message and its cleaned form (see the module doc)."""
    if text is None:
        return ""
    text = _NOT_ALNUM.sub("", str(text))
    if not unicodedata.is_normalized("NFKC", text):  # full-width letters and digits, compatibility forms
        text = _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", text))
    word_pattern, char_pattern = _stop_patterns()
    return char_pattern.sub("", word_pattern.sub("", text.lower()))


_jieba = None
_jieba_lock = threading.Lock()


def segmenter():
    """jieba, initialised once per process with its logger quietened.

    The dictionary (dict.txt, ~5 MB) ships inside the jieba wheel, so nothing is
    downloaded; the first call builds a prefix dictionary (~1 s, cached by jieba
    in the temp directory) and later calls reuse it.
    """
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                logging.getLogger("jieba").setLevel(logging.WARNING)
                jieba.initialize()
                _jieba = jieba
    return _jieba


def words(text: str) -> list[str]:
    """jieba words of a normalised text (precise mode)."""
    return segmenter().lcut(text, HMM=True)


def content_words(text, extra_stopwords: frozenset[str] = frozenset()) -> list[str]:
    """jieba words of a raw text without stop words, punctuation or whitespace (NFKC-folded, lower-cased)."""
    if text is None:
        return []
    folded = unicodedata.normalize("NFKC", str(text)).lower()
    stop = stopwords()
    return [
        w for w in segmenter().lcut(folded, HMM=True)
        if w not in stop and w not in extra_stopwords and any(ch.isalnum() for ch in w)
    ]


def clean(text) -> str:
    """The cleaning many exports had: jieba words, stop words and punctuation removed, joined by spaces (slow)."""
    return " ".join(content_words(text))
