"""Every URL and API operation × every persona × objects in and out of their area, against
minxin/policies_table.py. A new route that is not in the table fails here."""

import datetime as dt
import hashlib
import re

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLResolver, get_resolver

from minxin import policies_table as T
from minxin.api.urls import api
from minxin.cases.models import CaseAttachment, CaseEvent, Domain
from minxin.core import clock
from minxin.documents.kinds import DocumentKind
from minxin.documents.models import Document
from minxin.documents.services import issue_document
from minxin.documents.tests.samples import FULL_CONTEXT
from minxin.grid import services as grid_services
from minxin.grid.models import GridReport, GridVisit
from minxin.intake.models import SuggestionFeedback
from minxin.meetings import services as meetings
from minxin.meetings.models import MeetingEvent
from minxin.opinion import services as opinion
from minxin.opinion.models import OpinionEvent, OpinionItem
from minxin.org.policies import SYSTEM
from minxin.oversight.models import SupervisionGround
from minxin.oversight.supervision import issue_supervision
from minxin.portal.models import Attachment, Submission, SubmissionState
from minxin.reception import services as reception
from minxin.reception.models import ReceptionBooking, ReceptionDay, ReceptionEvent
from minxin.risk import alerts, ledger, plans, screening
from minxin.risk.models import AlertKind, RiskEvent, RiskLevel
from minxin.stability.models import StabilityEvent
from minxin.stability.services import register_decision
from minxin.testing import make_case, valid_id

MISSING = 999_999  # an id no object has: the route must answer 404 for everyone
DENIED_WRITE = {400, 401, 403, 404, 405, 409, 422}


def web_routes() -> dict[str, str]:
    """{name: pattern} for every URL outside the API and the admin. An unnamed pattern is
    listed under its pattern (so it fails the table check), and two patterns sharing a name fail
    here: either would otherwise slip past the table."""
    out = {}

    def walk(patterns, prefix="", ns=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern), p.namespace or ns)
            else:
                yield prefix + str(p.pattern), f"{ns}:{p.name}" if ns else p.name

    for pattern, name in walk(get_resolver().url_patterns):
        if pattern.startswith(("api/v1/", "admin/")):
            continue
        key = name or f"unnamed:{pattern}"
        assert key not in out, f"two URL patterns named {key}: {out[key]} and {pattern}"
        out[key] = pattern
    return out


def api_operations() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return {(method.upper(), path) for path, ops in schema["paths"].items() for method in ops}


