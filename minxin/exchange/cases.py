"""Historical cases in and out of Excel: one workbook, four sheets, the same for template, import and export.

    信访事项   one row per case (its projection: state, units, dates, route, result)
    信访人     the case's petitioners (name, ID number, phone, address, representative)
    流转记录   its routings (转送, 交办, 复查, 复核 …: time, receiving unit)
    办理过程   its events in order (time, action, from → to state, who, details as JSON)

Rows of the last three sheets refer to their case by 信访件编号 and come in the order of the
信访事项 sheet (all rows of a case together), which is how an export writes them: so an import
reads the four sheets side by side, in one streaming pass, and memory stays flat however
many cases the file holds.

Import validates every cell and every case's lifecycle (each step legal in the state machine,
from the state the previous step left, times in order, the case's state the last step's), and
collects every error. It loads through `minxin.cases.history.load_historical_cases` — the
demo's bulk path — so the audit chain, the clocks (replayed from the events) and the case
numbering are built the same way; then it indexes the new cases for duplicate detection and
queues the daily rollups of the days they touch. One transaction: any error, nothing written.
"""

import datetime as dt
import functools
import json
import logging
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.cases import statemachine
from minxin.cases.events import EVENTS
from minxin.cases.history import (
    MAX_REPRESENTATIVES, EventRecord, HistoricalCase, PartyRecord, PetitionerRecord, RoutingRecord, load_historical_cases,
    unsaved,
)
from minxin.cases.models import (
    Case, CaseEvent, CaseNumberSequence, CaseParty, CaseRouting, CaseState, Category, Channel, Domain, Petitioner,
)
from minxin.cases.services.handling import Route
from minxin.core import clock, crypto, identity
from minxin.exchange import policies
from minxin.exchange.sheets import (
    CellError, Column, Errors, Progress, RowReader, Sheet, Writer, choice_parser, local, parse_bool, parse_date,
    parse_datetime, parse_int, read, yes_no,
)
from minxin.org.models import Area, Staff, Unit

log = logging.getLogger("minxin.exchange")

BATCH = 2000
TERMINAL = frozenset({CaseState.CLOSED, CaseState.FINAL, CaseState.NOT_ACCEPTED, CaseState.NOT_REACCEPTED})
ROUTING_KINDS = {"转送": "transfer", "交办": "assign", "复查": "review", "复核": "recheck", "异议改送": "objection"}
DISPATCH_KINDS = {"转送": "transfer", "交办": "assign"}
_QUERY_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def C(header, required=False, help="", width=14, kind="text") -> Column:  # noqa: N802 - a table of columns reads better
    return Column(header, required, help, width, kind)


CASES = Sheet("信访事项", (
    C("信访件编号", True, "唯一；系统中已有的编号不能再导入", 24),
    C("查询码", help="可空（自动生成）；不能与已有的查询码重复", width=14),
    C("信访形式", True, "网上信访、来信、来访、来电、传真之一", 10),
    C("信访类别", True, "建议意见、检举控告、申诉求决之一", 10),
    C("领域", help="领域名称，如房地产、劳动关系；可空", width=10),
    C("标题", True, "不超过200字", 30),
    C("信访内容", True, width=50),
    C("诉求"), C("事实和理由"), C("理由"),
    C("匿名检举控告", help="是/否，默认否", width=8),
    C("问题属地(区划代码)", True, "12位区划代码（网格15位），须在您的管辖范围内", 18),
    C("收到时间", True, "如2025-03-01 09:30，不得晚于现在", 18, "datetime"),
    C("登记时间", True, "不得早于收到时间", 18, "datetime"),
    C("登记单位(编码)", True, "登记该事项的信访部门的单位编码", 16),
    C("登记人(账号)", help="登记人的登录账号；可空"),
    C("状态", True, "如已办结、办理中；须与“办理过程”最后一步的新状态一致", 12),
    C("当前办理单位(编码)", help="在办事项的当前办理单位；已办结可空", width=16),
    C("分类处理途径", help="litigation/arbitration/party_appeal/administrative/perform_duty/opinion 或其中文名称；可空"),
    C("处理结果", help="如support、explain、reject、adopted；可空"),
    C("涉法涉诉", help="是/否", width=8), C("重大紧急", help="是/否", width=8), C("集体访", help="是/否", width=8),
    C("涉及人数", help="正整数，默认1", width=8, kind="int"),
    C("被反映单位(编码)", help="检举控告所反映的单位编码；可空"),
    C("被反映人员姓名", help="可空"),
    C("流转方式", help="转送或交办；可空", width=8),
    C("转送交办单位(编码)", help="转送或交办该事项的单位编码；可空"),
    C("指定办理期限(日)", help="交办时指定的期限；可空", kind="int"),
    C("受理时间", help="可空；不得早于收到时间", width=18, kind="datetime"),
    C("意见单位(编码)", help="出具处理（复查）意见的单位编码；可空"),
    C("意见送达日", help="可空", width=12, kind="date"),
    C("已延期天数", help="默认0", width=8, kind="int"),
    C("听证开始日", help="正在听证时填写；可空", width=12, kind="date"),
    C("办结时间", help="已办结、不予受理等终结状态必填", width=18, kind="datetime"),
), help=_("每行一件信访事项；“信访人”“流转记录”“办理过程”三表按本表顺序排列，同一事项的行相邻。"))

