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

import collections
import datetime as dt
import functools
import operator
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.cases.audit import sealed_event_values
from minxin.cases.events import EVENTS, SATISFIED_BY_DECISION, Ctx, apply_clocks
from minxin.cases.models import Case, CaseEvent, CaseParty, CaseRouting, Petitioner
from minxin.cases.searchdoc import documents_for
from minxin.core import crypto, identity
from minxin.core.sealing import Sealer
from minxin.core.errors import ConfigurationMissing, ValidationFailed
from minxin.rules.calendar_db import load_working_calendar
from minxin.rules.deadlines import _apply_resume, _compute_due
from minxin.rules.models import CaseDeadline, DeadlineRule, DeadlineState

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
    from_unit_id: int | None = None  # an imported routing may name the sender and the limit it set
    due_days: int | None = None


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


@functools.cache
def _layout(model) -> tuple[list, frozenset]:
    rows = []
    for f in model._meta.concrete_fields:
        factory = f.get_default if f.has_default() and callable(f.default) else None
        rows.append((f.attname, f if f.is_relation else None, None if factory else f.get_default(), factory))
    names = frozenset(n for f in model._meta.concrete_fields for n in (f.name, f.attname))
    return rows, names


def unsaved(model, **values):
    """`model(**values)` built through Django's positional fast path (the one rows read from the
    database take): a keyword build walks every field through its descriptor, which in the bulk
    paths costs more than the work the object is for. Related objects (`area=…`) set the id and
    are cached as the descriptor would cache them; `<fk>_id=…` sets the id alone."""
    rows, names = _layout(model)
    unknown = values.keys() - names
    if unknown:
        raise TypeError(f"{model.__name__} has no field(s) {', '.join(sorted(unknown))}")
    args, related = [], []
    for attname, relation, default, factory in rows:
        if relation is not None and relation.name in values:
            obj = values[relation.name]
            args.append(None if obj is None else obj.pk)
            if obj is not None:
                related.append((relation, obj))
        elif attname in values:
            args.append(values[attname])
        else:
            args.append(factory() if factory is not None else default)
    instance = model(*args)
    for relation, obj in related:
        relation.set_cached_value(instance, obj)
    return instance