@pytest.fixture
def world(city):
    cases = {key: make_case(city, **spec) for key, spec in T.CASES.items()}
    housing = Domain.objects.get(name="房地产")
    entries = {
        key: ledger.create_entry(
            actor=city.staff[spec["actor"]], source="grid", domain=housing, area=city.areas[spec["area"]],
            summary="业主与开发商就延期交房产生纠纷", level=RiskLevel.YELLOW, responsible_unit=city.units[spec["unit"]],
        )
        for key, spec in T.ENTRIES.items()
    }
    alert_rows = {
        key: alerts.raise_alert(dedupe_key=f"matrix:{key}", kind=AlertKind.STATISTICAL, level=RiskLevel.ORANGE,
                                title="异常", area=city.areas[spec["area"]])[0]
        for key, spec in T.ALERTS.items()
    }
    documents = {
        key: issue_document(case, kind=DocumentKind.ACCEPTANCE, unit=case.registering_unit, actor=SYSTEM,
                            context=FULL_CONTEXT[DocumentKind.ACCEPTANCE])
        for key, case in cases.items()
    }
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 64
    sha = hashlib.sha256(png).hexdigest()
    scans = {
        key: CaseAttachment.objects.create(
            case=case, file=ContentFile(png, name="scan.png"), content_type="image/png", size=len(png), sha256=sha,
            uploaded_by=city.staff["east_registrar"], uploaded_at=clock.now(),
        )
        for key, case in cases.items()
    }
    submissions = {
        key: Submission.objects.create(category="suggestion", subject="网上信访", content="内容", request="请求",
                                       area=case.area, is_anonymous=True, state=SubmissionState.REGISTERED, case=case,
                                       created_at=clock.now())
        for key, case in cases.items()
    }
    uploads = {
        key: Attachment.objects.create(submission=sub, file=ContentFile(png, name="up.png"), content_type="image/png",
                                       size=len(png), sha256=sha)
        for key, sub in submissions.items()
    }
    tomorrow = clock.today() + dt.timedelta(days=1)
    days = {
        key: reception.schedule_reception_day(
            actor=city.staff["city_registrar" if spec["unit"] == "city_bureau" else "east_registrar"],
            leader=city.staff[spec["leader"]], date=tomorrow, starts_at="09:00", ends_at="11:00", place="接待大厅")
        for key, spec in T.DAYS.items()
    }
    bookings = {
        key: reception.book_petitioner(day, actor=city.staff[T.DAYS[key]["leader"]], name="张三", id_number=valid_id(),
                                       topic="反映问题", area=day.unit.area)
        for key, day in days.items()
    }
    supervisions = {
        key: issue_supervision(case, actor=city.staff["city_supervisor"], ground=SupervisionGround.DELAY,
                               reason="逾期未办结")
        for key, case in cases.items()
    }
    plan_rows = {
        key: plans.create_plan(actor=city.staff["city_leader"], name="群体性事件处置预案", area=city.areas[spec["area"]],
                               task_templates=[{"title": "到场了解诉求", "role": "现场处置组", "due_hours": 2}])
        for key, spec in T.ALERTS.items()
    }
    round_rows = {
        key: screening.open_round(actor=city.staff["city_supervisor"], area=city.areas[spec["area"]], cadence="monthly")
        for key, spec in T.ALERTS.items()
    }
    meeting_rows, task_rows = {}, {}
    for key, spec in T.MEETINGS.items():
        convener = city.staff[spec["convener"]]
        m = meetings.convene_meeting(actor=convener, held_on=clock.today(), topic="多部门协调",
                                     members=[city.units[u] for u in spec["members"]])
        decision = meetings.record_decision(m, actor=convener, text="由住建部门牵头办理")
        task_rows[key] = meetings.assign_task(decision, actor=convener, unit=city.units[spec["task_unit"]],
                                              description="督促开发商提交交房计划", due_on=clock.today() + dt.timedelta(days=30))
        meeting_rows[key] = m
    decisions = {
        key: register_decision(actor=city.staff[spec["actor"]], title="某地块房屋征收项目", kind="demolition",
                               area=city.areas[spec["area"]], domain=housing, responsible_unit=city.units[spec["unit"]],
                               planned_on=clock.today() + dt.timedelta(days=30))
        for key, spec in T.DECISIONS.items()
    }
    opinions = {
        key: opinion.take_in([{"source": "市网络舆情监测中心", "published_at": clock.now().isoformat(), "text": f"网友反映{key}小区物业问题",
                               "area_code": city.areas[spec["area"]].code}], actor=SYSTEM, match=False)[0].item
        for key, spec in T.OPINIONS.items()
    }
    upward = {"east": _urgent_matter(city, cases["east1"])}
    grid_reports = {
        key: grid_services.report(actor=city.staff[spec["actor"]], kind="dispute", domain=housing, area=city.areas[spec["area"]],
                                  description="两户村民因宅基地边界争执", people_count=2, wants_case=True)
        for key, spec in T.GRID_REPORTS.items()
    }
    return {"grid_report": grid_reports, "upward": upward, "opinion": opinions, "decision": decisions, "meeting": meeting_rows, "task": task_rows, "case": cases, "supervision": supervisions, "plan": plan_rows, "round": round_rows, "entry": entries, "alert": alert_rows, "document": documents, "attachment": scans,
            "submission": submissions, "upload": uploads, "submission_upload": uploads, "day": days, "booking": bookings}