PEOPLE = Sheet("信访人", (
    C("信访件编号", True, width=24), C("姓名", True, width=10),
    C("身份证号", help="18位，校验位须正确；可空", width=20), C("电话", help="11位手机号码；可空", width=14),
    C("住址", width=30), C("国籍", help="默认中国", width=8), C("代表", help="集体访的代表填“是”，每件不超过5人", width=6),
), help=_("已脱敏的姓名、身份证号、电话（含*号）不能导入；请使用完整导出。"))

ROUTES = Sheet("流转记录", (
    C("信访件编号", True, width=24), C("时间", True, width=18, kind="datetime"),
    C("方式", True, "转送、交办、复查、复核之一", 8), C("接收单位(编码)", True, width=16),
    C("来自单位(编码)", width=16), C("期限(日)", kind="int", width=8),
))

EVENTS_SHEET = Sheet("办理过程", (
    C("信访件编号", True, width=24), C("序号", help="从1起连续编号；可空", width=6, kind="int"),
    C("时间", True, "按时间先后排列，不得晚于现在", 18, "datetime"),
    C("动作", True, "如登记、转送、交办、受理、出具处理意见书、办结；第一步须为“登记”", 14),
    C("原状态", help="上一步之后的状态；第一步为空", width=12), C("新状态", help="这一步之后的状态；状态不变时可空", width=12),
    C("经办人(账号)", help="经办人的登录账号；可空", width=14),
    C("附加信息", help="JSON对象，如{\"outcome\": \"support\"}；可空", width=40),
))

SHEETS = (CASES, PEOPLE, ROUTES, EVENTS_SHEET)

_parse_channel = choice_parser(Channel.choices, _("信访形式"))
_parse_category = choice_parser(Category.choices, _("信访类别"))
_parse_state = choice_parser(CaseState.choices, _("状态"))
_parse_route = choice_parser(Route.choices, _("分类处理途径"))
_ACTION_BY_LABEL = {str(k.label): a for a, k in EVENTS.items()}
_STATE_LABEL = dict(CaseState.choices)


def _labels() -> dict:
    """Choice labels as plain text, translated once per export rather than once per cell."""
    return {
        "state": {k: str(v) for k, v in CaseState.choices}, "channel": {k: str(v) for k, v in Channel.choices},
        "category": {k: str(v) for k, v in Category.choices}, "action": {a: str(k.label) for a, k in EVENTS.items()},
        "yes": str(yes_no(True)), "no": str(yes_no(False)),
    }


def _parse_action(value) -> str:
    text = str(value).strip()
    if text in EVENTS:
        return text
    if text in _ACTION_BY_LABEL:
        return _ACTION_BY_LABEL[text]
    raise CellError(_("未知动作“%(a)s”") % {"a": text})


def _parse_state_or_blank(value) -> str:
    return _parse_state(value) if str(value).strip() else ""


def _mapped(mapping: dict, what: str) -> Callable:
    codes = set(mapping.values())

    def parse(value):
        text = str(value).strip()
        if text in mapping:
            return mapping[text]
        if text in codes:
            return text
        raise CellError(_("%(what)s应为以下之一：%(names)s") % {"what": what, "names": "、".join(mapping)})

    return parse


