"""The demo city's worked example of an urgent upward report (called once by minxin.demo.build).

A collective case in 禾城区 is marked 重大紧急 by the county bureau, its first report goes up
within the 2-hour limit to the 区委区政府总值班室, the city bureau and 国家信访局, both sign
for it, the 区委书记 and the city bureau send 批示; the first 批示 is answered in time, the
city's is still open and past its limit (so the overdue flag shows), and a 续报 follows.
A red risk alert, if the year produced one in a county, becomes a second matter's draft.
All through the services, at realistic past times (clock.moved_to).
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from zoneinfo import ZoneInfo

from minxin.cases.models import Case
from minxin.core import clock
from minxin.org import services as org
from minxin.org.models import Area, AreaLevel, Staff, UnitKind
from minxin.upward import services as svc
from minxin.upward.models import ReceivingOffice, RecipientRole, UrgentMatter


def _offices(city: Area) -> None:
    """本级党委和政府 receiving offices of the city and its counties (outside the system)."""
    for area in [city, *Area.objects.filter(parent=city).order_by("code")]:
        if ReceivingOffice.objects.filter(area=area).exists():
            continue
        name = f"中共{area.name}委、{area.name}人民政府总值班室"
        unit = org.create_unit(code=f"ZBS-{area.code}", name=name, kind=UnitKind.GOVERNMENT, area=area, is_external=True,
                               short_name=f"{area.name}总值班室")
        ReceivingOffice.objects.create(area=area, unit=unit)


def build_demo_urgent_report(*, end_date: dt.date, say=lambda m: None) -> int:
    """Returns how many urgent matters it created (0 when the demo city lacks what it needs)."""
    city = Area.objects.filter(level=AreaLevel.CITY).order_by("code").first()
    staff = {s.user.username: s for s in Staff.objects.select_related("user", "unit__area").filter(
        user__username__in=["county1_handler", "county1_leader", "county1_analyst", "city_leader"])}
    if city is None or len(staff) < 4 or UrgentMatter.objects.exists():
        return 0
    say("upward")
    tz = ZoneInfo(settings.TIME_ZONE)
    handler, leader, city_leader = staff["county1_handler"], staff["county1_leader"], staff["city_leader"]
    county = handler.unit.area
    case = (Case.objects.visible_to(handler).filter(area__path__startswith=county.path, received_at__date__lte=end_date - dt.timedelta(days=8))
            .filter(Q(is_collective=True) | Q(people_count__gte=5)).order_by("-received_at", "pk").first())
    if case is None:
        return 0
    day = end_date - dt.timedelta(days=6)  # the case was received at least 8 days before the end
    t0 = dt.datetime.combine(day, dt.time(8, 40), tzinfo=tz)
    people = max(case.people_count or 0, 60)
    made = 0
    with transaction.atomic():
        _offices(city)
        with clock.moved_to(t0):
            matter = svc.mark_case(case, actor=handler, gravity="both", title=f"{county.name}{case.subject}群体聚集",
                                   reason=f"{people}名群众在区政府门口聚集，情绪激动，有扩大趋势，可能造成较大社会影响")
        first = matter.reports.get()
        with clock.moved_to(t0 + dt.timedelta(minutes=50)):
            svc.update_report(first, actor=handler, occurred_at=t0 - dt.timedelta(minutes=40),
                              location=f"{county.name}人民政府门口", people_count=people,
                              demands=case.request or "要求尽快解决拖欠问题", contact_phone="0999-8601234",
                              development=f"8时许群众陆续到达，现约{people}人，打出横幅，暂未堵塞交通，现场秩序基本可控",
                              measures="区信访局、属地街道和责任单位负责人已到场接谈，公安机关派员维持秩序，已登记代表5人",
                              suggestions="建议区政府召集相关部门当日研究解决方案，由责任单位向群众代表公开答复时间表")
            svc.submit_report(first, actor=handler)
        with clock.moved_to(t0 + dt.timedelta(minutes=70)):
            svc.approve_report(first, actor=leader)
        with clock.moved_to(t0 + dt.timedelta(minutes=80)):
            svc.send_report(first, actor=handler)
        deliveries = {d.role: d for d in first.deliveries.select_related("unit")}
        with clock.moved_to(t0 + dt.timedelta(minutes=95)):
            if RecipientRole.UPPER_BUREAU in deliveries:
                svc.acknowledge(deliveries[RecipientRole.UPPER_BUREAU], actor=city_leader)
            if RecipientRole.PARTY_GOVERNMENT in deliveries:
                svc.acknowledge(deliveries[RecipientRole.PARTY_GOVERNMENT], actor=handler, by_name="总值班室 值班员")
        if RecipientRole.PARTY_GOVERNMENT in deliveries:
            with clock.moved_to(t0 + dt.timedelta(hours=3)):
                ins = svc.record_instruction(deliveries[RecipientRole.PARTY_GOVERNMENT], actor=handler, leader="区委书记",
                                             text="请区政府分管领导牵头，依法依规解决群众合理诉求，做好疏导工作，防止事态扩大，情况及时报告。")
            with clock.moved_to(t0 + dt.timedelta(days=2, hours=7)):
                svc.record_feedback(ins, actor=handler, text="已召开专题协调会，责任单位承诺15日内兑付，群众代表表示认可，现场人员已全部离开。")
        if RecipientRole.UPPER_BUREAU in deliveries:
            with clock.moved_to(t0 + dt.timedelta(hours=5)):
                svc.record_instruction(deliveries[RecipientRole.UPPER_BUREAU], actor=city_leader, leader="市信访局局长",
                                       text="请禾城区信访局跟踪兑付进度，每周报告一次，兑付完成后终报。",
                                       due_on=day + dt.timedelta(days=3))
        with clock.moved_to(t0 + dt.timedelta(hours=20)):
            follow = svc.draft_report(matter, actor=handler)
            svc.update_report(follow, actor=handler, people_count=first.people_count,
                              development="当日17时聚集人员全部离开；责任单位已公布兑付时间表，未发生过激行为",
                              measures="区政府召开专题协调会；属地街道逐户走访；信访局安排专人跟踪兑付",
                              suggestions="持续跟踪兑付进度，兑付完成后终报")
            svc.submit_report(follow, actor=handler)
            svc.approve_report(follow, actor=leader)
            svc.send_report(follow, actor=handler)
        made += 1
        made += _from_alert(staff["county1_analyst"], end_date=end_date, tz=tz)
    return made


def _from_alert(analyst: Staff, *, end_date: dt.date, tz) -> int:
    from minxin.risk.models import Alert, AlertState, RiskLevel

    alert = (Alert.objects.filter(level=RiskLevel.RED, area__path__startswith=analyst.unit.area.path)
             .exclude(state=AlertState.CLOSED).order_by("-created_at").first())
    if alert is None:
        return 0
    with clock.moved_to(dt.datetime.combine(end_date - dt.timedelta(days=1), dt.time(10, 0), tzinfo=tz)):
        svc.mark_alert(alert, actor=analyst, gravity="major", reason="红色预警，涉及人数多，需报告本级党委和政府")
    return 1
