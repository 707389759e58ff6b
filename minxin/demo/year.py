"""Work the demo's year: replay it through the code the live system runs.

The case history is loaded in bulk (minxin.cases.history). Everything the running
system would have produced from that history over the year — overdue detection and
督办建议, 督办 issued and escalated, 复查/复核 windows closing, rating windows and
ratings, daily rollups, statistical early warning, case risk alerts, the dispute
ledger with its screening rounds, a contingency plan with its drill and the intake
classifiers — is produced here by calling the same sweeps and services with the
clock moved (`minxin.core.clock.moved_to`) to the day each would have run. Nothing
is written past those services, so the demo shows what the live code does.

Deterministic: one random.Random(f"year:{seed}") picks which proposals become 督办,
which cases are rated and which become ledger entries; iteration is in pk order.
"""

import datetime as dt
import random
from collections import Counter
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from minxin.cases.models import Case, Domain
from minxin.core import clock
from minxin.core.errors import DomainError
from minxin.demo.city import CITY_CODE
from minxin.demo.generate import HISTORY_DAYS, surge_week
from minxin.org.models import Area, AreaLevel, Staff

# 矛盾纠纷滚动排查 key domains (the ledger's 重点领域 in the demo).
KEY_DOMAINS = ("房地产", "金融", "劳动关系", "教育医疗", "环境保护")
SUPERVISE_SHARE = 0.35  # of the 督办建议 made on a sweep day, how many the bureau turns into 督办
RATING_SHARE = 0.35  # of the open rating windows, how many petitioners rate (by phone, recorded by the bureau)
# Classifiers learn from the most recent cases: the texts of the last months are what new ones look
# like, and training time grows with the rows (this bounds the demo build).
CLASSIFIER_ROWS = 2000


@dataclass
class YearResult:
    seconds: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


