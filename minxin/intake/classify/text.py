"""Text normalisation shared by training and prediction, and the one jieba instance.

Messages arrive either raw (as typed at the window or on the web) or already
segmented by jieba (words separated by spaces, as in exported history). Removing
all whitespace after NFKC folding makes both forms the same string, so a model
trained on one classifies the other with the same features.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata

_WHITESPACE = re.compile(r"[\s\x00]+")


def normalize(text) -> str:
    if text is None:
        return ""
    text = unicodedata.normalize("NFKC", str(text))
    return _WHITESPACE.sub("", text).lower()


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