@functools.cache  # one parser per limit, not one closure per cell
def _text(limit: int) -> Callable:
    def parse(value):
        text = str(value).strip() if not isinstance(value, float) else str(int(value)) if value.is_integer() else str(value)
        if len(text) > limit:
            raise CellError(_("不超过%(n)s字") % {"n": limit})
        return text

    return parse


def _payload(value) -> dict:
    try:
        data = json.loads(str(value))
    except ValueError:
        raise CellError(_("应为JSON对象，如{\"outcome\": \"support\"}")) from None
    if not isinstance(data, dict):
        raise CellError(_("应为JSON对象，如{\"outcome\": \"support\"}"))
    return data


# ---------------------------------------------------------------- lookups, read once


class _Refs:
    """Codes that must exist: areas, units, domains, staff accounts — each table read once."""

    def __init__(self):
        self.areas = {a.code: a for a in Area.objects.only("pk", "code", "name", "path", "level")}
        self.units = {u.code: u for u in Unit.objects.only("pk", "code", "name", "parent_id", "area_id")}
        self.domains = {}
        for d in Domain.objects.all():
            self.domains[d.name] = d.pk
            self.domains[d.code] = d.pk
        self.staff = {s.user.username: s for s in Staff.objects.select_related("user")}
        # The time zone once per file, not once per cell (it sits behind a context-local lookup).
        self.datetime = functools.partial(parse_datetime, tz=timezone.get_current_timezone())

    def area(self, r: RowReader, column: str):
        code = r.get(column, _text(15))
        if code is None:
            return None
        area = self.areas.get(code)
        if area is None:
            r.err(column, _("区划代码%(code)s不存在") % {"code": code})
        return area

    def unit(self, r: RowReader, column: str):
        code = r.get(column, _text(32))
        if code is None:
            return None
        unit = self.units.get(code)
        if unit is None:
            r.err(column, _("单位编码%(code)s不存在") % {"code": code})
        return unit

    def person(self, r: RowReader, column: str):
        name = r.get(column, _text(150))
        if name is None:
            return None
        staff = self.staff.get(name)
        if staff is None:
            r.err(column, _("账号%(name)s不存在") % {"name": name})
        return staff


# ---------------------------------------------------------------- reading one case


@dataclass
class _Row:
    number: str
    row: int
    case: Case | None
    parties: list
    routings: list
    events: list
    id_hashes: list