class _Year:
    def __init__(self, *, seed: int, end_date: dt.date, say: Callable[[str], None]):
        self.rng = random.Random(f"year:{seed}")
        self.end = end_date
        self.start = end_date - dt.timedelta(days=HISTORY_DAYS)
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.say = say
        self.result = YearResult()
        self.staff = {s.user.username: s for s in Staff.objects.select_related("user", "unit__area").filter(user__username__in=[
            "city_supervisor", "city_leader", "city_analyst", "city_admin",
        ])}
        self.city = Area.objects.filter(code=CITY_CODE).first()

    def at(self, day: dt.date, hour: int = 9) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour), tzinfo=self.tz)

    def timed(self, label: str, func, *args, **kwargs):
        started = time.perf_counter()
        out = func(*args, **kwargs)
        self.result.seconds[label] = round(time.perf_counter() - started, 1)
        return out

    def count(self, key: str, n: int = 1):
        self.result.counts[key] = self.result.counts.get(key, 0) + n

    # -- 1. the weekly sweeps over the year ------------------------------------------------

    def sweeps(self):
        from minxin.oversight import sweeps
        from minxin.oversight.models import ProposalState, SupervisionProposal
        from minxin.oversight.supervision import issue_supervision

        supervisor = self.staff["city_supervisor"]
        day = self.start + dt.timedelta(days=(7 - self.start.weekday()) % 7)  # first Monday
        while day <= self.end:
            with clock.moved_to(self.at(day)):
                self.count("overdue_proposals", sweeps.detect_overdue(day))
                self.count("review_windows_closed", sweeps.close_expired_review_windows(day))
                self.count("supervisions_escalated", sweeps.escalate_supervisions(day))
            # The city bureau's 督办员 works through the week's proposals on Tuesday.
            with clock.moved_to(self.at(day + dt.timedelta(days=1), 10)):
                if day + dt.timedelta(days=1) < self.end:
                    pending = SupervisionProposal.objects.filter(state=ProposalState.PENDING).select_related("case").order_by("pk")
                    for proposal in pending:
                        if self.rng.random() >= SUPERVISE_SHARE:
                            continue
                        try:
                            issue_supervision(proposal.case, actor=supervisor, ground=proposal.ground, reason=proposal.reason,
                                              target_unit=proposal.unit, proposal=proposal)
                            self.count("supervisions_issued")
                        except DomainError:
                            self.count("supervisions_refused")
            self._supervision_replies(day)
            day += dt.timedelta(days=7)
        # The last run is on the morning of the end date itself.
        with clock.moved_to(self.at(self.end, 8)):
            self.count("overdue_proposals", sweeps.detect_overdue(self.end))
            self.count("review_windows_closed", sweeps.close_expired_review_windows(self.end))
            self.count("supervisions_escalated", sweeps.escalate_supervisions(self.end))

    def _supervision_replies(self, monday: dt.date):
        """Most supervised units reply on the Thursday; the bureau reviews the replies the Monday after."""
        from minxin.oversight.models import Supervision, SupervisionState
        from minxin.oversight.supervision import reply_to_supervision, review_supervision_reply

        thursday, next_monday = monday + dt.timedelta(days=3), monday + dt.timedelta(days=7)
        if next_monday >= self.end:
            return
        with clock.moved_to(self.at(thursday, 15)):
            for sup in Supervision.objects.filter(state=SupervisionState.OPEN, issued_at__lt=self.at(thursday, 0)).order_by("pk"):
                replier = Staff.objects.filter(unit_id=sup.target_unit_id, user__username__endswith="_handler").first()
                if replier is None or self.rng.random() >= 0.6:
                    continue
                try:
                    reply_to_supervision(sup, actor=replier, text="已按督办要求落实整改，事项已办理完毕并答复信访人。")
                    self.count("supervision_replies")
                except DomainError:
                    pass
        with clock.moved_to(self.at(next_monday, 10)):
            for sup in Supervision.objects.filter(state=SupervisionState.REPLIED).select_related("issuing_unit").order_by("pk"):
                reviewer = Staff.objects.filter(unit_id=sup.issuing_unit_id, user__username__endswith="_supervisor").first()
                if reviewer is None:
                    continue
                accept = self.rng.random() < 0.8
                try:
                    review_supervision_reply(sup, actor=reviewer, accept=accept, note="" if accept else "反馈未说明整改措施，请补充")
                    self.count("supervisions_closed" if accept else "supervision_replies_returned")
                except DomainError:
                    pass

    # -- 2. rating windows and ratings ----------------------------------------------------

    def ratings(self):
        from minxin.oversight.models import RatingScore, RatingTarget, RatingWindow, RatingWindowState
        from minxin.oversight.ratings import open_rating_windows, record_rating
        from minxin.org.models import Role

        with clock.moved_to(self.at(self.end, 7)):
            self.count("rating_windows", open_rating_windows())
        bureau_staff = {}
        for s in Staff.objects.filter(unit__kind="petition", roles__role=Role.REGISTRAR).select_related("user", "unit").order_by("user__username"):
            bureau_staff.setdefault(s.unit_id, s)
        windows = (RatingWindow.objects.filter(state=RatingWindowState.PENDING, opens_on__lt=self.end)
                   .select_related("case").order_by("pk"))
        for w in windows:
            if self.rng.random() >= RATING_SHARE:
                continue
            last = min(w.due_on, self.end - dt.timedelta(days=1))
            if last < w.opens_on:
                continue
            day = w.opens_on + dt.timedelta(days=self.rng.randint(0, (last - w.opens_on).days))
            recorder = bureau_staff.get(w.case.registering_unit_id)
            score = self.rng.choices(list(RatingScore.values), [0.62, 0.25, 0.13])[0]
            target = RatingTarget.UNIT if w.unit_id and w.unit_id != w.case.registering_unit_id and self.rng.random() < 0.6 else RatingTarget.BUREAU
            if target == RatingTarget.BUREAU:
                recorder = None  # a bureau cannot record a rating of itself: the petitioner rates online
            with clock.moved_to(self.at(day, 15)):
                try:
                    record_rating(w.case, target=target, score=score, channel="phone" if recorder else "portal", actor=recorder,
                                  rater_petitioner=None if recorder else w.case.parties.values_list("petitioner_id", flat=True).first())
                    self.count("ratings")
                except DomainError:
                    self.count("ratings_refused")
        with clock.moved_to(self.at(self.end, 7)):
            from minxin.oversight.ratings import expire_rating_windows

            self.count("rating_windows_expired", expire_rating_windows(self.end))

    # -- 3. rollups for every day ---------------------------------------------------------

    def rollups(self):
        from minxin.oversight.sweeps import recompute_rollup

        day = self.start
        while day <= self.end:
            # Computed just after the day ended, as the live sweep's "yesterday" run does.
            with clock.moved_to(self.at(day + dt.timedelta(days=1), 0) + dt.timedelta(minutes=15)):
                recompute_rollup(day)
            self.count("rollup_days")
            day += dt.timedelta(days=1)

    # -- 4. early warning, case risk -----------------------------------------------------

    def warnings(self):
        from minxin.risk.warn import run_warnings

        day = self.start + dt.timedelta(days=(7 - self.start.weekday()) % 7)
        while day <= self.end:
            with clock.moved_to(self.at(day, 6)):
                self.count("warning_alerts", run_warnings(on=day).created)
            day += dt.timedelta(days=7)

    def case_risk(self):
        from minxin.risk.signals import score_open_cases

        with clock.moved_to(self.at(self.end, 6)):
            out = score_open_cases()
        self.count("cases_scored", out["scored"])
        self.count("case_risk_alerts", out["raised"])

    # -- 5. ledger, screening rounds, plan ------------------------------------------------

    def ledger(self):
        from minxin.risk.ledger import add_step, create_entry, set_status
        from minxin.risk.models import Cadence, DisputeSource, DisputeStatus, RiskLevel
        from minxin.risk.screening import close_round, open_round, reassess

        domains = {d.name: d for d in Domain.objects.filter(name__in=KEY_DOMAINS)}
        counties = list(Area.objects.filter(parent=self.city).order_by("code"))
        analysts = {s.unit.area_id: s for s in Staff.objects.filter(user__username__regex=r"^county\d_analyst$").select_related("unit__area", "user")}
        handlers = {s.unit_id: s for s in Staff.objects.filter(user__username__endswith="_handler").select_related("unit", "user")}
        # Entries come from open collective or repeated matters in the key domains over the last quarter.
        since = self.at(self.end - dt.timedelta(days=100), 0)
        cases = list(
            Case.objects.open().filter(received_at__gte=since, domain__name__in=KEY_DOMAINS)
            .filter(Q(is_collective=True) | Q(people_count__gte=3)).exclude(current_unit__isnull=True)
            .select_related("area", "domain", "current_unit").order_by("received_at", "pk")[:400]
        )
        self.rng.shuffle(cases)
        per_county = {c.pk: 0 for c in counties}
        levels = [RiskLevel.RED, RiskLevel.ORANGE, RiskLevel.YELLOW, RiskLevel.BLUE]
        entries = []
        for case in cases:
            county = next((c for c in counties if case.area.path.startswith(c.path)), None)
            if county is None or per_county[county.pk] >= 6 or county.pk not in analysts:
                continue
            per_county[county.pk] += 1
            level = self.rng.choices(levels, [0.08, 0.22, 0.4, 0.3])[0]
            day = max(timezone_date(case.received_at, self.tz) + dt.timedelta(days=self.rng.randint(1, 10)), self.start)
            day = min(day, self.end - dt.timedelta(days=1))
            with clock.moved_to(self.at(day, 11)):
                entry = create_entry(
                    actor=analysts[county.pk], source=DisputeSource.CASE, domain=case.domain, area=case.area,
                    summary=case.subject, level=level, responsible_unit=case.current_unit, screened_on=day, case=case,
                    parties=f"{case.people_count}人", people_count=case.people_count,
                    amount_wan=self.rng.choice([0, 5, 20, 60, 150]),
                    level_reasons="涉及人数较多，情绪激烈，存在到市集访苗头" if level in (RiskLevel.RED, RiskLevel.ORANGE) else "",
                    responsible_staff=handlers.get(case.current_unit_id),
                    measures="包案领导约谈双方，责任单位牵头协调化解",
                )
            entries.append(entry)
            self.count("ledger_entries")
        # A grid-reported dispute in each key domain that has no case (yet): screening finds what nobody petitioned.
        for i, name in enumerate(KEY_DOMAINS):
            if name not in domains or not counties:
                continue
            county = counties[i % len(counties)]
            if county.pk not in analysts:
                continue
            area = Area.objects.filter(path__startswith=county.path, level=AreaLevel.VILLAGE).order_by("code")[i]
            unit = analysts[county.pk].unit
            day = self.end - dt.timedelta(days=20 + 7 * i)
            with clock.moved_to(self.at(day, 10)):
                entries.append(create_entry(
                    actor=analysts[county.pk], source=DisputeSource.GRID, domain=domains[name], area=area,
                    summary=f"网格员排查发现：{area.name}{_GRID_SUMMARIES[name]}", level=RiskLevel.YELLOW, responsible_unit=unit,
                    screened_on=day, parties="网格员上报", people_count=self.rng.randint(5, 40),
                    responsible_name="网格员", measures="纳入台账，网格员每周走访",
                ))
            self.count("ledger_entries")
        # Follow-up: steps for most, a few resolved.
        for entry in entries:
            actor = analysts.get(next((c.pk for c in counties if entry.area.path.startswith(c.path)), None))
            day = min(entry.screened_on + dt.timedelta(days=self.rng.randint(3, 20)), self.end - dt.timedelta(days=1))
            with clock.moved_to(self.at(day, 16)):
                add_step(entry, actor=actor, description="责任单位上门走访，听取诉求，制定化解方案", taken_on=day)
                if self.rng.random() < 0.25:
                    set_status(entry, actor=actor, status=DisputeStatus.RESOLVED, note="双方达成和解，当事人签字息诉")
                    self.count("ledger_resolved")

        # 矛盾纠纷滚动排查: a monthly city round for each of the last three months; past ones closed.
        analyst = self.staff["city_analyst"]
        first_of_month = self.end.replace(day=1)
        months = []
        for _i in range(3):
            months.insert(0, first_of_month)
            first_of_month = (first_of_month - dt.timedelta(days=1)).replace(day=1)
        for start in months:
            end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
            with clock.moved_to(self.at(max(start, self.start), 9)):
                rnd = open_round(actor=analyst, area=self.city, cadence=Cadence.MONTHLY, period_start=start, period_end=end)
            self.count("screening_rounds")
            if end >= self.end:
                continue  # this month's round is still under way
            for entry in list(rnd.entries.order_by("pk"))[:8]:
                with clock.moved_to(self.at(start + dt.timedelta(days=self.rng.randint(2, 20)), 14)):
                    keep = self.rng.random() < 0.7
                    new_level = entry.level if keep else levels[min(levels.index(entry.level) + 1, len(levels) - 1)]
                    reassess(rnd, entry, actor=analyst, new_level=new_level,
                             note="维持原等级，继续落实包案化解" if keep else "经化解工作风险下降，调低等级")
                    self.count("reassessments")
            with clock.moved_to(self.at(end, 17)):
                close_round(rnd, actor=analyst)
        # Each county screens its higher-risk entries weekly; this week's round is open.
        monday = self.end - dt.timedelta(days=self.end.weekday())
        for county in counties:
            if county.pk in analysts:
                with clock.moved_to(self.at(monday, 9)):
                    open_round(actor=analysts[county.pk], area=county, cadence=Cadence.WEEKLY, period_start=monday)
                self.count("screening_rounds")

    def plan(self):
        from minxin.risk.models import Alert, AlertKind, RiskLevel
        from minxin.risk.plans import activate_plan, create_plan, record_drill

        leader = self.staff["city_leader"]
        created_on = self.start + dt.timedelta(days=40)
        with clock.moved_to(self.at(created_on, 10)):
            plan = create_plan(
                actor=leader, name="青禾市群体性信访事件应急处置预案", area=self.city,
                trigger_kinds=[AlertKind.STATISTICAL, AlertKind.CASE_RISK, AlertKind.LEDGER], min_level=RiskLevel.ORANGE,
                roles=[{"role": "指挥组", "duty": "研判态势，统一指挥"}, {"role": "处置组", "duty": "现场接谈，疏导劝返"},
                       {"role": "宣传组", "duty": "舆情监测与回应"}],
                contacts=[{"name": "市信访局值班室", "phone": "0999-12345"}],
                task_templates=[{"title": "2小时内报告市信访局值班室", "due_hours": 2},
                                {"title": "责任单位负责人到场接谈", "due_hours": 4},
                                {"title": "24小时内报送处置情况", "due_hours": 24}],
            )
        self.count("plans")
        drill_day = self.end - dt.timedelta(days=75)
        with clock.moved_to(self.at(drill_day, 9)):
            record_drill(plan, actor=leader, held_on=drill_day, scenario="某建筑工地数十名农民工聚集讨薪",
                         participants="市信访局、市人社局、禾城区信访局、属地街道", findings="响应及时；现场接谈分工需进一步明确")
        self.count("drills")
        # The planted surge's alert starts the plan, as a duty officer would on seeing it.
        surge = (Alert.objects.filter(kind=AlertKind.STATISTICAL, level__in=(RiskLevel.RED, RiskLevel.ORANGE), domain__name="劳动关系",
                                      period_start=surge_week(self.end))
                 .order_by("-observed", "pk").first())
        if surge is not None:
            day = min(surge.created_at.astimezone(self.tz).date(), self.end)
            with clock.moved_to(self.at(day, 11)):
                activate_plan(plan, actor=leader, reason=f"统计预警：{surge.title}", alert=surge)
            self.count("plan_activations")

    # -- 6. classifiers ---------------------------------------------------------------------

    def classifiers(self):
        from minxin.intake.classify import service
        from minxin.intake.duplicates.index import matter_text

        rows = list(Case.objects.order_by("-received_at", "-pk").values("subject", "content", "request", "facts", "category", "domain__name")[:CLASSIFIER_ROWS])
        texts = [matter_text(r) for r in rows]
        admin = self.staff.get("city_admin")
        with clock.moved_to(self.at(self.end, 5)):
            for name, labels in (("category", [r["category"] for r in rows]), ("domain", [r["domain__name"] or "" for r in rows])):
                # A label with too few examples cannot be learned or evaluated: it is left out, as a
                # bureau training on its own history would merge or drop it.
                sizes = Counter(lbl for lbl in labels if lbl)
                keep = [i for i, lbl in enumerate(labels) if lbl and sizes[lbl] >= service.MIN_PER_CLASS * 4]
                if len({labels[i] for i in keep}) < 2:
                    continue
                service.train(name=name, texts=[texts[i] for i in keep], labels=[labels[i] for i in keep], eval_split=0.2,
                              seed=0, actor=admin, source="演示城市历史信访件", activate=True)
                self.count("classifiers")