def petitioner_row(rec: PetitionerRecord) -> Petitioner:
    """An unsaved Petitioner with personal data encrypted, indexed and masked."""
    return unsaved(
        Petitioner,
        name_enc=crypto.encrypt(rec.name),
        id_number_enc=crypto.encrypt(rec.id_number),
        phone_enc=crypto.encrypt(rec.phone),
        address_enc=crypto.encrypt(rec.address),
        id_hash=crypto.blind_index("id", rec.id_number),
        name_hash=crypto.blind_index("name", rec.name),
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


def _allocate_ids(model, n: int) -> list[int] | None:
    """Primary keys for `n` new rows, so rows that refer to them (and event hashes, which cover
    case_id) can be built before the INSERT.

    None where the database gives us no safe way; the loader then inserts first and
    updates `audit_head` afterwards.
    """
    table, col = model._meta.db_table, model._meta.pk.column
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


def _number(items: list[HistoricalCase]) -> None:
    """Give each case without a number the next one of its registering unit and year (registration order).

    The same sequence and format as live registration (registration.claim_case_numbers), so
    imported, demo and new cases share one numbering without gaps or collisions. A number a
    legacy system already gave a case is its identity and is kept.
    """
    from minxin.cases.services.registration import claim_case_numbers
    from minxin.org.models import Unit

    todo = sorted((i for i in items if not i.case.number), key=lambda i: i.case.registered_at)
    groups: dict[tuple[int, int], list[HistoricalCase]] = collections.defaultdict(list)
    for item in todo:
        groups[(item.case.registering_unit_id, timezone.localdate(item.case.registered_at).year)].append(item)
    units = Unit.objects.in_bulk({unit_id for unit_id, _year in groups})
    for (unit_id, year), group in groups.items():
        for item, number in zip(group, claim_case_numbers(units[unit_id], year, len(group)), strict=True):
            item.case.number = number


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
    _number(items)
    for item in items:
        _check(item)

    new_people: dict[int, PetitionerRecord] = {}
    for item in items:
        for party in item.parties:
            if party.petitioner.pk is None:
                new_people.setdefault(id(party.petitioner), party.petitioner)
    people = list(new_people.values())
    if people:
        rows = [petitioner_row(r) for r in people]
        ids = _allocate_ids(Petitioner, len(rows))
        if ids is not None:
            for row, pk in zip(rows, ids, strict=True):
                row.pk = pk
            _insert_rows(Petitioner, rows, with_pk=True)
        else:
            rows = Petitioner.objects.bulk_create(rows)
        for rec, row in zip(people, rows, strict=True):
            rec.pk = row.pk

    # Clocks before the Case INSERT: next_due_on is part of the projection row.
    clocks = _derive_clocks(items)

    cases = [item.case for item in items]
    documents_for(cases)  # search documents for the whole batch with a few queries, not per case
    ids = _allocate_ids(Case, len(cases))
    if ids is not None:
        for case, pk in zip(cases, ids, strict=True):
            case.pk = case.id = pk
        events = _chain_events(items)
        _insert_rows(Case, cases, with_pk=True)
    else:
        Case.objects.bulk_create(cases)
        events = _chain_events(items)
        Case.objects.bulk_update(cases, ["audit_head"], batch_size=500)

    insert_tuples(CaseParty, ["case", "petitioner", "is_representative"],
                  [(item.case.pk, p.petitioner.pk, p.is_representative) for item in items for p in item.parties])
    insert_tuples(CaseRouting, ["case", "unit", "kind", "at", "from_unit", "due_days"],
                  [(item.case.pk, r.unit_id, r.kind, r.at, r.from_unit_id, r.due_days) for item in items for r in item.routings])
    insert_tuples(CaseEvent, _EVENT_COLUMNS, events)
    for case, rows in clocks:
        for dl in rows:
            dl.case_id = case.pk
    _insert_rows(CaseDeadline, [dl for _case, rows in clocks for dl in rows])
    return cases


def _exactly(*types):
    return lambda v: type(v) in types


# Values PostgreSQL's COPY takes as they are, by field type: exactly the type the field's own
# preparation would return. Anything else (a choices enum, a lazy string, a naive datetime, a
# datetime in a DateField …) goes through the field, as bulk_create would send it.
_PLAIN = {
    **dict.fromkeys(("CharField", "TextField", "SlugField"), _exactly(str)),
    **dict.fromkeys(("PositiveIntegerField", "PositiveSmallIntegerField", "IntegerField", "SmallIntegerField",
                     "BigIntegerField", "AutoField", "BigAutoField", "ForeignKey", "OneToOneField"), _exactly(int)),
    "BooleanField": _exactly(bool), "BinaryField": _exactly(bytes), "DateField": _exactly(dt.date),
    "DateTimeField": lambda v: type(v) is dt.datetime and v.tzinfo is not None,
}


def _prepare(fields: list, conn):
    """A function from a model instance to its row of database values, as bulk_create would prepare them.

    On PostgreSQL a value that `_PLAIN` accepts is passed as it is; the field runs only for the
    rest, and always for fields that compute their value when saved (auto_now, the search document).
    """
    from django.db.models.fields import DateField, DateTimeField, Field

    names = [f.attname for f in fields]
    getter = operator.attrgetter(*names) if len(names) > 1 else (lambda obj, _g=operator.attrgetter(names[0]): (_g(obj),))
    checks = []
    for f in fields:
        computed = bool(getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
                        or type(f).pre_save not in (Field.pre_save, DateField.pre_save, DateTimeField.pre_save))
        plain = None if computed or conn.vendor != "postgresql" else _PLAIN.get(f.get_internal_type())
        checks.append((f, computed, plain))

    def row(obj) -> list:
        values = list(getter(obj))
        for i, (f, computed, plain) in enumerate(checks):
            if computed:
                values[i] = f.get_db_prep_save(f.pre_save(obj, True), conn)
            elif values[i] is not None and (plain is None or not plain(values[i])):
                values[i] = f.get_db_prep_save(values[i], conn)
        return values

    return row


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
    row = _prepare(fields, conn)
    _write(conn, model, [f.column for f in fields], (row(obj) for obj in objs))


def insert_tuples(model, names: list[str], rows: Iterable[tuple]) -> None:
    """Rows given as tuples of the named fields' values (no model objects: the bulk paths' cheapest form).

    Values must already be what the field stores (ids for foreign keys, aware datetimes, JSON
    as text); on SQLite each still goes through its field's preparation.
    """
    conn = connections[router.db_for_write(model)]
    fields = [model._meta.get_field(n) for n in names]
    if conn.vendor != "postgresql":
        rows = ([f.get_db_prep_save(v, conn) if f.get_internal_type() != "JSONField" else v for f, v in zip(fields, r)]
                for r in rows)
    _write(conn, model, [f.column for f in fields], rows)


def _write(conn, model, columns: list[str], rows: Iterable) -> None:
    qn = conn.ops.quote_name
    table, names = qn(model._meta.db_table), ", ".join(qn(c) for c in columns)
    if conn.vendor == "postgresql":
        # COPY skips SQL parsing on both sides: the fastest way into PostgreSQL.
        with conn.cursor() as cur, cur.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for values in rows:
                copy.write_row(values)
        return
    # SQLite (and others): one prepared statement, many rows; no giant SQL text to build or cache.
    with conn.cursor() as cur:
        cur.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})", list(rows))


