"""Every path of the statutory lifecycle completes in the demo city, through the services.

The demo has the provincial and national bodies above 青禾市, so a 复查 and a 复核 can be
requested and decided whichever level gave the first opinion. The walk below takes every
(action, from state, to state) edge of minxin.cases.statemachine.TABLE at least once, with
the demo's own accounts, and the last test checks that nothing was left out.
"""

import datetime as dt
import random
from types import SimpleNamespace

import pytest

from minxin.cases import services as svc
from minxin.cases.audit import verify_case
from minxin.cases.models import Case, CaseEvent, CaseState as S
from minxin.cases.statemachine import ACTIONS, TABLE
from minxin.demo.city import CITY_CODE, SMALL_CITY, build_city
from minxin.org.models import Area, AreaLevel, Staff
from minxin.testing import person

OPINION = dict(request="修复小区道路", facts="经核实道路破损属实", opinion="责成有关单位限期修复", legal_basis="《信访工作条例》第三十二条")
DECISION = dict(facts="事实清楚", opinion="维持原处理意见", legal_basis="《信访工作条例》第三十五条")


@pytest.fixture
def demo(db, clock):
    build_city(random.Random("city:1"), SMALL_CITY)
    staff = {s.user.username: s for s in Staff.objects.select_related("user", "unit__parent")}
    city = Area.objects.get(code=CITY_CODE)
    county1 = Area.objects.filter(parent=city).order_by("code").first()
    village = Area.objects.filter(path__startswith=county1.path, level=AreaLevel.VILLAGE).order_by("code").first()
    n = [0]

    def register(actor="county1_registrar", category="complaint"):
        n[0] += 1
        return svc.register_case(
            actor=staff[actor], channel="visit", category=category, subject=f"小区道路破损无人维修（{n[0]}）",
            content="小区主干道破损严重，多次反映无人维修。", request="尽快修复道路", facts="道路破损已半年",
            reasons="影响居民出行", area=village, petitioners=[person()],
        )

    def unit(username):
        return staff[username].unit

    return SimpleNamespace(staff=staff, register=register, unit=unit, clock=clock)


def today():
    from minxin.core import clock

    return clock.today()


def _opinion(case, handler):
    return svc.issue_opinion(case, actor=handler, outcome=svc.Outcome.REJECT, **OPINION)


def test_county_department_opinion_is_reviewed_by_the_city_department_and_rechecked_by_the_province(demo):
    s, d = demo.staff, demo
    case = d.register()
    case = svc.transfer_case(case, actor=s["county1_registrar"], unit=d.unit("county1_housing_handler"))
    case = svc.accept_case(case, actor=s["county1_housing_handler"], route=svc.Route.OPINION)
    case = svc.start_hearing(case, actor=s["county1_housing_handler"])
    case = svc.end_hearing(case, actor=s["county1_housing_handler"], summary="听证会已举行")
    case = svc.extend_handling(case, actor=s["county1_housing_leader"], days=30, reason="案情复杂，需补充调查")
    case = _opinion(case, s["county1_housing_handler"])
    case = svc.record_delivery(case, actor=s["county1_housing_handler"], delivered_on=today())
    d.clock.shift(dt.timedelta(days=3))

    case = svc.request_review(case, actor=s["county1_registrar"], request="对处理意见不服")
    assert case.state == S.REVIEW_REQUESTED and case.current_unit == d.unit("city_housing_handler")
    case = svc.start_hearing(case, actor=s["city_housing_handler"])
    case = svc.end_hearing(case, actor=s["city_housing_handler"])
    case = svc.decide_review(case, actor=s["city_housing_leader"], result=svc.ReviewResult.UPHELD, **DECISION)
    case = svc.record_delivery(case, actor=s["city_housing_handler"], delivered_on=today())
    d.clock.shift(dt.timedelta(days=3))

    case = svc.request_recheck(case, actor=s["county1_registrar"], request="对复查意见不服")
    assert case.current_unit == d.unit("province_housing_handler")
    assert case.current_unit.name == "禾川省住房和城乡建设厅"
    case = svc.start_hearing(case, actor=s["province_housing_handler"])
    case = svc.end_hearing(case, actor=s["province_housing_handler"])
    case = svc.decide_recheck(case, actor=s["province_housing_leader"], result=svc.ReviewResult.UPHELD, **DECISION)
    assert case.state == S.FINAL
    assert verify_case(case) == []

    # Art. 36 §3: the same matter again after 复核终结 is not accepted again.
    again = d.register()
    again = svc.refuse_repeat(again, actor=s["county1_registrar"], earlier_case=case, reason="同一事实和理由，复核已终结")
    assert again.state == S.NOT_REACCEPTED