def _case_row(r: RowReader, refs: _Refs, actor, now: dt.datetime) -> Case | None:
    number = r.get("信访件编号", _text(48))
    qc = r.get("查询码", _text(16))
    channel = r.get("信访形式", _parse_channel)
    category = r.get("信访类别", _parse_category)
    domain_name = r.get("领域", _text(32))
    domain_id = None
    if domain_name:
        domain_id = refs.domains.get(domain_name)
        if domain_id is None:
            r.err("领域", _("领域“%(d)s”不存在") % {"d": domain_name})
    subject = r.get("标题", _text(200))
    content = r.get("信访内容", _text(100000))
    request, facts, reasons = (r.get(c, _text(100000), default="") for c in ("诉求", "事实和理由", "理由"))
    anonymous = r.get("匿名检举控告", parse_bool, default=False)
    area = refs.area(r, "问题属地(区划代码)")
    if area is not None and not policies.in_scope(actor, area):
        r.err("问题属地(区划代码)", _("%(area)s不在您的管辖范围内") % {"area": area.name})
    received = r.get("收到时间", refs.datetime)
    registered = r.get("登记时间", refs.datetime)
    if received is not None and received > now:
        r.err("收到时间", _("不得晚于现在"))
    if received is not None and registered is not None and registered < received:
        r.err("登记时间", _("不得早于收到时间"))
    reg_unit = refs.unit(r, "登记单位(编码)")
    registrar = refs.person(r, "登记人(账号)")
    state = r.get("状态", _parse_state)
    current = refs.unit(r, "当前办理单位(编码)")
    route = r.get("分类处理途径", _parse_route, default="")
    outcome = r.get("处理结果", _text(24), default="")
    litigation = r.get("涉法涉诉", parse_bool, default=False)
    urgent = r.get("重大紧急", parse_bool, default=False)
    collective = r.get("集体访", parse_bool, default=False)
    people = r.get("涉及人数", lambda v: parse_int(v, minimum=1), default=1)
    accused = refs.unit(r, "被反映单位(编码)")
    accused_name = r.get("被反映人员姓名", _text(64), default="")
    dispatch_kind = r.get("流转方式", _mapped(DISPATCH_KINDS, _("流转方式")), default="")
    dispatching = refs.unit(r, "转送交办单位(编码)")
    assigned_days = r.get("指定办理期限(日)", lambda v: parse_int(v, minimum=1))
    accepted = r.get("受理时间", refs.datetime)
    if accepted is not None and received is not None and accepted < received:
        r.err("受理时间", _("不得早于收到时间"))
    decision_unit = refs.unit(r, "意见单位(编码)")
    delivered = r.get("意见送达日", parse_date)
    if delivered is not None and received is not None and delivered < timezone.localdate(received):
        r.err("意见送达日", _("不得早于收到时间"))
    extension = r.get("已延期天数", parse_int, default=0)
    hearing = r.get("听证开始日", parse_date)
    closed = r.get("办结时间", refs.datetime)
    if state is not None:
        if state in TERMINAL and closed is None:
            r.err("办结时间", _("状态为“%(s)s”时必填") % {"s": _STATE_LABEL[state]})
        if state not in TERMINAL and closed is not None:
            r.err("办结时间", _("状态为“%(s)s”的事项尚未办结，应为空") % {"s": _STATE_LABEL[state]})
    if closed is not None and received is not None and closed < received:
        r.err("办结时间", _("不得早于收到时间"))
    if closed is not None and closed > now:
        r.err("办结时间", _("不得晚于现在"))
    if None in (number, channel, category, subject, content, area, received, registered, reg_unit, state):
        return None
    return unsaved(
        Case, number=number, query_code=(qc or "").upper(), channel=channel, category=category, domain_id=domain_id,
        subject=subject, content=content, request=request, facts=facts, reasons=reasons, is_anonymous=anonymous,
        area=area, received_at=received, registered_at=registered, registering_unit=reg_unit,
        registered_by=registrar, state=state, current_unit=current, route=route or "", outcome=outcome,
        is_litigation=litigation, is_urgent=urgent, is_collective=collective, people_count=people or 1,
        accused_unit=accused, accused_name=accused_name, dispatch_kind=dispatch_kind, dispatching_unit=dispatching,
        assigned_days=assigned_days, accepted_at=accepted, decision_unit=decision_unit, decision_delivered_on=delivered,
        extension_days=extension or 0, hearing_since=hearing, closed_at=closed,
    )


def _masked(value) -> bool:
    return isinstance(value, str) and "*" in value


def _party_row(r: RowReader) -> tuple[PartyRecord | None, str]:
    name = r.get("姓名", _text(64))
    if name and _masked(name):
        r.err("姓名", _("已脱敏，不能导入；请使用完整导出"))
    raw_id = r.get("身份证号", _text(18), default="")
    id_number = raw_id.upper()
    if id_number:
        if _masked(id_number):
            r.err("身份证号", _("已脱敏，不能导入；请使用完整导出"))
        else:
            problem = identity.id_number_problem(id_number)
            if problem:
                r.err("身份证号", problem)
    phone = r.get("电话", _text(20), default="")
    if phone:
        if _masked(phone):
            r.err("电话", _("已脱敏，不能导入；请使用完整导出"))
        elif not identity.is_valid_phone(phone):
            r.err("电话", _("应为11位手机号码"))
    address = r.get("住址", _text(200), default="")
    nationality = r.get("国籍", _text(32), default="中国")
    rep = r.get("代表", parse_bool, default=False)
    if name is None:
        return None, ""
    return PartyRecord(PetitionerRecord(name, id_number, phone, address, nationality), bool(rep)), id_number


