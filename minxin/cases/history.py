"""Bulk loading of cases that already happened: the one path for demo data and legacy imports.

Live work goes through the per-action services, one transition at a time. History is
different: the whole life of a case is known up front, so we insert the projection
(the Case row), its parties, routings and the complete hash-chained audit trail in a
few multi-row INSERTs per batch. Everything that loads history in bulk — the demo
city (`manage.py demo`) and importers of a predecessor system's cases — must come
through `load_historical_cases`, so the audit chain is always built the same way and
`manage.py audit verify` holds for loaded data too.

Callers describe each case with plain records (`HistoricalCase`); the loader encrypts
personal data, fills blind indexes and masks, chains the events and writes.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, connections, router, transaction
from django.utils.translation import gettext as _

from minxin.cases.audit import build_event
from minxin.cases.models import Case, CaseEvent, CaseParty, CaseRouting, Petitioner
from minxin.core import crypto, identity
from minxin.core.errors import ValidationFailed

MAX_REPRESENTATIVES = 5  # 信访工作条例 第二十条第三款


@dataclass(eq=False)
class PetitionerRecord:
    """A petitioner in clear text. `pk` is filled once stored, so later cases can reuse the record."""

    name: str
    id_number: str = ""
    phone: str = ""
    address: str = ""
    nationality: str = "中国"
    pk: int | None = None


@dataclass
class PartyRecord:
    petitioner: PetitionerRecord
    is_representative: bool = False


@dataclass
class RoutingRecord:
    unit_id: int
    kind: str
    at: dt.datetime


@dataclass
class EventRecord:
    at: dt.datetime
    action: str
    actor: object = None  # a Staff (with its user loaded) or None for the system
    from_state: str = ""
    to_state: str = ""
    payload: dict = field(default_factory=dict)


@dataclass
class HistoricalCase:
    case: Case  # unsaved; pk and audit_head are set by the loader
    parties: list[PartyRecord]
    routings: list[RoutingRecord]
    events: list[EventRecord]


def petitioner_row(rec: PetitionerRecord) -> Petitioner:
    """An unsaved Petitioner with personal data encrypted, indexed and masked."""
    return Petitioner(
        name_enc=crypto.encrypt(rec.name),
        id_number_enc=crypto.encrypt(rec.id_number),
        phone_enc=crypto.encrypt(rec.phone),
        address_enc=crypto.encrypt(rec.address),
        id_hash=crypto.blind_index("id", rec.id_number),
        phone_hash=crypto.blind_index("phone", rec.phone),
        name_masked=identity.mask_name(rec.name),
        id_masked=identity.mask_id_number(rec.id_number) if rec.id_number else "",
        phone_masked=identity.mask_phone(rec.phone) if rec.phone else "",
        nationality=rec.nationality,
    )


def _check(item: HistoricalCase) -> None:
    number = item.case.number
    if not item.events:
        raise ValidationFailed(_("历史信访件%(n)s没有办理记录，无法建立审计链") % {"n": number}, fields={"events": _("必填")})
    if any(b.at < a.at for a, b in zip(item.events, item.events[1:])):
        raise ValidationFailed(_("历史信访件%(n)s的办理记录时间倒序") % {"n": number}, fields={"events": _("时间顺序错误")})
    if sum(p.is_representative for p in item.parties) > MAX_REPRESENTATIVES:
        raise ValidationFailed(
            _("历史信访件%(n)s的代表人数超过%(max)d人（信访工作条例第二十条）") % {"n": number, "max": MAX_REPRESENTATIVES},
            fields={"parties": _("代表不得超过5人")},
        )
    if item.case.state != (item.events[-1].to_state or item.case.state):
        raise ValidationFailed(
            _("历史信访件%(n)s的状态与最后一条办理记录不一致") % {"n": number}, fields={"state": _("与办理记录不一致")}
        )
    for rec in (p.petitioner for p in item.parties):
        if rec.id_number and not identity.is_valid_id_number(rec.id_number):
            raise ValidationFailed(_("历史信访件%(n)s中有无效的身份证号码") % {"n": number}, fields={"id_number": _("无效")})


def _allocate_case_ids(n: int) -> list[int] | None:
    """Primary keys for `n` new cases, so event hashes (which cover case_id) can be computed before INSERT.

    None where the database gives us no safe way; the loader then inserts first and
    updates `audit_head` afterwards.
    """
    table, col = Case._meta.db_table, Case._meta.pk.column
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # nextval is safe under concurrency: other writers never get these ids.
            cur.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, col, n])
            return [row[0] for row in cur.fetchall()]
        if connection.vendor == "sqlite":
            # SQLite has a single writer and we hold the write lock (BEGIN IMMEDIATE) inside
            # the atomic block, so max+1 cannot race; sqlite_sequence keeps AUTOINCREMENT from
            # handing out the id of a deleted row again.
            cur.execute(f'SELECT COALESCE(MAX("{col}"), 0) FROM "{table}"')
            top = cur.fetchone()[0]
            cur.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cur.fetchone()
            top = max(top, row[0] if row else 0)
            return list(range(top + 1, top + 1 + n))
    return None


@transaction.atomic
def load_historical_cases(batch: Iterable[HistoricalCase]) -> list[Case]:
    """Insert one batch of finished or in-flight historical cases with their full audit chain.

    The batch is validated first; a bad record raises ValidationFailed and nothing of the
    batch is written. Petitioner records already stored (pk set) are reused, so a repeat
    petitioner is one row across cases and batches.
    """
    items = list(batch)
    if not items:
        return []
    for item in items:
        _check(item)

    new_people: dict[int, PetitionerRecord] = {}
    for item in items:
        for party in item.parties:
            if party.petitioner.pk is None:
                new_people.setdefault(id(party.petitioner), party.petitioner)
    people = list(new_people.values())
    for rec, row in zip(people, Petitioner.objects.bulk_create([petitioner_row(r) for r in people]), strict=True):
        rec.pk = row.pk

    cases = [item.case for item in items]
    ids = _allocate_case_ids(len(cases))
    if ids is not None:
        for case, pk in zip(cases, ids, strict=True):
            case.pk = case.id = pk
        events = _chain_events(items)
        _insert_rows(Case, cases, with_pk=True)
    else:
        Case.objects.bulk_create(cases)
        events = _chain_events(items)
        Case.objects.bulk_update(cases, ["audit_head"], batch_size=500)

    _insert_rows(
        CaseParty,
        [CaseParty(case=item.case, petitioner_id=p.petitioner.pk, is_representative=p.is_representative) for item in items for p in item.parties],
    )
    _insert_rows(CaseRouting, [CaseRouting(case=item.case, unit_id=r.unit_id, kind=r.kind, at=r.at) for item in items for r in item.routings])
    _insert_rows(CaseEvent, events)
    return cases


def _insert_rows(model, objs: list, *, with_pk: bool = False) -> None:
    """Plain INSERTs (COPY on PostgreSQL) with each value prepared by its field, as bulk_create would.

    bulk_create compiles one giant multi-row statement per chunk; at 2,000 cases a batch
    (~10 rows each) that compilation cost more than the database work. Rows whose
    primary key the caller does not need go through here instead.
    """
    if not objs:
        return
    conn = connections[router.db_for_write(model)]  # the wrapper itself: the `connection` proxy costs a lookup per value
    fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
    qn = conn.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    if conn.vendor == "postgresql":
        # COPY skips SQL parsing on both sides: the fastest way into PostgreSQL.
        with conn.cursor() as cur, cur.cursor.copy(f"COPY {qn(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), conn) for f in fields])
        return
    # SQLite (and others): one prepared statement, many rows; no giant SQL text to build or cache.
    sql = f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
    with conn.cursor() as cur:
        cur.executemany(sql, [[f.get_db_prep_save(f.pre_save(obj, True), conn) for f in fields] for obj in objs])


def _chain_events(items: list[HistoricalCase]) -> list[CaseEvent]:
    rows: list[CaseEvent] = []
    for item in items:
        prev = ""
        for seq, ev in enumerate(item.events, start=1):
            row = build_event(
                item.case, seq=seq, prev_hash=prev, at=ev.at, actor=ev.actor, action=ev.action,
                from_state=ev.from_state, to_state=ev.to_state, payload=ev.payload,
            )
            rows.append(row)
            prev = row.hash
        item.case.audit_head = prev
    return rows
