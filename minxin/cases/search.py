"""The staff search box: one query over a case's text, its place and units, and its petitioners.

    search(qs, "拆迁 补偿")   → the cases of `qs` that match, best first

`qs` is already scoped by the one policy (Case.objects.visible_to(staff), through the
workbench and API lists), so search never widens what someone may see.

What matches:
- the words of number, subject, content, request, facts and reasons, the place (area with
  its ancestors) and the registering and current unit: each space-separated term must
  occur as written (a phrase of character bigrams, cases/searchdoc.py);
- the case number exactly;
- a petitioner's full name, phone or ID number exactly, through the blind indexes
  (Petitioner.name_hash / phone_hash / id_hash): the query is hashed, nothing is decrypted.

Ranking: exact hits (number, petitioner) first, then ts_rank over the weighted bigrams
(subject above place above content) on PostgreSQL, newest received first as tie-break.
Only the newest RANKED_MATCHES text matches (by received time) are ranked and listed: the
lists stop at as many rows anyway, and ranking every match of a common word costs seconds
at a million cases.
On SQLite (development) the bigram tokens are matched with LIKE, without phrase order,
and ranked exact hits first, then subject hits.
"""

from __future__ import annotations

from django.db import connections, router
from django.db.models import BooleanField, ExpressionWrapper, F, FloatField, Func, Q, Value, When
from django.db.models import Case as CaseWhen
from django.db.models.lookups import Lookup

from minxin.cases.models import Case, CaseParty, Petitioner
from minxin.cases.searchdoc import SearchDocumentField, runs, run_tokens
from minxin.core import crypto

MAX_QUERY_CHARS = 100
MAX_TERMS = 8
MAX_IDENTITY_CASES = 1000  # one person's cases: far beyond any real petitioner
RANKED_MATCHES = 1000  # text matches ranked, newest first (= queries.MAX_SEARCH_ROWS, the longest list shown)


def _quote(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def parse(q: str) -> list[list[tuple[str, bool]]]:
    """Per space-separated term, its tokens as (token, is_prefix)."""
    terms = []
    for raw in (q or "")[:MAX_QUERY_CHARS].split()[:MAX_TERMS]:
        toks: list[tuple[str, bool]] = []
        parts = runs(raw)
        for i, (run, chinese) in enumerate(parts):
            last = i == len(parts) - 1
            if chinese and len(run) == 1:
                toks.append((run, True))  # one character: any bigram starting with it
            elif chinese:
                toks.extend((t, False) for t in run_tokens(run, True))
            else:
                toks.append((run, last))  # the last Latin/digit run may be the start of a longer one
        if toks:
            terms.append(toks)
    return terms


def tsquery(terms) -> str:
    """`('信访' <-> '访人') & ('2026':*)`: every term a phrase, all terms required."""
    return " & ".join(
        "(" + " <-> ".join(_quote(t) + (":*" if prefix else "") for t, prefix in toks) + ")" for toks in terms
    )


@SearchDocumentField.register_lookup
class Matches(Lookup):
    """search_document @@ tsquery on PostgreSQL; every token present (LIKE) elsewhere."""

    lookup_name = "matches"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        terms = self.rhs
        if connection.vendor == "postgresql":
            return f"{lhs} @@ %s::tsquery", [*lhs_params, tsquery(terms)]
        parts, params = [], []
        for toks in terms:
            for tok, prefix in toks:
                parts.append(f"{lhs} LIKE %s ESCAPE '\\'")
                esc = tok.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                params.extend([*lhs_params, f"%'{esc}{'' if prefix else chr(39)}%"])
        return "(" + " AND ".join(parts or ["1=0"]) + ")", params

    def get_prep_lookup(self):
        return self.rhs

    def get_db_prep_lookup(self, value, connection):
        return "%s", [value]


class TsRank(Func):
    output_field = FloatField()

    def __init__(self, terms):
        self.terms = terms
        super().__init__(F("search_document"))

    def as_sql(self, compiler, connection, **extra):
        lhs, params = compiler.compile(self.source_expressions[0])
        return f"ts_rank({lhs}, %s::tsquery)", [*params, tsquery(self.terms)]

    def as_sqlite(self, compiler, connection, **extra):
        return "0.0", []


def identity_case_ids(q: str) -> list[int]:
    """Cases of the petitioners whose full name, phone or ID number is exactly `q` (blind indexes)."""
    value = "".join((q or "").split())
    if not value or len(value) > 32:
        return []
    hashes = Q(name_hash=crypto.blind_index("name", value))
    if any(ch.isdigit() for ch in value):
        hashes |= Q(phone_hash=crypto.blind_index("phone", value)) | Q(id_hash=crypto.blind_index("id", value.upper()))
    people = Petitioner.objects.filter(hashes).values("pk")
    return list(CaseParty.objects.filter(petitioner_id__in=people).values_list("case_id", flat=True)[:MAX_IDENTITY_CASES])


def newest_matches(qs, terms):
    """The ids of the newest RANKED_MATCHES cases of `qs` whose text matches (received time, then id)."""
    return qs.filter(search_document__matches=terms).order_by("-received_at", "-pk").values_list("pk", flat=True)[:RANKED_MATCHES]


def search(qs, q: str):
    """The cases of `qs` matching `q`, best first (see module docstring); `qs` unchanged for a blank query."""
    q = (q or "").strip()[:MAX_QUERY_CHARS]
    if not q:
        return qs
    terms = parse(q)
    exact_ids = identity_case_ids(q)
    exact = Q(number=q) | Q(pk__in=exact_ids) if exact_ids else Q(number=q)
    if terms:
        # Only the newest RANKED_MATCHES text matches are ranked: ranking reads every match's document,
        # and a common word matches a tenth of a city's million cases; lists show at most that many.
        # Read first (a backward scan of the received-time index that stops there), then the page's
        # query fetches them by primary key: an OR of the match with the exact hits would scan the table.
        newest = list(newest_matches(qs, terms))
        if len(newest) < RANKED_MATCHES:  # that is every match: rank them all, as one indexed OR
            matched = exact | Q(search_document__matches=terms)
        else:
            numbered = list(Case.objects.filter(number=q).values_list("pk", flat=True))
            matched = Q(pk__in=[*newest, *numbered, *exact_ids])
    else:
        matched = exact
    vendor = connections[router.db_for_read(Case)].vendor
    qs = qs.filter(matched).annotate(
        search_exact=ExpressionWrapper(exact, output_field=BooleanField()),
        search_rank=TsRank(terms) if terms and vendor == "postgresql" else
        CaseWhen(When(subject__icontains=q, then=Value(1.0)), default=Value(0.0), output_field=FloatField()),
    )
    return qs.order_by(F("search_exact").desc(), F("search_rank").desc(), F("received_at").desc(), "-pk")
