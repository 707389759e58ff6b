"""Two worked 稳评 in the demo city, made through the services with the clock moved.

1. A 房屋征收 (demolition) project in a township of 禾城区 (the township with the most
   房地产 petitions of the year): assessed by the district's 信访局 analyst with the 住建局,
   red risk, concluded 暂缓实施 and approved by the 住建局's leader — not yet decided.
2. A policy change in 青湖区's 劳动关系 domain (the 农民工工资保证金 rules), judged low
   risk and decided six weeks before the end of the demo year. Its follow-up on the last
   day finds what the assessment missed: the district's wage-arrears petitions rose after
   the decision, and the early warning raised an alert for the same series (the surge the
   case stream plants, minxin.demo.generate.surge_week).
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count

from minxin.cases.models import Case, Domain
from minxin.core import clock
from minxin.org.models import Area, AreaLevel, Staff
from minxin.risk.models import Alert, AlertKind
from minxin.stability import services


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=ZoneInfo(settings.TIME_ZONE))


def _staff(area: Area, suffix: str) -> Staff | None:
    """The demo account of a unit at `area` whose username ends with `suffix` (e.g. county1_hr_handler)."""
    return (Staff.objects.select_related("unit__area", "user").filter(unit__area=area, user__username__endswith=suffix)
            .order_by("user__username").first())


@transaction.atomic
def build_demo_assessments(*, end_date: dt.date, city_code: str) -> int:
    """Create the two worked assessments; returns how many were created (0 if the city lacks the accounts)."""
    city = Area.objects.filter(code=city_code).first()
    counties = list(Area.objects.filter(parent=city).order_by("code")) if city else []
    if len(counties) < 2:
        return 0
    made = 0
    housing = Domain.objects.filter(name="房地产").first()
    labour = Domain.objects.filter(name="劳动关系").first()
    since = _at(end_date - dt.timedelta(days=365), 0)
    if housing is not None:
        busiest = (Case.objects.filter(domain=housing, received_at__gte=since, area__path__startswith=counties[0].path)
                   .values("area__path").annotate(n=Count("id")))
        by_town: dict[str, int] = {}
        towns = {a.path: a for a in Area.objects.filter(parent=counties[0], level=AreaLevel.TOWNSHIP)}
        for row in busiest:
            town = next((p for p in towns if row["area__path"].startswith(p)), None)
            if town:
                by_town[town] = by_town.get(town, 0) + row["n"]
        # Ties go to the first path, so every database picks the same township.
        town = towns[max(sorted(by_town), key=by_town.get)] if by_town else next(iter(sorted(towns.items())), (None, counties[0]))[1]
        analyst, leader = _staff(counties[0], "_analyst"), _staff(counties[0], "_housing_leader")
        if analyst and leader:
            _demolition(town, housing, end_date, analyst, leader)
            made += 1
    if labour is not None:
        # The planted surge's alert (raised in one of the last weeks), else the second county.
        surge = (Alert.objects.filter(kind=AlertKind.STATISTICAL, domain=labour, area__level=AreaLevel.COUNTY,
                                      period_start__gte=end_date - dt.timedelta(weeks=6))
                 .select_related("area").order_by("-observed", "pk").first())
        county = surge.area if surge is not None else counties[1]
        handler, leader = _staff(county, "_hr_handler"), _staff(county, "_hr_leader")
        if handler and leader:
            _policy_change(county, labour, end_date, handler, leader)
            made += 1
    return made


def _demolition(town: Area, domain: Domain, end: dt.date, analyst: Staff, leader: Staff) -> None:
    unit = leader.unit
    with clock.moved_to(_at(end - dt.timedelta(days=40), 10)):
        d = services.register_decision(
            actor=analyst, title=f"{town.name}旧城改造片区房屋征收项目", kind="demolition", area=town, domain=domain,
            responsible_unit=unit, planned_on=end + dt.timedelta(days=45),
            description="对片区内约460户老旧住房实施征收，用于建设安置小区和城市道路；补偿方案拟采取货币补偿与产权调换相结合。")
        services.start_assessment(d, actor=analyst)
    with clock.moved_to(_at(end - dt.timedelta(days=25), 15)):
        services.record_findings(
            d, actor=analyst,
            affected_groups=[{"group": "被征收户", "count": 462}, {"group": "片区临街商户", "count": 58}, {"group": "租住人员", "count": 130}],
            findings="发放征求意见表462份，收回401份，同意征收的占71%；召开座谈会4次、听证会1次；"
                     "反对意见集中在补偿单价低于周边新房价格、过渡期安置费偏低和商户停业损失未计入。")
    with clock.moved_to(_at(end - dt.timedelta(days=10), 16)):
        services.conclude_assessment(
            d, actor=analyst, conclusion="postpone", level="red",
            level_reasons="近一年片区内房地产类信访集中，多次出现集体访；近三成住户明确反对现行补偿标准；"
                          "商户停业损失尚无补偿依据，存在群体性上访和越级上访风险。",
            measures="重新委托评估机构测算补偿单价并公示；增设商户停业损失补偿；提高过渡期安置费；"
                     "设立片区政策咨询点，包户干部逐户沟通；方案调整后重新开展稳评。")
    with clock.moved_to(_at(end - dt.timedelta(days=7), 9)):
        services.approve_assessment(d, actor=leader, note="同意暂缓实施，待补偿方案调整并重新评估后再提请决策。")


def _policy_change(county: Area, domain: Domain, end: dt.date, handler: Staff, leader: Staff) -> None:
    decided = end - dt.timedelta(weeks=6)
    with clock.moved_to(_at(decided - dt.timedelta(days=35), 10)):
        d = services.register_decision(
            actor=handler, title=f"{county.name}建设领域农民工工资保证金缴存比例调整", kind="fee_policy", area=county, domain=domain,
            responsible_unit=handler.unit, planned_on=decided,
            description="在建工程农民工工资保证金缴存比例由合同价款的3%下调为1.5%，信用良好的施工企业可以银行保函替代。")
        services.start_assessment(d, actor=handler)
    with clock.moved_to(_at(decided - dt.timedelta(days=20), 15)):
        services.conclude_assessment(
            d, actor=handler, conclusion="proceed", level="blue",
            affected_groups=[{"group": "在建项目施工企业", "count": 86}, {"group": "在建项目农民工", "count": 5200}],
            findings="征求施工企业、行业协会和工会意见，企业普遍支持；工资专用账户和实名制管理已全面推行。",
            level_reasons="政策减轻企业负担，工资支付仍有专用账户保障，近一年该领域信访总体平稳。",
            measures="保证金下调后加强工资专用账户监管，每月通报欠薪线索。")
    with clock.moved_to(_at(decided - dt.timedelta(days=14), 9)):
        services.approve_assessment(d, actor=leader, note="同意实施。")
    with clock.moved_to(_at(end, 10)):
        services.record_follow_up(
            d, actor=handler, decided_on=decided, weeks=8,
            note="决策后劳动关系类信访明显上升，与统计预警同步；已提请对保证金下调后的在建项目开展欠薪专项排查。")