def _urgent_matter(city, case):
    """A sent first report on `case` by 东城区信访局, with a 批示 from the city bureau."""
    from minxin.upward import services as upward
    from minxin.upward.tests.factories import CONTENTS, reporting_lines

    reporting_lines(city)
    leader = city.staff["east_leader"]
    matter = upward.mark_case(case, actor=leader, gravity="urgent", reason="聚集")
    report = matter.reports.get()
    upward.update_report(report, actor=leader, **{**CONTENTS, "occurred_at": clock.now() - dt.timedelta(hours=1)})
    upward.submit_report(report, actor=leader)
    upward.approve_report(report, actor=leader)
    upward.send_report(report, actor=leader)
    delivery = report.deliveries.get(unit=city.units["city_bureau"])
    upward.record_instruction(delivery, actor=city.staff["city_leader"], leader="市信访局局长", text="请妥善处置")
    return matter


def _upward_params(m) -> dict:
    report = m.reports.get()
    delivery = report.deliveries.get(role="upper_bureau")
    return {"pk": m.pk, "matter_id": m.pk, "report_id": report.pk, "delivery_id": delivery.pk,
            "instruction_id": report.instructions.get().pk, "action": "save"}


# How an object fills the parameters of a path, per object kind.
WEB_PARAMS = {
    "upward": _upward_params,
    "document": lambda o: {"pk": o.case_id, "doc_pk": o.pk},
    "upload": lambda o: {"pk": o.submission.case_id, "att_pk": o.pk},
}
API_PARAMS = {
    "opinion": lambda o: {"item_id": o.pk},
    "upward": _upward_params,
    "case": lambda o: {"case_id": o.pk, "number": o.number},
    "supervision": lambda o: {"sid": o.pk},
    "document": lambda o: {"case_id": o.case_id, "doc_id": o.pk},
    "entry": lambda o: {"entry_id": o.pk},
    "alert": lambda o: {"alert_id": o.pk},
    "decision": lambda o: {"decision_id": o.pk},
    "day": lambda o: {"day_id": o.pk},
    "booking": lambda o: {"booking_id": o.pk},
    "meeting": lambda o: {"meeting_id": o.pk},
    "task": lambda o: {"task_id": o.pk},
    "grid_report": lambda o: {"report_id": o.pk},
}


def _state():
    """Counts that a refused write must leave unchanged."""
    from minxin.upward.models import UpwardEvent

    return tuple(m.objects.count() for m in (UpwardEvent, CaseEvent, RiskEvent, MeetingEvent, StabilityEvent, ReceptionEvent, ReceptionBooking, ReceptionDay,
                                            Document, SuggestionFeedback, Submission, OpinionItem, OpinionEvent, GridReport, GridVisit))


def _fill_web(pattern: str, kind: str | None, obj) -> str:
    params = {} if kind is None else WEB_PARAMS.get(kind, lambda o: {"pk": o.pk})(obj)

    def value(m):
        name = m.group(2)
        if name in params:
            return str(params[name])
        return {"board": "volume", "action": "ack", "kind": "cases"}.get(name, str(MISSING))

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, pattern)


def _fill_api(path: str, kind: str | None, obj) -> str:
    params = {} if kind is None else API_PARAMS[kind](obj)

    def value(m):
        name = m.group(1)
        if name in params:
            return str(params[name])
        return {"board": "volume", "prefix": "nope"}.get(name, str(MISSING))

    return re.sub(r"\{(\w+)\}", value, path)


def _clients(city):
    out = {T.ANONYMOUS: Client()}
    for persona in T.PERSONAS:
        c = Client()
        c.force_login(city.staff[persona].user)
        out[persona] = c
    return out


def _targets(kind, world):
    """(object key, object) pairs a route is tried with: every object of its kind, or none."""
    return [(None, None)] if kind is None else list(world[kind].items())


def test_every_route_is_in_the_table():
    web = set(web_routes())
    ops = api_operations()
    assert web - set(T.WEB) == set(), "web URLs with no row in minxin/policies_table.py"
    assert set(T.WEB) - web == set(), "rows in minxin/policies_table.py for web URLs that no longer exist"
    assert ops - set(T.API) == set(), "API operations with no row in minxin/policies_table.py"
    assert set(T.API) - ops == set(), "rows in minxin/policies_table.py for API operations that no longer exist"
    for kind, table in T.OBJECT_VISIBLE.items():
        assert set(table) == {*T.PERSONAS, T.ANONYMOUS}, f"{kind}: every persona needs a row"


