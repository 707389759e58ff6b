"""Every date a document prints is either a fact of the case (received, accepted, issued) or the
due day of the case clock its kind names (minxin.documents.kinds.KindSpec.clocks) — one test per
kind, through the lifecycle services, reading the rendered .docx back."""

import datetime as dt
import io
import re

import docx
import pytest
from django.utils import timezone

from minxin.cases import services as svc
from minxin.documents.context import chinese_date
from minxin.documents.kinds import SPECS, DocumentKind
from minxin.documents.models import Document
from minxin.documents.services import open_document
from minxin.rules.models import CaseDeadline

OPINION = dict(request="修复电梯", facts="经核实", opinion="责成物业修复", legal_basis="《物业管理条例》", outcome="support")
_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


def _text(doc: Document) -> str:
    d = docx.Document(io.BytesIO(open_document(doc)))
    return "\n".join(p.text for p in d.paragraphs)


def _clock_at_issue(doc: Document, code: str) -> CaseDeadline:
    return CaseDeadline.objects.filter(case=doc.case, code=code, created_at__lte=doc.issued_at).latest("created_at", "pk")


def _case_facts(case) -> set[dt.date]:
    facts = {timezone.localdate(case.received_at)}
    if case.accepted_at:
        facts.add(timezone.localdate(case.accepted_at))
    return facts


def check_dates(doc: Document, *, extra: set[dt.date] = frozenset()) -> dict[str, dt.date]:
    """Each clock field equals its clock; no other date is printed. Returns the clock dates."""
    text = _text(doc)
    stated = {}
    for key, code in SPECS[doc.kind].clocks.items():
        if key not in doc.context:
            continue
        due = _clock_at_issue(doc, code).due_on
        assert doc.context[key] == due.isoformat(), (doc.kind, key, code)
        assert chinese_date(due) in text
        stated[key] = due
    printed = {dt.date(int(y), int(m), int(d)) for y, m, d in _DATE.findall(text)}
    allowed = set(stated.values()) | _case_facts(doc.case) | {timezone.localdate(doc.issued_at)} | set(extra)
    assert printed <= allowed, f"{doc.kind} prints {sorted(printed - allowed)} which no clock or case fact gives"
    return stated


def _doc(case, kind) -> Document:
    return Document.objects.filter(case=case, kind=kind).latest("pk")


@pytest.fixture
def accepted(city, register):
    case = svc.transfer_case(register(), actor=city.staff["east_registrar"], unit=city.units["east_housing"])
    return svc.accept_case(case, actor=city.staff["east_housing_handler"], route=svc.Route.OPINION)


def test_transfer_letter_states_the_notice_and_objection_days_of_its_clocks_and_no_handling_day(city, register):
    case = svc.transfer_case(register(), actor=city.staff["east_registrar"], unit=city.units["east_housing"])
    stated = check_dates(_doc(case, DocumentKind.TRANSFER))
    assert set(stated) == {"notice_due_on", "objection_due_on"}
    assert "办理完毕" not in _text(_doc(case, DocumentKind.TRANSFER))


def test_assignment_letter_states_the_assigned_limit_notice_and_objection_days(city, register):
    case = svc.assign_case(register(), actor=city.staff["east_leader"], unit=city.units["east_housing"], days=20)
    stated = check_dates(_doc(case, DocumentKind.ASSIGNMENT))
    assert set(stated) == {"due_on", "notice_due_on", "objection_due_on"}


def test_acceptance_notice_states_the_60_day_due_day_and_the_query_code(city, accepted):
    doc = _doc(accepted, DocumentKind.ACCEPTANCE)
    assert set(check_dates(doc)) == {"due_on"}
    # Registered at the counter: the portal follows every case by its code and a phone on file.
    assert f"查询码为{accepted.query_code}" in _text(doc) and "/xf/" in _text(doc)


def test_extension_notice_states_the_extended_due_day(city, accepted):
    case = svc.extend_handling(accepted, actor=city.staff["east_housing_leader"], days=10, reason="情况复杂")
    assert set(check_dates(_doc(case, DocumentKind.EXTENSION))) == {"new_due_on"}


def test_opinion_prints_no_date_but_case_facts(city, accepted):
    case = svc.issue_opinion(accepted, actor=city.staff["east_housing_handler"], **OPINION)
    assert check_dates(_doc(case, DocumentKind.OPINION)) == {}


def test_review_and_recheck_opinions_print_no_date_but_case_facts_and_the_request_day(city, accepted, clock):
    s = city.staff
    # The review body must name the 复核机关 above it (Art. 36).
    s["city_housing_handler"].unit.parent = city.units["city_bureau"]
    s["city_housing_handler"].unit.save(update_fields=["parent"])
    case = svc.issue_opinion(accepted, actor=s["east_housing_handler"], **OPINION, delivered_on=dt.date(2026, 3, 2))
    case = svc.request_review(case, actor=s["east_registrar"], request="不服")
    requested = {dt.date(2026, 3, 2)}
    decision = dict(result="upheld", facts="属实", opinion="维持", legal_basis="《物业管理条例》")
    case = svc.decide_review(case, actor=s["city_housing_handler"], **decision)
    assert check_dates(_doc(case, DocumentKind.REVIEW_OPINION), extra=requested) == {}


def test_refusal_notice_prints_no_date_but_case_facts(city, register):
    case = svc.refuse_case(register(), actor=city.staff["east_registrar"], ground=svc.RefusalGround.OTHER,
                           reason="不属于信访事项", legal_basis="《信访工作条例》第十四条")
    assert check_dates(_doc(case, DocumentKind.NON_ACCEPTANCE)) == {}


def test_completion_report_prints_no_date_but_case_facts(city, register):
    s = city.staff
    case = svc.assign_case(register(), actor=s["east_leader"], unit=city.units["east_housing"], days=30)
    case = svc.accept_case(case, actor=s["east_housing_handler"], route=svc.Route.PERFORM_DUTY)
    case = svc.submit_report(case, actor=s["east_housing_handler"], process="约谈物业", result="已修复")
    assert check_dates(_doc(case, DocumentKind.COMPLETION_REPORT)) == {}


def test_supervision_letter_states_the_reply_day_of_its_supervision(city, accepted):
    from minxin.oversight.supervision import issue_supervision

    sup = issue_supervision(accepted, actor=city.staff["city_supervisor"], ground="delay", reason="超期未办结")
    doc = _doc(accepted, DocumentKind.SUPERVISION)
    assert doc.context["due_on"] == sup.reply_due_on.isoformat()
    check_dates(doc, extra={sup.reply_due_on})


def test_letters_go_to_the_full_name_while_the_stored_record_stays_masked(city, accepted):
    doc = _doc(accepted, DocumentKind.ACCEPTANCE)
    assert "张三：" in _text(doc)
    assert doc.context["addressee"] == "张*" and "张三" not in str(doc.context)
    assert doc.full_context()["addressee"] == "张三"
    assert accepted.query_code not in str(doc.context)
