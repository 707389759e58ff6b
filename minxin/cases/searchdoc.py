"""The full-text search document of a case: character bigrams with positions and weights.

Chinese has no spaces between words, and PostgreSQL's text search parsers know no
Chinese. We cut text ourselves, the same way for what is stored and what is asked:

- a run of Chinese characters becomes its overlapping character bigrams
  (信访人 → 信访, 访人); a run of one character stays that character;
- a run of Latin letters or digits (after NFKC, lower-cased) is one token;
- every token gets its position, so a query run becomes a phrase (信访 <-> 访人) and
  matches exactly where the stored text has that substring;
- weights: A = case number and subject, B = place and units, C = content, request,
  facts and reasons (ts_rank favours a hit in the subject).

The result is written as a `tsvector` literal (`'信访':1A '访人':2A …`): on PostgreSQL the
column is a `tsvector` with a GIN index (built-in, no extension), on SQLite the same text
is kept in a TEXT column and matched token by token (the development fallback).

The document is computed when the row is written (`SearchDocumentField.pre_save`, which
also covers bulk_create and the COPY path of cases.history) and refreshed by the
lifecycle service when a transition changes a searched field (cases.services.common.finish).
Personal data of petitioners is never put into it: names, phones and ID numbers are
searched through their blind indexes only.
"""

from __future__ import annotations

import re
import unicodedata

from django.db import models

# CJK unified ideographs (+ extension A and compatibility ideographs); Latin letters and digits.
_RUN = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)|([0-9a-z]+)")
MAX_POSITION = 16383  # PostgreSQL's limit for a position in a tsvector
MAX_POSITIONS_PER_TOKEN = 255
MAX_TOKEN = 100

SEARCHED_FIELDS = frozenset(
    {"number", "subject", "content", "request", "facts", "reasons", "area", "area_id", "current_unit", "current_unit_id",
     "registering_unit", "registering_unit_id"}
)


def runs(text: str) -> list[tuple[str, bool]]:
    """(run, is_chinese) for every run of Chinese characters or of Latin letters/digits."""
    text = text or ""
    norm = (text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)).lower()
    return [(m.group(1), True) if m.group(1) else (m.group(2)[:MAX_TOKEN], False) for m in _RUN.finditer(norm)]


def run_tokens(run: str, chinese: bool) -> list[str]:
    if not chinese or len(run) == 1:
        return [run]
    return [run[i:i + 2] for i in range(len(run) - 1)]


def tokens(text: str) -> list[str]:
    return [tok for run, chinese in runs(text) for tok in run_tokens(run, chinese)]