def _check_lifecycle(item: _Row, sheet_rows: list[int], errors: Errors, now: dt.datetime) -> None:
    """Each event legal from the state the previous one left; times in order; the case's state the last one's."""
    case = item.case
    state = ""
    last_at = None
    for n, ((ev, seq_given), row) in enumerate(zip(item.events, sheet_rows), start=1):
        def err(column, msg, row=row):
            errors.add(EVENTS_SHEET, row, column, msg)

        if seq_given is not None and seq_given != n:
            err("序号", _("应为%(n)s（从1起连续编号）") % {"n": n})
        if last_at is not None and ev.at < last_at:
            err("时间", _("早于上一步的时间"))
        if ev.at > now:
            err("时间", _("不得晚于现在"))
        if case is not None and ev.at < case.received_at.replace(hour=0, minute=0, second=0):
            err("时间", _("早于收到时间"))
        last_at = ev.at
        if ev.action in statemachine.ACTIONS:
            to = ev.to_state or ev.from_state
            if ev.from_state != state:
                err("原状态", _("应为“%(s)s”（上一步之后的状态）") % {"s": _STATE_LABEL.get(state, _("空"))})
            elif not statemachine.is_legal(ev.action, ev.from_state, to):
                err("动作", _("“%(a)s”不能使事项从“%(f)s”变为“%(t)s”") % {
                    "a": EVENTS[ev.action].label, "f": _STATE_LABEL.get(ev.from_state, _("空")), "t": _STATE_LABEL.get(to, _("空"))})
            state = to
        elif ev.to_state:
            state = ev.to_state
    if not item.events:
        errors.add(CASES, item.row, "状态", _("“办理过程”表中没有该事项的记录（第一步应为“登记”）"))
    elif item.events[0][0].action != "register":
        errors.add(EVENTS_SHEET, sheet_rows[0], "动作", _("第一步应为“登记”"))
    elif case is not None and state and case.state != state:
        errors.add(CASES, item.row, "状态", _("与“办理过程”最后一步的新状态“%(s)s”不一致") % {"s": _STATE_LABEL.get(state, state)})


class _Related:
    """One of the three child sheets, read in step with the 信访事项 sheet."""

    def __init__(self, sheet: Sheet, rows, errors: Errors):
        self.sheet, self.rows, self.errors = sheet, iter(rows or ()), errors
        self.head = None
        self._advance()

    def _advance(self):
        self.head = next(self.rows, None)

    def take(self, number: str, seen: set) -> list[RowReader]:
        """The rows of case `number`; rows of a case already passed are errors (out of order)."""
        out = []
        while self.head is not None:
            row_no, values = self.head
            key = values[0] if values else None
            key = str(int(key)) if isinstance(key, float) and key.is_integer() else (str(key).strip() if key is not None else "")
            if key == number:
                out.append(RowReader(self.sheet, row_no, values, self.errors))
            elif key in seen or not key:
                self.errors.add(self.sheet, row_no, "信访件编号", _("不能为空") if not key else
                                _("应与“信访事项”表的顺序一致，同一事项的行相邻"))
            else:
                break
            self._advance()
        return out

    def leftovers(self, seen: set) -> None:
        while self.head is not None:
            row_no, values = self.head
            key = str(values[0]).strip() if values and values[0] is not None else ""
            self.errors.add(self.sheet, row_no, "信访件编号",
                            _("应与“信访事项”表的顺序一致，同一事项的行相邻") if key in seen else
                            _("信访件编号%(n)s在“信访事项”表中不存在") % {"n": key or _("（空）")})
            self._advance()


# ---------------------------------------------------------------- import


@dataclass
class ImportResult:
    cases: int
    petitioners_new: int
    events: int
    dry_run: bool
    loaded_ids: list = field(default_factory=list)