def test_every_object_route_fills_all_its_parameters(city, world):
    """A route about an object must be tried with that object, never with a made-up id."""
    routes = web_routes()
    for name, (_mode, _group, kind) in T.WEB.items():
        if kind is not None:
            for _key, obj in _targets(kind, world):
                assert str(MISSING) not in _fill_web(routes[name], kind, obj), name
    for (method, path), (_mode, _group, kind) in T.API.items():
        if kind is not None:
            for _key, obj in _targets(kind, world):
                assert str(MISSING) not in _fill_api(path, kind, obj), (method, path)


def test_reads_allow_and_refuse_as_the_table_says(city, world):
    clients = _clients(city)
    routes = web_routes()
    wrong = []

    def check(label, url, group, kind, key):
        for persona, client in clients.items():
            status = client.get(url).status_code
            expected = T.allowed(group, persona, kind, key)
            if (status == 200) != expected:
                wrong.append(f"{label} {url} as {persona}: {status}, expected {'allow' if expected else 'deny'}")

    for name, (mode, group, kind) in T.WEB.items():
        if mode != T.READ:
            continue
        for key, obj in _targets(kind, world):
            check(name, _fill_web(routes[name], kind, obj), group, kind, key)
    for (method, path), (mode, group, kind) in T.API.items():
        if mode != T.READ:
            continue
        for key, obj in _targets(kind, world):
            query = T.QUERY.get((method, path))
            url = _fill_api(path, kind, obj) + (f"?{query}" if query else "")
            check(f"{method} {path}", url, group, kind, key)
    assert wrong == [], "\n".join(wrong)


def test_writes_on_objects_out_of_reach_are_refused_and_change_nothing(city, world):
    clients = _clients(city)
    routes = web_routes()
    before = _state()
    wrong = []
    for name, (mode, group, kind) in T.WEB.items():
        if mode != T.WRITE or kind is None:
            continue
        for key, obj in _targets(kind, world):
            url = _fill_web(routes[name], kind, obj)
            for persona, client in clients.items():
                if key in T.OBJECT_VISIBLE[kind][persona]:
                    continue
                # Pages refuse a form either with 403/404 or by redirecting back with the reason.
                status = client.post(url, {}).status_code
                if status not in DENIED_WRITE and status != 302:
                    wrong.append(f"{name} {url} as {persona}: {status}")
    for (method, path), (mode, group, kind) in T.API.items():
        if mode != T.WRITE or kind is None:
            continue
        for key, obj in _targets(kind, world):
            url = _fill_api(path, kind, obj)
            for persona, client in clients.items():
                if key in T.OBJECT_VISIBLE[kind][persona]:
                    continue
                status = client.generic(method, url, "{}", content_type="application/json").status_code
                if status not in DENIED_WRITE:
                    wrong.append(f"{method} {url} as {persona}: {status}")
    assert wrong == [], "\n".join(wrong)
    assert _state() == before


def test_writes_by_people_outside_the_allowed_group_are_refused_and_change_nothing(city, world):
    """Writes about no object: everyone outside the route's group is refused (or, on a page,
    sent back with the reason), and nothing is written."""
    clients = _clients(city)
    routes = web_routes()
    before = _state()
    wrong = []
    for name, (mode, group, kind) in T.WEB.items():
        if mode != T.WRITE or kind is not None:
            continue
        url = _fill_web(routes[name], None, None)
        for persona, client in clients.items():
            if persona in T.GROUPS[group]:
                continue
            status = client.post(url, {}).status_code
            if status not in DENIED_WRITE and status != 302:
                wrong.append(f"{name} {url} as {persona}: {status}")
    for (method, path), (mode, group, kind) in T.API.items():
        if mode != T.WRITE or kind is not None:
            continue
        url = _fill_api(path, None, None)
        for persona, client in clients.items():
            if persona in T.GROUPS[group]:
                continue
            status = client.generic(method, url, "{}", content_type="application/json").status_code
            if status not in DENIED_WRITE:
                wrong.append(f"{method} {url} as {persona}: {status}")
    assert wrong == [], "\n".join(wrong)
    assert _state() == before