_EVENT_COLUMNS = ["case", "seq", "at", "actor", "actor_label", "action", "from_state", "to_state", "payload", "prev_hash",
                  "hash", "key_id"]


def _chain_events(items: list[HistoricalCase]) -> list[tuple]:
    """The CaseEvent rows of the batch (as `_EVENT_COLUMNS` tuples), each sealed after the one before."""
    rows: list[tuple] = []
    seal = functools.partial(sealed_event_values, sealer=Sealer())
    for item in items:
        prev = ""
        case_id = item.case.pk
        for seq, ev in enumerate(item.events, start=1):
            actor = ev.actor
            actor_id = actor.pk if actor is not None else None
            text, key_id, digest = seal(case_id=case_id, seq=seq, prev_hash=prev, at=ev.at, actor_id=actor_id,
                                        action=ev.action, from_state=ev.from_state, to_state=ev.to_state, payload=ev.payload)
            rows.append((case_id, seq, ev.at, actor_id, str(actor.display_name) if actor is not None else "", ev.action,
                         ev.from_state, ev.to_state, text, prev, digest, key_id))
            prev = digest
        item.case.audit_head = prev
    return rows


# -- deadline clocks ----------------------------------------------------------------
#
# What each action does to a case's clocks is declared once, in the event registry
# (minxin.cases.events); the live services apply it through LiveClocks, the replay
# below through _CaseClocks, so a loaded case carries the CaseDeadline rows a live one would.