_GRID_SUMMARIES = {
    "房地产": "部分业主因小区停车位归属与物业发生争执",
    "金融": "多名村民反映参与的“理财”项目无法兑付",
    "劳动关系": "某加工厂拖欠数名工人工资",
    "教育医疗": "家长对学校午餐收费有不同意见",
    "环境保护": "村民反映养殖场异味扰民",
}


def timezone_date(at: dt.datetime, tz) -> dt.date:
    return at.astimezone(tz).date()


def work_the_year(*, seed: int, end_date: dt.date, say: Callable[[str], None] = lambda m: None) -> YearResult:
    """Replay the demo's year through the live sweeps and services (see the module docstring)."""
    from minxin.demo.build import without_query_log

    year = _Year(seed=seed, end_date=end_date, say=say)
    missing = {"city_supervisor", "city_leader", "city_analyst", "city_admin"} - set(year.staff)
    if year.city is None or missing:
        raise ValueError(f"the demo city is not built (missing: {sorted(missing) or CITY_CODE})")
    with without_query_log():
        # Order matters: rollups count the 督办 and ratings of each day; warnings read the rollups.
        for label, step in (("sweeps", year.sweeps), ("ratings", year.ratings), ("rollups", year.rollups),
                            ("warnings", year.warnings), ("case_risk", year.case_risk), ("ledger", year.ledger),
                            ("plan", year.plan), ("classifiers", year.classifiers)):
            say(label)
            # One transaction per step: the services' own transactions become savepoints, so a
            # refused action still rolls back alone, and SQLite commits once instead of thousands of times.
            with transaction.atomic():
                year.timed(label, step)
    return year.result