def _quote(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def document(sections: list[tuple[str, str]]) -> str:
    """tsvector literal for [(weight, text), …]; positions run on across sections."""
    positions: dict[str, list[str]] = {}
    get = positions.get
    pos = 0
    for weight, text in sections:
        if not text:
            continue
        for run, chinese in runs(text):
            for tok in (run[i:i + 2] for i in range(len(run) - 1)) if chinese and len(run) > 1 else (run,):
                if pos < MAX_POSITION:
                    pos += 1
                seen = get(tok)
                if seen is None:
                    positions[tok] = [f"{pos}{weight}"]
                elif len(seen) < MAX_POSITIONS_PER_TOKEN:
                    seen.append(f"{pos}{weight}")
    # Tokens are runs of CJK characters or [0-9a-z] (see _RUN), so they never need escaping
    # inside the quotes; _quote stays for anything else.
    plain = _PLAIN_TOKEN.match
    return " ".join([f"'{tok}':{','.join(p)}" if plain(tok) else f"{_quote(tok)}:{','.join(p)}"
                     for tok, p in positions.items()])


_PLAIN_TOKEN = re.compile(r"[^'\\]*\Z")


def case_sections(values: dict, places: str, units: str) -> list[tuple[str, str]]:
    return [
        ("A", values.get("number") or ""), ("A", values.get("subject") or ""),
        ("B", places), ("B", units),
        ("C", values.get("content") or ""), ("C", values.get("request") or ""),
        ("C", values.get("facts") or ""), ("C", values.get("reasons") or ""),
    ]


class NameBook:
    """Names of areas (with their ancestors) and units by id, fetched in bulk for many cases at once."""

    def __init__(self, area_ids, unit_ids, *, area_model=None, unit_model=None):
        from minxin.org.models import Area, Unit

        Area, Unit = area_model or Area, unit_model or Unit  # migrations pass their historical models

        areas = dict(Area.objects.filter(pk__in=set(area_ids)).values_list("pk", "path"))
        ancestor_ids = {int(p) for path in areas.values() for p in path.strip("/").split("/") if p}
        names = dict(Area.objects.filter(pk__in=ancestor_ids | set(areas)).values_list("pk", "name"))
        self.places = {
            pk: " ".join(names.get(int(p), "") for p in path.strip("/").split("/") if p) for pk, path in areas.items()
        }
        self.units = {pk: f"{name} {short}" for pk, name, short in
                      Unit.objects.filter(pk__in={u for u in unit_ids if u}).values_list("pk", "name", "short_name")}

    def case_document(self, values: dict) -> str:
        unit_ids = dict.fromkeys(u for u in (values.get("registering_unit_id"), values.get("current_unit_id")) if u)
        units = " ".join(self.units.get(u, "") for u in unit_ids)
        return document(case_sections(values, self.places.get(values.get("area_id"), ""), units))


CASE_VALUES = ("number", "subject", "content", "request", "facts", "reasons", "area_id", "current_unit_id",
               "registering_unit_id")


def case_values(case) -> dict:
    return {name: getattr(case, name) for name in CASE_VALUES}


def documents_for(cases) -> None:
    """Compute the search documents of many unsaved or stale cases with two or three queries (bulk paths)."""
    cases = list(cases)
    book = NameBook([c.area_id for c in cases], [u for c in cases for u in (c.registering_unit_id, c.current_unit_id)])
    for case in cases:
        case.search_document = book.case_document(case_values(case))
        case._search_document_ready = True


def document_for(case) -> str:
    return NameBook([case.area_id], [case.registering_unit_id, case.current_unit_id]).case_document(case_values(case))


class SearchDocumentField(models.TextField):
    """`tsvector` on PostgreSQL, TEXT elsewhere; filled from the case itself whenever the row is written."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for key, value in (("blank", True), ("default", ""), ("editable", False)):
            if kwargs.get(key, value) == value:
                kwargs.pop(key, None)
        return name, path, args, kwargs

    def db_type(self, connection):
        return "tsvector" if connection.vendor == "postgresql" else "text"

    def get_placeholder_sql(self, value, compiler, connection):
        if hasattr(value, "as_sql"):
            return compiler.compile(value)
        return ("%s::tsvector" if connection.vendor == "postgresql" else "%s"), (value,)

    def pre_save(self, model_instance, add):
        if getattr(model_instance, "_search_document_ready", False):
            model_instance._search_document_ready = False
            return getattr(model_instance, self.attname)
        value = document_for(model_instance)
        setattr(model_instance, self.attname, value)
        return value


def reindex(case_model, area_model=None, unit_model=None, *, chunk: int = 2000, using: str = "default") -> int:
    """Recompute every case's search document (after a migration, or units renamed); returns the count."""
    from django.db import connections

    conn = connections[using]
    table, qn = case_model._meta.db_table, conn.ops.quote_name
    cast = "::tsvector" if conn.vendor == "postgresql" else ""
    sql = f"UPDATE {qn(table)} SET {qn('search_document')} = %s{cast} WHERE {qn('id')} = %s"
    done, last = 0, 0
    while True:
        rows = list(case_model.objects.using(using).filter(pk__gt=last).order_by("pk").values("pk", *CASE_VALUES)[:chunk])
        if not rows:
            return done
        book = NameBook([r["area_id"] for r in rows], [u for r in rows for u in (r["registering_unit_id"], r["current_unit_id"])],
                        area_model=area_model, unit_model=unit_model)
        with conn.cursor() as cur:
            cur.executemany(sql, [(book.case_document(r), r["pk"]) for r in rows])
        done += len(rows)
        last = rows[-1]["pk"]
