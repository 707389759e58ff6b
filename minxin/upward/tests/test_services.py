import datetime as dt
import zoneinfo

import pytest
import time_machine

from minxin.cases.models import CaseEvent
from minxin.cases.selectors import timeline
from minxin.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from minxin.risk import alerts
from minxin.risk.models import AlertKind, RiskLevel
from minxin.testing import make_case
from minxin.upward import services as svc
from minxin.upward.models import Delivery, MatterState, RecipientRole, ReportKind, ReportState, UpwardEvent
from minxin.upward.tests.factories import CONTENTS, reporting_lines

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 4, 8, 9, 0, tzinfo=TZ)  # a Wednesday


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as t:
        yield t


@pytest.fixture
def lines(city):
    return reporting_lines(city)


def _sent_first_report(city, case):
    s = city.staff
    matter = svc.mark_case(case, actor=s["east_leader"], gravity="both", reason="60余名业主聚集，可能引发群体性事件")
    report = matter.reports.get()
    svc.update_report(report, actor=s["east_leader"], **CONTENTS)
    svc.submit_report(report, actor=s["east_leader"])
    svc.approve_report(report, actor=s["east_leader"])
    svc.send_report(report, actor=s["east_leader"])
    report.refresh_from_db()
    return matter, report


def test_marking_a_case_starts_the_first_report_clock_and_drafts_the_first_report(city, lines):
    case = make_case(city, area="east1v", registering_unit="east_bureau", current_unit="east1_office")
    matter = svc.mark_case(case, actor=city.staff["east_leader"], gravity="urgent", reason="聚集人数多")
    assert matter.first_report_due_at == NOW + dt.timedelta(hours=2)
    report = matter.reports.get()
    assert (report.kind, report.state, report.sequence, report.due_at) == (ReportKind.FIRST, ReportState.DRAFT, 1, matter.first_report_due_at)
    assert list(report.cases.all()) == [case]
    assert CaseEvent.objects.filter(case=case, action="upward_mark").count() == 1
    assert UpwardEvent.objects.filter(matter=matter, action="marked").exists()


def test_a_case_cannot_be_marked_twice_or_without_a_reason(city, lines):
    case = make_case(city, area="east1v", registering_unit="east_bureau")
    with pytest.raises(ValidationFailed, match="理由"):
        svc.mark_case(case, actor=city.staff["east_leader"], gravity="urgent", reason=" ")
    svc.mark_case(case, actor=city.staff["east_leader"], gravity="urgent", reason="聚集")
    with pytest.raises(Conflict):
        svc.mark_case(case, actor=city.staff["east_leader"], gravity="major", reason="再次")


def test_a_report_without_its_required_contents_cannot_go_for_approval(city, lines):
    case = make_case(city, area="east1v", registering_unit="east_bureau")
    matter = svc.mark_case(case, actor=city.staff["east_leader"], gravity="urgent", reason="聚集")
    report = matter.reports.get()
    with pytest.raises(ValidationFailed) as exc:
        svc.submit_report(report, actor=city.staff["east_leader"])
    assert "已采取的措施" in exc.value.message and "下一步工作建议" in exc.value.message
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT


def test_the_full_route_sends_to_party_government_upper_bureau_and_national_bureau(city, lines):
    case = make_case(city, area="east1v", registering_unit="east_bureau", current_unit="east1_office")
    matter, report = _sent_first_report(city, case)
    assert report.state == ReportState.SENT
    roles = {d.unit.name: d.role for d in report.deliveries.select_related("unit")}
    assert roles == {"东城区委区政府总值班室": RecipientRole.PARTY_GOVERNMENT, "示范市信访局": RecipientRole.UPPER_BUREAU,
                     "国家信访局": RecipientRole.NATIONAL_BUREAU}
    lines_text = [text for _event, text in timeline(case)]
    assert any("报送首报（第1报）" in t for t in lines_text)
    # The upper bureau now sees the county's report and acknowledges it itself.
    city_bureau = report.deliveries.get(role=RecipientRole.UPPER_BUREAU)
    assert svc.get_matter(city.staff["city_registrar"], matter.pk) == matter
    svc.acknowledge(city_bureau, actor=city.staff["city_registrar"])
    # An external body cannot sign in: the reporting unit records its 签收 with the signer's name.
    office = report.deliveries.get(role=RecipientRole.PARTY_GOVERNMENT)
    with pytest.raises(ValidationFailed, match="签收人"):
        svc.acknowledge(office, actor=city.staff["east_leader"])
    svc.acknowledge(office, actor=city.staff["east_leader"], by_name="值班员李明")
    with pytest.raises(InvalidTransition):
        svc.acknowledge(office, actor=city.staff["east_leader"], by_name="值班员李明")
    assert Delivery.objects.filter(report=report, acknowledged_at__isnull=True).count() == 1


def test_only_a_leader_of_the_reporting_unit_approves(city, lines):
    case = make_case(city, area="city", registering_unit="city_bureau")
    matter = svc.mark_case(case, actor=city.staff["city_supervisor"], gravity="major", reason="涉及人数多")
    report = matter.reports.get()
    svc.update_report(report, actor=city.staff["city_supervisor"], **CONTENTS)
    svc.submit_report(report, actor=city.staff["city_supervisor"])
    for who in ("city_supervisor", "east_leader", "city_registrar"):
        with pytest.raises(PermissionDenied):
            svc.approve_report(report, actor=city.staff[who])
    with pytest.raises(ValidationFailed):
        svc.return_report(report, actor=city.staff["city_leader"], note="")
    svc.return_report(report, actor=city.staff["city_leader"], note="请补充现场处置力量")
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED
    with pytest.raises(InvalidTransition):
        svc.send_report(report, actor=city.staff["city_supervisor"])


