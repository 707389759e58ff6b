"""The full statutory path of one item, and the 交办 path with a 办结报告."""

import datetime as dt

from minxin.cases import services as svc
from minxin.cases.audit import verify_case
from minxin.cases.models import CaseRouting, CaseState
from minxin.cases.selectors import describe_event, timeline
from minxin.documents.models import Document
from minxin.rules.models import CaseDeadline, DeadlineState


def clocks(case):
    return {d.code: d for d in CaseDeadline.objects.filter(case=case, state=DeadlineState.RUNNING)}


def test_item_goes_from_registration_through_review_and_recheck_to_final(city, register, clock):
    s = city.staff
    case = register()
    assert case.state == CaseState.REGISTERED
    assert case.number.startswith("B-EAST-2026-")
    assert set(clocks(case)) == {"register_route_15d"}
    assert clocks(case)["register_route_15d"].due_on == dt.date(2026, 3, 17)

    clock.shift(dt.timedelta(days=2))
    case = svc.transfer_case(case, actor=s["east_registrar"], unit=city.units["east1_office"], expected_version=case.version)
    assert case.state == CaseState.TRANSFERRED and case.current_unit == city.units["east1_office"]
    assert set(clocks(case)) == {"accept_notice_15d", "objection_5wd"}
    assert CaseRouting.objects.filter(case=case, unit=city.units["east1_office"], kind="transfer").exists()

    case = svc.accept_case(case, actor=s["east1_handler"], route=svc.Route.OPINION)
    assert case.state == CaseState.ACCEPTED
    assert set(clocks(case)) == {"handle_60d"}
    # 3 May falls in the 劳动节 holiday (1–5 May 2026): the last day moves to 6 May.
    assert clocks(case)["handle_60d"].due_on == dt.date(2026, 5, 6)

    clock.shift(dt.timedelta(days=20))
    case = svc.issue_opinion(
        case, actor=s["east1_handler"], request="修复电梯", facts="经核实电梯维保合同到期", opinion="责成物业限期修复",
        legal_basis="《物业管理条例》第三十五条", outcome=svc.Outcome.SUPPORT, delivered_on=dt.date(2026, 3, 24),
    )
    assert case.state == CaseState.OPINION_ISSUED and case.decision_unit == city.units["east1_office"]
    assert clocks(case)["review_request_30d"].due_on == dt.date(2026, 4, 23)

    clock.shift(dt.timedelta(days=10))
    case = svc.request_review(case, actor=s["east_registrar"], request="对处理意见不服")
    assert case.state == CaseState.REVIEW_REQUESTED and case.current_unit == city.units["east_bureau"]

    case = svc.decide_review(
        case, actor=s["east_leader"], result=svc.ReviewResult.UPHELD, facts="事实清楚", opinion="维持原处理意见",
        legal_basis="《信访工作条例》第三十五条", delivered_on=clock_today(),
    )
    assert case.state == CaseState.REVIEW_DECIDED
    case = svc.request_recheck(case, actor=s["east_registrar"], request="对复查意见不服")
    assert case.current_unit == city.units["city_bureau"]

    case = svc.start_hearing(case, actor=s["city_leader"])
    clock.shift(dt.timedelta(days=5))
    case = svc.end_hearing(case, actor=s["city_leader"])
    recheck = clocks(case)["recheck_decide_30d"]
    assert recheck.paused_days == 5
    case = svc.decide_recheck(
        case, actor=s["city_leader"], result=svc.ReviewResult.UPHELD, facts="事实清楚", opinion="维持复查意见",
        legal_basis="《信访工作条例》第三十六条",
    )
    assert case.state == CaseState.FINAL and case.closed_at is not None
    assert clocks(case) == {}
    assert verify_case(case) == []
    kinds = list(Document.objects.filter(case=case).order_by("pk").values_list("kind", flat=True))
    assert kinds == ["transfer", "acceptance", "opinion", "review_opinion", "recheck_opinion"]
    lines = [text for _ev, text in timeline(case)]
    assert lines[1].startswith("2026年3月4日 东城区信访局 东城登记员 将事项转送至 东一街道办事处")
    assert all("13912345678" not in line for line in lines)


def clock_today():
    from minxin.core import clock

    return clock.today()


def test_assigned_item_returns_a_report_that_the_bureau_accepts(city, register, clock):
    s = city.staff
    case = register()
    case = svc.assign_case(case, actor=s["east_leader"], unit=city.units["east_housing"], days=30)
    assert case.state == CaseState.ASSIGNED and case.assigned_days == 30
    assert clocks(case)["assigned_report"].due_on == dt.date(2026, 4, 1)
    event = case.events.order_by("-seq").first()
    assert describe_event(event).startswith("2026年3月2日 东城区信访局 东城局领导 将事项交办至 东城区住房和城乡建设局，办理期限30日")

    case = svc.accept_case(case, actor=s["east_housing_handler"], route=svc.Route.PERFORM_DUTY)
    assert case.state == CaseState.REFERRED
    case = svc.submit_report(case, actor=s["east_housing_handler"], process="约谈物业", result="已修复")
    assert case.state == CaseState.REPORTED
    case = svc.review_report(case, actor=s["east_leader"], accept=False, note="未附维修凭证")
    assert case.state == CaseState.ACCEPTED
    case = svc.submit_report(case, actor=s["east_housing_handler"], process="约谈物业并取得凭证", result="已修复")
    case = svc.review_report(case, actor=s["east_leader"], accept=True)
    assert case.state == CaseState.CLOSED
    assert verify_case(case) == []