def _as_day(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


class _ClockBook:
    """The clocks of one batch: rules and the working calendar are read once, not per clock."""

    def __init__(self):
        self.cal = load_working_calendar()
        self.rules: dict[str, list[DeadlineRule]] = {}
        for rule in DeadlineRule.objects.filter(is_active=True).select_related("area"):
            self.rules.setdefault(rule.code, []).append(rule)
        self.resolved: dict[tuple, DeadlineRule] = {}

    def rule(self, code: str, area, on: dt.date) -> DeadlineRule:
        # Same choice as minxin.rules.selectors.resolve_rule, without a query per clock.
        key = (code, area.pk, on)
        if key not in self.resolved:
            candidates = [
                r for r in self.rules.get(code, ())
                if r.effective_from <= on and (r.effective_to is None or r.effective_to >= on) and r.applies_to(area)
            ]
            if not candidates:
                raise ConfigurationMissing(
                    _("没有适用于“%(area)s”在%(date)s生效的期限规则“%(code)s”，请系统管理员在“规则与日历 › 期限规则”中配置。")
                    % {"area": area.name, "date": on.isoformat(), "code": code}
                )
            self.resolved[key] = max(candidates, key=lambda r: (r.specificity(), r.effective_from, r.pk))
        return self.resolved[key]


class _Clock:
    """A CaseDeadline row being replayed: its columns and nothing else (a model instance per clock cost
    more than the replay). `_insert_rows` writes it as it writes model instances."""

    __slots__ = ("id", "case_id", "rule_id", "code", "started_on", "due_on", "amount", "unit", "state", "completed_at",
                 "extended_days", "extension_reason", "extension_approved_by_id", "extended_at", "paused_at",
                 "paused_days", "provisional", "created_at")

    def __init__(self, *, case_id, rule_id, code, started_on, amount, unit, created_at):
        self.id, self.case_id, self.rule_id, self.code = None, case_id, rule_id, code
        self.started_on, self.due_on, self.amount, self.unit = started_on, None, amount, unit
        self.state, self.completed_at, self.created_at = DeadlineState.RUNNING, None, created_at
        self.extended_days, self.extension_reason, self.extension_approved_by_id, self.extended_at = 0, "", None, None
        self.paused_at, self.paused_days, self.provisional = None, 0, False


class _CaseClocks:
    def __init__(self, book: _ClockBook, case: Case):
        self.book, self.case = book, case
        self.rows: list[_Clock] = []
        self.running: dict[str, _Clock] = {}
        self.at: dt.datetime | None = None

    def start(self, code: str, *, on, amount: int | None = None) -> _Clock:
        on, at = _as_day(on), self.at
        rule = self.book.rule(code, self.case.area, on)
        amount = rule.amount if amount is None else amount
        if amount is None or amount < 1:
            raise ValidationFailed(
                _("历史信访件%(n)s的“%(rule)s”期限缺少指定办理期限") % {"n": self.case.number, "rule": rule.name},
                fields={"amount": _("必填")},
            )
        self.cancel(code, at=at)
        dl = _Clock(case_id=self.case.pk, rule_id=rule.pk, code=code, started_on=on, amount=amount, unit=rule.unit,
                    created_at=at)
        dl.due_on = _compute_due(self.book.cal, dl)
        self.rows.append(dl)
        self.running[code] = dl
        return dl

    def complete(self, code: str, *, at: dt.datetime) -> _Clock | None:
        dl = self.running.pop(code, None)
        if dl is not None:
            done_on = _as_day(at)
            if dl.paused_at is not None:  # as rules.deadlines.complete_deadline: the pause counts in its favour
                self.resume(code, on=max(done_on, dl.paused_at), dl=dl)
            dl.state = DeadlineState.MET if done_on <= dl.due_on else DeadlineState.MISSED
            dl.completed_at = at
        return dl

    def cancel(self, code: str, *, at: dt.datetime) -> _Clock | None:
        dl = self.running.pop(code, None)
        if dl is not None:
            dl.state = DeadlineState.CANCELLED
            dl.completed_at = at
        return dl

    def stop_all(self, *, at: dt.datetime) -> None:
        for code in sorted(self.running):
            (self.complete if code in SATISFIED_BY_DECISION else self.cancel)(code, at=at)

    def extend(self, code: str, *, days, reason: str, approved_by, at: dt.datetime) -> _Clock | None:
        dl = self.running.get(code)
        if dl is not None and days:
            dl.extended_days = int(days)
            dl.extension_reason = reason or ""
            dl.extension_approved_by_id = getattr(approved_by, "pk", None)
            dl.extended_at = at
            dl.due_on = max(dl.due_on, _compute_due(self.book.cal, dl))
        return dl

    def pause(self, code: str, *, on) -> _Clock | None:
        dl = self.running.get(code)
        if dl is None or dl.paused_at is not None:
            return None
        dl.paused_at = _as_day(on)
        return dl

    def resume(self, code: str, *, on, dl: _Clock | None = None) -> _Clock | None:
        dl = dl or self.running.get(code)
        if dl is None or dl.paused_at is None:
            return None
        _apply_resume(dl, on=_as_day(on), cal=self.book.cal)
        return dl

    def apply(self, ev: EventRecord) -> None:
        if ev.action not in EVENTS:
            raise ValidationFailed(
                _("历史信访件%(n)s的办理记录含有未知动作“%(a)s”") % {"n": self.case.number, "a": ev.action}, fields={"events": _("未知动作")}
            )
        self.at = ev.at
        ctx = Ctx(case=self.case, payload=ev.payload or {}, from_state=ev.from_state, to_state=ev.to_state,
                  on=_as_day(ev.at), at=ev.at, actor=ev.actor)
        apply_clocks(ev.action, self, ctx)


def _derive_clocks(items: list[HistoricalCase]) -> list[tuple[Case, list[_Clock]]]:
    """Every clock of every case in the batch, replayed from its events; sets Case.next_due_on.

    next_due_on is the earliest due day of the clocks still running (None if none), the
    same value rules.deadlines.refresh_next_due keeps for live cases, so whatever the
    caller put there is replaced. The clocks' case_id is filled once the cases have ids.
    """
    book = _ClockBook()
    out = []
    for item in items:
        clocks = _CaseClocks(book, item.case)
        for ev in item.events:
            clocks.apply(ev)
        item.case.next_due_on = min((dl.due_on for dl in clocks.running.values() if dl.paused_at is None), default=None)
        out.append((item.case, clocks.rows))
    return out