def import_cases(fileobj, *, actor, dry_run: bool = False, progress: Callable[[str, int], None] | None = None,
                 max_rows: int | None = None, name: str = "") -> ImportResult:
    """Read, check and (unless `dry_run`) load every case of the workbook; all or nothing.

    Raises ImportFailed listing every error by sheet, row and column; nothing is written then.
    """
    policies.check_import(actor, "cases")
    streams, errors = read(fileobj, SHEETS, name=name or _("历史信访事项文件"), max_rows=max_rows)
    errors.raise_if_any(what=_("文件"))
    refs = _Refs()
    now = clock.now()
    tick = Progress(progress, every=BATCH)
    tick.set_phase("read")
    related = [_Related(s, streams.get(s.title), errors) for s in (PEOPLE, ROUTES, EVENTS_SHEET)]
    seen: set[str] = set()
    query_codes: set[str] = set()
    by_hash: dict[str, PetitionerRecord] = {}  # one record per ID number across the file
    result = ImportResult(0, 0, 0, dry_run)
    batch: list[_Row] = []
    with transaction.atomic():
        for row_no, values in streams[CASES.title]:
            r = RowReader(CASES, row_no, values, errors)
            case = _case_row(r, refs, actor, now)
            number = (r.cells["信访件编号"] or "")
            number = str(int(number)) if isinstance(number, float) and number.is_integer() else str(number).strip()
            if number in seen:
                r.err("信访件编号", _("与本表中前面的行重复"))
            if case is not None and case.query_code:
                if case.query_code in query_codes:
                    r.err("查询码", _("与本表中前面的行重复"))
                query_codes.add(case.query_code)
            people_rows, route_rows, event_rows = (rel.take(number, seen) for rel in related)
            seen.add(number)
            item = _Row(number, row_no, case, [], [], [], [])
            for pr in people_rows:
                party, id_number = _party_row(pr)
                if party is not None:
                    item.parties.append(party)
                    item.id_hashes.append(id_number)
            if sum(p.is_representative for p in item.parties) > MAX_REPRESENTATIVES:
                errors.add(PEOPLE, people_rows[-1].number, "代表", _("每件代表不超过%(n)s人（信访工作条例第二十条）") % {"n": MAX_REPRESENTATIVES})
            for rr in route_rows:
                at = rr.get("时间", refs.datetime)
                kind = rr.get("方式", _mapped(ROUTING_KINDS, _("方式")))
                unit = refs.unit(rr, "接收单位(编码)")
                from_unit = refs.unit(rr, "来自单位(编码)")
                days = rr.get("期限(日)", lambda v: parse_int(v, minimum=1))
                if at is not None and case is not None and at < case.received_at.replace(hour=0, minute=0, second=0):
                    rr.err("时间", _("早于收到时间"))
                if None not in (at, kind, unit):
                    item.routings.append(RoutingRecord(unit.pk, kind, at, from_unit.pk if from_unit else None, days))
            event_lines = []
            for er in event_rows:
                seq = er.get("序号", lambda v: parse_int(v, minimum=1))
                at = er.get("时间", refs.datetime)
                action = er.get("动作", _parse_action)
                frm = er.get("原状态", _parse_state_or_blank, default="")
                to = er.get("新状态", _parse_state_or_blank, default="")
                who = refs.person(er, "经办人(账号)")
                payload = er.get("附加信息", _payload, default={})
                if None not in (at, action, frm, to, payload):
                    item.events.append((EventRecord(at, action, who, frm, to, payload), seq))
                    event_lines.append(er.number)
            if len(item.events) == len(event_rows):
                _check_lifecycle(item, event_lines, errors, now)
            tick.tick()
            if not errors:
                batch.append(item)
                if len(batch) >= BATCH:
                    _load(batch, by_hash, refs, result, dry_run, errors)
                    batch = []
            else:
                batch = []
        for rel in related:
            rel.leftovers(seen)
        if not seen:
            errors.add(CASES, 2, "信访件编号", _("“信访事项”表中没有数据行"))
        if not errors and batch:
            _load(batch, by_hash, refs, result, dry_run, errors)
        errors.raise_if_any(what=_("文件"))
        if not dry_run:
            tick.set_phase("index")
            _after_load(result)
    log.info("imported %s historical cases (%s)", result.cases, "dry run" if dry_run else "written")
    return result


