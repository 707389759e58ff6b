"""The demo's worked 联席会议: 禾城区信访局 convenes the district's housing and labour bureaus and
a street office on two open cases and a ledger entry, records minutes and decisions, and gives
four tasks. By the end date one task is accepted, one waits for acceptance, one is not yet due
and one is overdue: the sweep flagged it and the district's 督办员 督办ed it.

Everything goes through minxin.meetings.services (and the 督办 machinery) with the clock moved
to the day each step would have happened, like the rest of the worked year (minxin.demo.year).
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from minxin.cases.models import Case, Category
from minxin.core import clock
from minxin.demo.city import CODE_PREFIX
from minxin.meetings import services
from minxin.org.models import Staff, Unit
from minxin.rules.calendar_db import load_working_calendar

TOPIC = "禾城区住房和欠薪问题信访事项联席会议"


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=ZoneInfo(settings.TIME_ZONE))


def _workday_on_or_before(day: dt.date) -> dt.date:
    cal = load_working_calendar()
    while not cal.is_workday(day):
        day -= dt.timedelta(days=1)
    return day


def build_joint_meeting(*, end_date: dt.date) -> dict[str, int]:
    """Create the worked example; returns counts for the build summary. Needs the worked year's
    ledger (an entry of 禾城区) and open cases of 禾城区."""
    staff = {s.user.username: s for s in Staff.objects.select_related("user", "unit__area").filter(
        user__username__in=["county1_leader", "county1_registrar", "county1_supervisor", "county1_housing_handler",
                            "county1_housing_leader", "county1_town01_handler"])}
    units = {u.code: u for u in Unit.objects.filter(code__in=[
        f"{CODE_PREFIX}-B-C1", f"{CODE_PREFIX}-G-C1-HOUSING", f"{CODE_PREFIX}-G-C1-HR"])}
    bureau, housing, hr = (units.get(f"{CODE_PREFIX}-{k}") for k in ("B-C1", "G-C1-HOUSING", "G-C1-HR"))
    if bureau is None or housing is None or hr is None or {"county1_leader", "county1_supervisor"} - set(staff):
        return {}
    town = staff["county1_town01_handler"].unit if "county1_town01_handler" in staff else None
    leader, supervisor = staff["county1_leader"], staff["county1_supervisor"]
    # Two open cases of the district (not 检举控告: a meeting's task letter must not reach an accused unit),
    # handled by different units: the kind of matter that needs coordinating.
    open_cases = (Case.objects.open().filter(area__path__startswith=bureau.area.path, current_unit__isnull=False)
                  .exclude(category=Category.ACCUSATION).exclude(current_unit=hr).select_related("current_unit")
                  .order_by("received_at", "pk"))
    cases: list[Case] = []
    for c in open_cases.iterator():
        if all(c.current_unit_id != o.current_unit_id for o in cases):
            cases.append(c)
        if len(cases) == 2:
            break
    from minxin.risk.models import DisputeEntry

    entry = DisputeEntry.objects.filter(area__path__startswith=bureau.area.path).order_by("pk").first()
    if len(cases) < 2 or town is None:
        return {}
    held_on = _workday_on_or_before(end_date - dt.timedelta(days=21))
    with transaction.atomic():
        with clock.moved_to(_at(held_on - dt.timedelta(days=3), 10)):
            meeting = services.convene_meeting(actor=leader, held_on=held_on, topic=TOPIC, place="禾城区信访局三楼会议室",
                                               members=[housing, hr, town])
            items = [services.add_agenda_item(meeting, actor=leader, case=c, note="涉及多个单位职责，需会商明确牵头单位")
                     for c in cases]
            if entry is not None:
                items.append(services.add_agenda_item(meeting, actor=staff["county1_registrar"], entry=entry,
                                                      note="台账风险较高，提请会议研究化解措施"))
        with clock.moved_to(_at(held_on, 16)):
            services.record_minutes(meeting, actor=staff["county1_registrar"], minutes=(
                "会议由区信访局主持，区住建局、区人社局和属地街道参加。会议听取了两件信访事项的办理情况汇报，"
                "明确了牵头单位和配合单位，要求各单位按期报送办理结果，区信访局跟踪督办。"))
            d1 = services.record_decision(meeting, actor=leader, item=items[0],
                                          text="由区住建局牵头，属地街道配合，督促开发企业制定整改方案并向群众公开")
            d2 = services.record_decision(meeting, actor=leader, item=items[1],
                                          text="由区人社局依法核查用工主体责任，督促支付拖欠款项")
            done = services.assign_task(d1, actor=leader, unit=housing, description="约谈开发企业，督促制定整改方案", days=5)
            waiting = services.assign_task(d1, actor=leader, unit=town, description="做好群众解释疏导，收集诉求清单", days=8)
            late = services.assign_task(d2, actor=leader, unit=hr, description="核查用工主体，书面报告核查结果", days=5)
            if len(items) > 2:
                d3 = services.record_decision(meeting, actor=leader, item=items[2], text="属地街道每周走访，动态更新台账")
                services.assign_task(d3, actor=leader, unit=town, description="每周走访当事人并更新化解进展",
                                     due_on=end_date + dt.timedelta(days=20))
        with clock.moved_to(_at(done.due_on - dt.timedelta(days=1), 15)):
            services.report_task_done(done, actor=staff["county1_housing_handler"],
                                      result="已约谈开发企业负责人，整改方案已报区住建局备案并在小区公示")
        with clock.moved_to(_at(done.due_on, 10)):
            services.accept_task(done, actor=leader, note="方案可行，请属地街道跟踪落实")
        report_day = min(waiting.due_on, end_date - dt.timedelta(days=1))
        with clock.moved_to(_at(report_day, 11)):
            services.report_task_done(waiting, actor=staff["county1_town01_handler"],
                                      result="已逐户走访，形成诉求清单32条，报区信访局")
        # The hourly sweep finds the labour bureau's task overdue the day after its due day; the
        # district's 督办员 issues a 督办 two days later.
        flag_day = late.due_on + dt.timedelta(days=1)
        with clock.moved_to(_at(flag_day, 8)):
            services.flag_overdue_tasks(flag_day)
        with clock.moved_to(_at(min(flag_day + dt.timedelta(days=2), end_date), 9)):
            services.supervise_task(late, actor=supervisor, reason="联席会议交办任务逾期未报送核查结果")
    return {"joint_meetings": 1, "joint_meeting_tasks": meeting.tasks.count()}