def test_city_department_opinion_is_reviewed_by_the_province_and_rechecked_nationally(demo):
    """The reported dead end: a 复查 decided at city level had no 复核 body to name."""
    s, d = demo.staff, demo
    case = d.register(actor="city_registrar")
    case = svc.transfer_case(case, actor=s["city_registrar"], unit=d.unit("city_housing_handler"))
    case = svc.accept_case(case, actor=s["city_housing_handler"], route=svc.Route.OPINION)
    case = svc.issue_opinion(case, actor=s["city_housing_leader"], outcome=svc.Outcome.EXPLAIN, delivered_on=today(), **OPINION)
    d.clock.shift(dt.timedelta(days=2))
    case = svc.request_review(case, actor=s["city_registrar"], request="对处理意见不服")
    assert case.current_unit == d.unit("province_housing_handler")
    case = svc.decide_review(case, actor=s["province_housing_leader"], result=svc.ReviewResult.CHANGED, delivered_on=today(), **DECISION)
    d.clock.shift(dt.timedelta(days=2))
    case = svc.request_recheck(case, actor=s["city_registrar"], request="对复查意见不服")
    assert case.current_unit.name == "住房和城乡建设部"
    case = svc.decide_recheck(case, actor=s["nation_housing_leader"], result=svc.ReviewResult.UPHELD, **DECISION)
    assert case.state == S.FINAL and verify_case(case) == []


def test_township_opinion_is_reviewed_by_the_county_bureau_and_rechecked_by_the_city_bureau(demo):
    s, d = demo.staff, demo
    case = d.register()
    case = svc.transfer_case(case, actor=s["county1_registrar"], unit=d.unit("county1_town01_handler"))
    case = svc.accept_case(case, actor=s["county1_town01_handler"], route=svc.Route.OPINION)
    case = svc.issue_opinion(case, actor=s["county1_town01_handler"], outcome=svc.Outcome.SUPPORT, delivered_on=today(), **OPINION)
    case = svc.request_review(case, actor=s["county1_registrar"], request="不服")
    assert case.current_unit == d.unit("county1_leader")
    case = svc.decide_review(case, actor=s["county1_leader"], result=svc.ReviewResult.OVERTURNED, delivered_on=today(), **DECISION)
    case = svc.request_recheck(case, actor=s["county1_registrar"], request="不服")
    assert case.current_unit == d.unit("city_leader")
    case = svc.decide_recheck(case, actor=s["city_leader"], result=svc.ReviewResult.UPHELD, **DECISION)
    assert case.state == S.FINAL and verify_case(case) == []


def test_refusals_objections_and_disputes_complete(demo):
    s, d = demo.staff, demo
    reg, housing, resources = s["county1_registrar"], d.unit("county1_housing_handler"), d.unit("county1_resources_handler")

    c = svc.refuse_case(d.register(), actor=reg, ground=svc.RefusalGround.OTHER, reason="已进入诉讼程序",
                        legal_basis="《信访工作条例》第三十一条")
    assert c.state == S.NOT_ACCEPTED
    c = svc.transfer_case(d.register(), actor=reg, unit=housing)
    c = svc.refuse_case(c, actor=s["county1_housing_handler"], ground=svc.RefusalGround.OTHER, reason="不属于信访事项", legal_basis="第十四条")
    assert c.state == S.NOT_ACCEPTED
    c = svc.assign_case(d.register(), actor=reg, unit=housing, days=30)
    c = svc.refuse_case(c, actor=s["county1_housing_handler"], ground=svc.RefusalGround.OTHER, reason="不属于信访事项", legal_basis="第十四条")
    assert c.state == S.NOT_ACCEPTED

    # 异议: agreed (back to the bureau), refused for a transferred and for an assigned case.
    c = svc.transfer_case(d.register(), actor=reg, unit=housing)
    c = svc.object_to_transfer(c, actor=s["county1_housing_handler"], reason="不属于本单位职责")
    c = svc.decide_objection(c, actor=reg, agree=True)
    assert c.state == S.REGISTERED and c.current_unit == reg.unit
    c = svc.transfer_case(c, actor=reg, unit=resources)
    c = svc.object_to_transfer(c, actor=s["county1_resources_handler"], reason="不属于本单位职责")
    c = svc.decide_objection(c, actor=reg, agree=False, note="属于本单位职责")
    assert c.state == S.TRANSFERRED
    c = svc.assign_case(d.register(), actor=reg, unit=housing, days=30)
    c = svc.object_to_transfer(c, actor=s["county1_housing_handler"], reason="不属于本单位职责")
    c = svc.decide_objection(c, actor=reg, agree=False, note="属于本单位职责")
    assert c.state == S.ASSIGNED

    # 管辖争议 (Art. 24): two township offices share the county bureau as their 上一级.
    town1, town2 = d.unit("county1_town01_handler"), d.unit("county1_town02_handler")
    c = svc.open_jurisdiction_dispute(d.register(), actor=reg, units=[town1, town2], reason="两个街道均认为不属本辖区")
    assert c.state == S.DISPUTED
    c = svc.settle_dispute(c, actor=s["county1_leader"], unit=town1)
    assert c.state == S.TRANSFERRED and c.current_unit == town1
    c = svc.open_jurisdiction_dispute(c, actor=s["county1_town01_handler"], units=[town1, town2], reason="应由相邻街道办理")
    c = svc.settle_dispute(c, actor=s["county1_leader"], unit=town2)
    assert c.current_unit == town2
    c = svc.assign_case(d.register(), actor=reg, unit=town1, days=30)
    c = svc.open_jurisdiction_dispute(c, actor=s["county1_town01_handler"], units=[town1, town2], reason="应由相邻街道办理")
    c = svc.settle_dispute(c, actor=s["county1_leader"], unit=town2)
    assert c.state == S.TRANSFERRED