def _load(batch: list[_Row], by_hash: dict, refs: _Refs, result: ImportResult, dry_run: bool, errors: Errors) -> None:
    """Checks against the database, then (unless a dry run) one call of the demo's bulk loader."""
    numbers = [i.number for i in batch]
    taken = set(Case.objects.filter(number__in=numbers).values_list("number", flat=True))
    codes = [i.case.query_code for i in batch if i.case.query_code]
    taken_codes = set(Case.objects.filter(query_code__in=codes).values_list("query_code", flat=True)) if codes else set()
    for item in batch:
        if item.number in taken:
            errors.add(CASES, item.row, "信访件编号", _("系统中已有信访件%(n)s") % {"n": item.number})
        if item.case.query_code in taken_codes:
            errors.add(CASES, item.row, "查询码", _("查询码%(c)s已被系统中的另一信访事项使用") % {"c": item.case.query_code})
    if errors:
        return
    # One petitioner row per ID number: earlier in this file, or already in the system.
    hashes = {}
    for item in batch:
        for party, id_number in zip(item.parties, item.id_hashes):
            if id_number:
                h = hashes.setdefault(id_number, crypto.blind_index("id", id_number))
                rec = by_hash.get(h)
                if rec is None:
                    by_hash[h] = party.petitioner
                else:
                    party.petitioner = rec
    fresh = [h for h in set(hashes.values()) if by_hash[h].pk is None]
    if fresh:
        for h, pk in Petitioner.objects.filter(id_hash__in=fresh).order_by("pk").values_list("id_hash", "pk"):
            by_hash[h].pk = by_hash[h].pk or pk
    items = []
    for item in batch:
        case = item.case
        if not case.query_code:
            case.query_code = "".join(secrets.choice(_QUERY_ALPHABET) for _i in range(12))
        case.version = len(item.events)
        events = [ev for ev, _seq in item.events]
        for ev in events:
            ev.payload.setdefault("imported", True)
        items.append(HistoricalCase(case, item.parties, item.routings, events))
    result.events += sum(len(i.events) for i in items)
    result.cases += len(items)
    if dry_run:
        return
    before = len({id(p.petitioner) for i in items for p in i.parties if p.petitioner.pk is None})
    loaded = load_historical_cases(items)
    result.petitioners_new += before
    _bump_sequences(loaded, refs)
    result.loaded_ids.extend(c.pk for c in loaded)


_NUMBER_RE = re.compile(r"^(?P<unit>.+)-(?P<year>\d{4})-(?P<seq>\d{6})$")


def _bump_sequences(cases: list[Case], refs: _Refs) -> None:
    """Imported numbers in our own format move the unit's sequence past them: no later clash."""
    top: dict[tuple[int, int], int] = {}
    for c in cases:
        m = _NUMBER_RE.match(c.number)
        unit = refs.units.get(m["unit"]) if m else None
        if unit is not None:
            key = (unit.pk, int(m["year"]))
            top[key] = max(top.get(key, 0), int(m["seq"]))
    for (unit_id, year), last in top.items():
        seq, _created = CaseNumberSequence.objects.get_or_create(unit_id=unit_id, year=year)
        CaseNumberSequence.objects.filter(pk=seq.pk).update(last=Greatest(F("last"), last))


def _after_load(result: ImportResult) -> None:
    """The duplicate index of the new cases now; their days' rollups after commit, in the worker."""
    from minxin.intake.duplicates.index import index_many

    ids = result.loaded_ids
    for i in range(0, len(ids), BATCH):
        index_many(ids[i:i + BATCH])
    days = _touched_days(ids)
    if days:
        from minxin.exchange.tasks import recompute_rollups

        transaction.on_commit(lambda: recompute_rollups.enqueue([d.isoformat() for d in sorted(days)]))


def _touched_days(ids: list[int]) -> set[dt.date]:
    days: set[dt.date] = set()
    for i in range(0, len(ids), 5000):
        for row in Case.objects.filter(pk__in=ids[i:i + 5000]).values_list("received_at", "accepted_at", "closed_at"):
            days.update(timezone.localdate(t) for t in row if t is not None)
    return days


# ---------------------------------------------------------------- export


