"""Finding lexicon phrases in a draft's fields, with positions, for hints and escalation signals."""

from __future__ import annotations

import unicodedata

FIELD_LABELS = {"subject": "标题", "content": "信访内容", "request": "请求", "facts": "事实", "reasons": "理由"}


def fold(text: str) -> str:
    # NFKC only: positions stay those of the text the registrar typed (full-width forms fold 1:1).
    return unicodedata.normalize("NFKC", text or "")


def find_phrases(fields: dict, phrases: list) -> list[dict]:
    """Every occurrence of each phrase: field, start offset, end offset, the phrase row.

    A phrase contained in a longer phrase found at the same place (仲裁 inside 劳动仲裁)
    is not counted twice.
    """
    hits = []
    ordered = sorted(phrases, key=lambda p: -len(p.phrase))
    for field, label in FIELD_LABELS.items():
        text = fold(fields.get(field) or "")
        if not text:
            continue
        taken: list[tuple[int, int]] = []
        for row in ordered:
            needle = fold(row.phrase)
            start = text.find(needle)
            while start != -1:
                end = start + len(needle)
                if not any(s <= start and end <= e for s, e in taken):
                    taken.append((start, end))
                    hits.append({"field": field, "field_label": label, "start": start, "end": end, "row": row})
                start = text.find(needle, end)
    return hits