def test_assigned_items_report_back_and_referred_or_simple_items_close(demo):
    s, d = demo.staff, demo
    reg, housing, handler = s["county1_registrar"], d.unit("county1_housing_handler"), s["county1_housing_handler"]

    c = svc.assign_case(d.register(), actor=reg, unit=housing, days=30)
    c = svc.accept_case(c, actor=handler, route=svc.Route.PERFORM_DUTY)
    assert c.state == S.REFERRED
    c = svc.submit_report(c, actor=handler, process="已依法履职", result="已修复")
    c = svc.review_report(c, actor=reg, accept=True)
    assert c.state == S.CLOSED

    c = svc.assign_case(d.register(category="suggestion"), actor=reg, unit=housing, days=30)
    c = svc.accept_case(c, actor=handler)
    c = svc.submit_report(c, actor=handler, process="已研究", result="部分采纳")
    c = svc.review_report(c, actor=reg, accept=False, note="请补充采纳情况")
    assert c.state == S.ACCEPTED
    c = svc.submit_report(c, actor=handler, process="已研究", result="已补充采纳情况")
    c = svc.review_report(c, actor=reg, accept=True)
    assert c.state == S.CLOSED

    c = svc.assign_case(d.register(), actor=reg, unit=housing, days=30)
    c = svc.accept_case(c, actor=handler, route=svc.Route.OPINION)
    c = svc.issue_opinion(c, actor=handler, outcome=svc.Outcome.SUPPORT, delivered_on=today(), **OPINION)
    c = svc.submit_report(c, actor=handler, process="已出具处理意见书", result="予以支持")
    c = svc.review_report(c, actor=reg, accept=True)
    assert c.state == S.OPINION_ISSUED

    c = svc.transfer_case(d.register(category="suggestion"), actor=reg, unit=housing)
    c = svc.close_case(svc.accept_case(c, actor=handler), actor=handler, result="建议已采纳")
    assert c.state == S.CLOSED
    c = svc.transfer_case(d.register(), actor=reg, unit=housing)
    c = svc.accept_case(c, actor=handler, route=svc.Route.LITIGATION)
    c = svc.close_case(c, actor=handler, result="已导入诉讼程序")
    assert c.state == S.CLOSED


def test_unused_review_and_recheck_windows_close_the_case(demo):
    s, d = demo.staff, demo
    reg, housing, handler = s["county1_registrar"], d.unit("county1_housing_handler"), s["county1_housing_handler"]
    first = svc.accept_case(svc.transfer_case(d.register(), actor=reg, unit=housing), actor=handler, route=svc.Route.OPINION)
    first = svc.issue_opinion(first, actor=handler, outcome=svc.Outcome.EXPLAIN, delivered_on=today(), **OPINION)
    second = svc.accept_case(svc.transfer_case(d.register(), actor=reg, unit=housing), actor=handler, route=svc.Route.OPINION)
    second = svc.issue_opinion(second, actor=handler, outcome=svc.Outcome.EXPLAIN, delivered_on=today(), **OPINION)
    second = svc.request_review(second, actor=reg, request="不服")
    second = svc.decide_review(second, actor=s["city_housing_leader"], result=svc.ReviewResult.UPHELD, delivered_on=today(), **DECISION)
    d.clock.shift(dt.timedelta(days=40))
    assert svc.close_expired_review_window(first) and svc.close_expired_review_window(second)
    assert set(Case.objects.filter(pk__in=[first.pk, second.pk]).values_list("state", flat=True)) == {S.CLOSED}


def test_the_walk_takes_every_edge_of_the_state_machine(demo):
    for walk in (
        test_county_department_opinion_is_reviewed_by_the_city_department_and_rechecked_by_the_province,
        test_city_department_opinion_is_reviewed_by_the_province_and_rechecked_nationally,
        test_township_opinion_is_reviewed_by_the_county_bureau_and_rechecked_by_the_city_bureau,
        test_refusals_objections_and_disputes_complete,
        test_assigned_items_report_back_and_referred_or_simple_items_close,
        test_unused_review_and_recheck_windows_close_the_case,
    ):
        walk(demo)
    edges = {("register", "", S.REGISTERED)} | {
        (t.action, source, target) for t in TABLE for source in t.sources for target in (t.targets or {source})
    }
    walked = set(CaseEvent.objects.filter(action__in=ACTIONS).values_list("action", "from_state", "to_state"))
    assert edges - walked == set()
    assert walked <= edges
    for case in Case.objects.all():
        assert verify_case(case) == [], case.number