def export_cases(queryset, *, actor, full: bool = False, out=None, limit: int | None = None,
                 progress: Callable[[str, int], None] | None = None) -> tuple[bytes | None, int]:
    """The given (already scoped) cases in the import format; (xlsx bytes or None when written to `out`, rows).

    Petitioners are masked unless `full` and the actor may see that case's identities
    (policies.shows_identity); a masked file cannot be imported again (the importer says so).
    """
    policies.check_export(actor, "cases")
    if full:
        policies.check_export_full(actor)
    areas = dict(Area.objects.values_list("pk", "code"))
    units = dict(Unit.objects.values_list("pk", "code"))
    domains = dict(Domain.objects.values_list("pk", "name"))
    users = dict(Staff.objects.values_list("pk", "user__username"))
    writer = Writer(SHEETS)
    tz = timezone.get_current_timezone()
    local = functools.partial(_local, tz=tz)
    L = _labels()  # noqa: N806
    yn = lambda v: L["yes"] if v else L["no"]  # noqa: E731
    ids = list(queryset.order_by("received_at", "pk").values_list("pk", flat=True))
    total = len(ids)
    if limit is not None and total > limit:
        ids = ids[:limit]
    tick = Progress(progress, every=BATCH)
    tick.set_phase("export")
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        by_pk = Case.objects.defer("search_document").in_bulk(chunk)  # the tsvector is big and not exported
        people: dict[int, list] = {}
        for party in CaseParty.objects.filter(case_id__in=chunk).select_related("petitioner").order_by("pk"):
            people.setdefault(party.case_id, []).append(party)
        routes: dict[int, list] = {}
        for r in CaseRouting.objects.filter(case_id__in=chunk).order_by("at", "pk"):
            routes.setdefault(r.case_id, []).append(r)
        events: dict[int, list] = {}
        for e in CaseEvent.objects.filter(case_id__in=chunk).order_by("seq").only(
                "case_id", "seq", "at", "action", "from_state", "to_state", "actor_id", "payload"):
            events.setdefault(e.case_id, []).append(e)
        for pk in chunk:
            c = by_pk[pk]
            writer.append(CASES.title, _case_values(c, areas, units, domains, users, L, yn, local))
            clear = policies.shows_identity(actor, c, full=full)
            for party in people.get(pk, ()):
                p = party.petitioner
                if clear:
                    person = [p.name, p.id_number, p.phone, p.address]
                else:
                    person = [p.name_masked, p.id_masked, p.phone_masked, ""]
                writer.append(PEOPLE.title, [c.number, *person, p.nationality, yn(party.is_representative)])
            for r in routes.get(pk, ()):
                writer.append(ROUTES.title, [c.number, local(r.at), _routing_label(r.kind), units.get(r.unit_id, ""),
                                             units.get(r.from_unit_id, ""), r.due_days])
            for e in events.get(pk, ()):
                writer.append(EVENTS_SHEET.title, [
                    c.number, e.seq, local(e.at), L["action"].get(e.action, e.action),
                    L["state"].get(e.from_state, e.from_state), L["state"].get(e.to_state, e.to_state),
                    users.get(e.actor_id, ""),
                    json.dumps(e.payload, ensure_ascii=False, cls=DjangoJSONEncoder, sort_keys=True) if e.payload else "",
                ])
            tick.tick()
    if limit is not None and total > limit:
        writer.notes = _("共%(total)d件，超过导出上限%(limit)d行，只导出了前%(limit)d件；请缩小筛选范围后分批导出。") % {"total": total, "limit": limit}
    else:
        writer.notes = _("共%(n)d件。") % {"n": total} + (_("个人信息已脱敏，不能再导入。") if not full else "")
    writer.add_notes()
    return writer.save(out), len(ids)


_ROUTING_LABEL = {v: k for k, v in ROUTING_KINDS.items()}


def _routing_label(kind: str) -> str:
    return _ROUTING_LABEL.get(kind, kind)


def _local(value: dt.datetime | None, *, tz) -> dt.datetime | None:
    """A stored time as the naive local time a spreadsheet shows (`sheets.local` with the zone looked up once)."""
    return value.astimezone(tz).replace(tzinfo=None) if value is not None else None


def _case_values(c: Case, areas, units, domains, users, L, yn, local=local) -> list:  # noqa: N803
    return [
        c.number, c.query_code, L["channel"].get(c.channel, c.channel), L["category"].get(c.category, c.category),
        domains.get(c.domain_id, ""),
        c.subject, c.content, c.request, c.facts, c.reasons, yn(c.is_anonymous), areas.get(c.area_id, ""),
        local(c.received_at), local(c.registered_at), units.get(c.registering_unit_id, ""), users.get(c.registered_by_id, ""),
        L["state"].get(c.state, c.state), units.get(c.current_unit_id, ""), c.route, c.outcome,
        yn(c.is_litigation), yn(c.is_urgent), yn(c.is_collective), c.people_count,
        units.get(c.accused_unit_id, ""), c.accused_name, {"transfer": "转送", "assign": "交办"}.get(c.dispatch_kind, c.dispatch_kind),
        units.get(c.dispatching_unit_id, ""), c.assigned_days, local(c.accepted_at), units.get(c.decision_unit_id, ""),
        c.decision_delivered_on, c.extension_days, c.hearing_since, local(c.closed_at),
    ]


def template() -> bytes:
    from minxin.exchange.sheets import template as build

    return build(SHEETS, notes=_("历史信访事项导入模板：四张表按“信访事项”表的顺序排列；全部正确才导入，有任何错误时不导入任何数据。"))