def test_matters_are_not_seen_across_areas_or_by_unrelated_units(city, lines):
    case = make_case(city, area="east1v", registering_unit="east_bureau")
    matter, _report = _sent_first_report(city, case)
    for who in ("west_registrar", "east_hr_handler", "west1_handler"):
        with pytest.raises(NotFound):
            svc.get_matter(city.staff[who], matter.pk)
        assert not svc.matters_visible_to(city.staff[who]).exists()
    with pytest.raises(PermissionDenied):
        svc.draft_report(matter, actor=city.staff["city_supervisor"])  # not the reporting unit


def test_instruction_feedback_is_due_by_the_rule_and_flagged_when_late(city, lines, frozen):
    case = make_case(city, area="east1v", registering_unit="east_bureau")
    matter, report = _sent_first_report(city, case)
    office = report.deliveries.get(role=RecipientRole.PARTY_GOVERNMENT)
    ins = svc.record_instruction(office, actor=city.staff["east_leader"], leader="区委书记王某",
                                 text="请区信访局牵头，妥善处置，防止事态扩大")
    # 5 working days from Wed 8 April 2026: Wed 15 April, due at 24:00.
    assert ins.feedback_due_at == dt.datetime(2026, 4, 16, 0, 0, tzinfo=TZ)
    assert not svc.matter_flags(matter)["feedback_overdue"]
    frozen.move_to(dt.datetime(2026, 4, 16, 0, 1, tzinfo=TZ))
    assert svc.matter_flags(matter)["feedback_overdue"]
    assert list(svc.overdue_instructions(city.staff["east_leader"])) == [ins]
    svc.record_feedback(ins, actor=city.staff["east_leader"], text="已与开发商达成交房方案，业主已散去")
    event = CaseEvent.objects.filter(case=case, action="upward_feedback").get()
    assert event.payload["late"] is True
    assert not svc.matter_flags(matter)["feedback_overdue"]


def test_a_deadline_set_in_the_instruction_wins_over_the_rule(city, lines):
    case = make_case(city, area="east1v", registering_unit="east_bureau")
    _matter, report = _sent_first_report(city, case)
    office = report.deliveries.get(role=RecipientRole.UPPER_BUREAU)
    ins = svc.record_instruction(office, actor=city.staff["city_leader"], leader="市信访局局长", text="请明日报告进展", due_on="2026-04-09")
    assert ins.feedback_due_at == dt.datetime(2026, 4, 10, 0, 0, tzinfo=TZ)
    with pytest.raises(PermissionDenied):  # the feedback is the reporting unit's
        svc.record_feedback(ins, actor=city.staff["city_leader"], text="x")


def test_follow_up_and_final_reports_close_the_matter(city, lines):
    case = make_case(city, area="east1v", registering_unit="east_bureau")
    matter, first = _sent_first_report(city, case)
    follow = svc.draft_report(matter, actor=city.staff["east_leader"])
    assert follow.kind == ReportKind.FOLLOW_UP and follow.sequence == 2 and follow.due_at == first.sent_at + dt.timedelta(hours=24)
    assert follow.demands == first.demands  # prefilled from the last report
    with pytest.raises(InvalidTransition):
        svc.draft_report(matter, actor=city.staff["east_leader"], kind="final")
    svc.submit_report(follow, actor=city.staff["east_leader"])
    svc.approve_report(follow, actor=city.staff["east_leader"])
    svc.send_report(follow, actor=city.staff["east_leader"])
    final = svc.draft_report(matter, actor=city.staff["east_leader"], kind="final")
    svc.submit_report(final, actor=city.staff["east_leader"])
    svc.approve_report(final, actor=city.staff["east_leader"])
    svc.send_report(final, actor=city.staff["east_leader"])
    matter.refresh_from_db()
    assert matter.state == MatterState.CLOSED
    assert CaseEvent.objects.filter(case=case, action="upward_report").count() == 3


def test_a_risk_alert_becomes_a_report_draft_linking_the_alert(city, lines):
    alert, _new = alerts.raise_alert(dedupe_key="t:1", kind=AlertKind.STATISTICAL, level=RiskLevel.RED, title="东城区房地产信访量异常升高",
                                     area=city.areas["east"], explanation="本周42件，预期12件")
    matter = svc.mark_alert(alert, actor=city.staff["east_leader"], gravity="major", reason="红色预警，涉及楼盘多")
    report = matter.reports.get()
    assert list(report.alerts.all()) == [alert] and report.development == "本周42件，预期12件"
    with pytest.raises(Conflict):
        svc.mark_alert(alert, actor=city.staff["east_leader"], gravity="major", reason="再次")
    with pytest.raises(PermissionDenied):
        svc.mark_alert(alert, actor=city.staff["east_registrar"], gravity="major", reason="登记员无权认定")


def test_refused_steps_write_nothing(city, lines):
    case = make_case(city, area="east1v", registering_unit="east_bureau")
    before = (UpwardEvent.objects.count(), CaseEvent.objects.count())
    with pytest.raises(PermissionDenied):
        svc.mark_case(case, actor=city.staff["east_registrar"], gravity="urgent", reason="x")
    with pytest.raises(NotFound):
        svc.mark_case(case, actor=city.staff["west1_handler"], gravity="urgent", reason="x")
    assert (UpwardEvent.objects.count(), CaseEvent.objects.count()) == before
