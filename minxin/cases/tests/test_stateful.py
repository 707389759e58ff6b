"""Random sequences of actions by random staff of the test city, under a moving clock.

After every step: only transitions in the state-machine table happened; nobody
outside the case's jurisdiction (or without the role, or at the wrong unit)
succeeded; a refused action wrote nothing; deadlines never moved earlier and only
moved later through a recorded extension or hearing pause; every audit chain
verifies; document numbers are unique and gapless per unit, year and family.
"""

import datetime as dt

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from minxin.cases import services as svc
from minxin.cases.audit import verify_case
from minxin.cases.models import Case, CaseEvent
from minxin.cases.statemachine import TABLE, A, acting_units, find_transition, is_legal
from minxin.cases.tests.conftest import person
from minxin.core import clock
from minxin.core.errors import DomainError
from minxin.documents.models import Document
from minxin.rules.models import CaseDeadline

START = dt.datetime(2026, 2, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
ACTIONS = sorted({t.action for t in TABLE if t.unit != "system"})
BUREAU_AREAS = {"east_registrar": ["east1v", "east2v", "grid1"], "west_registrar": ["west1v"], "city_registrar": ["east2v", "west1v", "city"]}
TEXT = "经调查核实"
DEAD_ENDS = {A.REFUSE, A.REFUSE_REPEAT, A.OPEN_DISPUTE, A.OBJECT, A.START_HEARING}


def kwargs_for(action, case, actor, data, machine):
    draw = data.draw
    units = machine.units
    today = clock.today()
    # Mostly units the actor may route to, so that cases move on; sometimes any unit.
    near = sorted(k for k, u in units.items() if u.area.path.startswith(actor.unit.area.path) and u.pk != actor.unit_id)

    def unit():
        pool = near if near and draw(st.integers(0, 4)) else sorted(units)
        return units[draw(st.sampled_from(pool))]

    open_dispute = case.disputes.filter(settled_at__isnull=True).first()
    disputed = open_dispute.units.order_by("pk") if open_dispute else []
    # Mostly a valid route for the category, sometimes a wrong one (refused).
    routes = ("opinion", "opinion", "opinion", "opinion", *svc.Route.values, "") if case.category == "complaint" else ("", "", "opinion")
    maybe = lambda *opts: draw(st.sampled_from(opts))  # noqa: E731
    return {
        A.TRANSFER: lambda: {"unit": unit(), "override_reason": maybe("", "确需转送", "确需转送")},
        A.ASSIGN: lambda: {"unit": unit(), "days": draw(st.integers(1, 40)), "override_reason": maybe("", "确需交办", "确需交办")},
        A.ACCEPT: lambda: {"route": maybe(*routes)},
        A.OBJECT: lambda: {"reason": "不属于本单位职责", "override_reason": maybe("", "材料迟到")},
        A.DECIDE_OBJECTION: lambda: {"agree": draw(st.booleans()), "note": maybe("", "属于该单位职责")},
        A.REFUSE: lambda: {"ground": "other", "reason": "不属于信访事项", "legal_basis": "《信访工作条例》第十七条"},
        A.REFUSE_REPEAT: lambda: {"earlier_case": Case.objects.get(pk=draw(st.sampled_from(machine.cases))), "reason": "同一事实和理由"},
        A.OPEN_DISPUTE: lambda: {"units": [unit(), unit()], "reason": "管辖不明"},
        A.SETTLE_DISPUTE: lambda: {"unit": draw(st.sampled_from(list(disputed) or [unit()]))},
        A.START_HEARING: dict,
        A.END_HEARING: dict,
        A.EXTEND: lambda: {"days": draw(st.integers(1, 35)), "reason": maybe("", "情况复杂")},
        A.ISSUE_OPINION: lambda: {"request": TEXT, "facts": TEXT, "opinion": TEXT, "legal_basis": "第三十二条",
                                  "outcome": maybe(*svc.Outcome.values), "delivered_on": maybe(None, today)},
        A.RECORD_DELIVERY: lambda: {"delivered_on": today},
        A.SUBMIT_REPORT: lambda: {"process": TEXT, "result": "已办结"},
        A.REVIEW_REPORT: lambda: {"accept": draw(st.booleans()), "note": maybe("", "材料不全")},
        A.CLOSE: lambda: {"result": "已答复"},
        A.REQUEST_REVIEW: lambda: {"request": "不服处理意见", "override_reason": maybe("", "逾期有正当理由")},
        A.DECIDE_REVIEW: lambda: {"result": maybe(*svc.ReviewResult.values), "facts": TEXT, "opinion": TEXT,
                                  "legal_basis": "第三十五条", "delivered_on": maybe(None, today)},
        A.REQUEST_RECHECK: lambda: {"request": "不服复查意见", "override_reason": maybe("", "逾期有正当理由")},
        A.DECIDE_RECHECK: lambda: {"result": maybe(*svc.ReviewResult.values), "facts": TEXT, "opinion": TEXT, "legal_basis": "第三十六条"},
    }[action]()


SERVICES = {
    A.TRANSFER: svc.transfer_case, A.ASSIGN: svc.assign_case, A.ACCEPT: svc.accept_case, A.OBJECT: svc.object_to_transfer,
    A.DECIDE_OBJECTION: svc.decide_objection, A.REFUSE: svc.refuse_case, A.REFUSE_REPEAT: svc.refuse_repeat,
    A.OPEN_DISPUTE: svc.open_jurisdiction_dispute, A.SETTLE_DISPUTE: svc.settle_dispute, A.START_HEARING: svc.start_hearing,
    A.END_HEARING: svc.end_hearing, A.EXTEND: svc.extend_handling, A.ISSUE_OPINION: svc.issue_opinion,
    A.RECORD_DELIVERY: svc.record_delivery, A.SUBMIT_REPORT: svc.submit_report, A.REVIEW_REPORT: svc.review_report,
    A.CLOSE: svc.close_case, A.REQUEST_REVIEW: svc.request_review, A.DECIDE_REVIEW: svc.decide_review,
    A.REQUEST_RECHECK: svc.request_recheck, A.DECIDE_RECHECK: svc.decide_recheck,
}


def test_every_action_has_a_service():
    assert set(SERVICES) == set(ACTIONS)


class Lifecycle(RuleBasedStateMachine):
    city = None  # set by the test
    total_successes = 0
    states_reached: set = set()

    def __init__(self):
        super().__init__()
        self.units = self.city.units
        self.staff = self.city.staff
        self.cases: list[int] = []
        self.due_seen: dict[int, tuple] = {}
        self.successes = 0
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self._travel = time_machine.travel(START, tick=False)
        self._clock = self._travel.start()

    def teardown(self):
        Lifecycle.total_successes += self.successes
        Lifecycle.states_reached |= set(CaseEvent.objects.filter(case_id__in=self.cases).values_list("to_state", flat=True))
        self._travel.stop()
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    @precondition(lambda self: len(self.cases) < 2)
    @rule(data=st.data())
    def register(self, data):
        who = data.draw(st.sampled_from(sorted(BUREAU_AREAS)))
        area = self.city.areas[data.draw(st.sampled_from(BUREAU_AREAS[who]))]
        case = svc.register_case(
            actor=self.staff[who], channel="letter", category=data.draw(st.sampled_from(["complaint"] * 4 + ["suggestion", "accusation"])),
            subject="测试事项", content="内容", request="请求", facts="事实", reasons="理由", area=area,
            petitioners=[person()], is_litigation=data.draw(st.booleans()),
            accused_unit=data.draw(st.sampled_from([None, self.units["east_housing"]])),
        )
        self.cases.append(case.pk)

    @rule(days=st.integers(0, 6))
    def advance_clock(self, days):
        self._clock.shift(dt.timedelta(days=days))

    @precondition(lambda self: self.cases)
    @rule()
    def sweep(self):
        for pk in self.cases:
            before = Case.objects.get(pk=pk).state
            if svc.close_expired_review_window(pk):
                assert is_legal(A.CLOSE_EXPIRED, before, Case.objects.get(pk=pk).state)

    @precondition(lambda self: self.cases)
    @rule(data=st.data())
    def act_as_someone_allowed(self, data):
        case = Case.objects.get(pk=data.draw(st.sampled_from(self.cases)))
        rows = [t for t in TABLE if case.state in t.sources and t.unit != "system" and (t.guard is None or t.guard(case))]
        # Dead ends (refusals, disputes) less often, so some cases travel the whole path.
        rows = [t for t in rows for _ in range(1 if t.action in DEAD_ENDS else 4)]
        if not rows:
            return
        row = data.draw(st.sampled_from(rows))
        unit_ids = {u.pk for u in acting_units(case, row.unit)}
        people = [k for k, s in sorted(self.staff.items()) if s.unit_id in unit_ids and s.has_role(*row.roles)]
        if people:
            self._attempt(case, data.draw(st.sampled_from(people)), row.action, data)

    # Hypothesis picks among rules evenly: more "allowed" rules push cases further along.
    @precondition(lambda self: self.cases)
    @rule(data=st.data())
    def act_again_as_someone_allowed(self, data):
        self.act_as_someone_allowed(data)

    @precondition(lambda self: self.cases)
    @rule(data=st.data())
    def act_once_more_as_someone_allowed(self, data):
        self.act_as_someone_allowed(data)

    @precondition(lambda self: self.cases)
    @rule(data=st.data())
    def act_as_anyone(self, data):
        case = Case.objects.get(pk=data.draw(st.sampled_from(self.cases)))
        self._attempt(case, data.draw(st.sampled_from(sorted(self.staff))), data.draw(st.sampled_from(ACTIONS)), data)

    def _attempt(self, case, who, action, data):
        actor = self.staff[who]
        kwargs = kwargs_for(action, case, actor, data, self)
        before = (case.state, case.version, case.audit_head, CaseEvent.objects.filter(case=case).count())
        visible = Case.objects.visible_to(actor).filter(pk=case.pk).exists()
        allowed_units = {u.pk for t in TABLE if t.action == action and case.state in t.sources for u in acting_units(case, t.unit)}
        try:
            find_transition(action, case, actor)
            table_allows = True
        except DomainError:
            table_allows = False
        try:
            SERVICES[action](case, actor=actor, expected_version=case.version, **kwargs)
        except DomainError:
            case.refresh_from_db()
            after = (case.state, case.version, case.audit_head, CaseEvent.objects.filter(case=case).count())
            assert after == before, f"refused {action} by {who} wrote something"
            return
        self.successes += 1
        case.refresh_from_db()
        event = case.events.order_by("-seq").first()
        assert visible, f"{who} acted on a case outside their jurisdiction"
        assert table_allows and actor.unit_id in allowed_units, f"{who} at the wrong unit or role did {action}"
        assert event.action == action and event.actor_id == actor.pk
        assert is_legal(action, before[0], case.state), f"illegal {action}: {before[0]} → {case.state}"
        assert case.version == before[1] + 1

    @invariant()
    def audit_chains_verify(self):
        for case in Case.objects.filter(pk__in=self.cases):
            assert verify_case(case) == []
            last = case.events.order_by("-seq").first()
            assert last.to_state == case.state

    @invariant()
    def deadlines_never_move_earlier(self):
        for dl in CaseDeadline.objects.filter(case_id__in=self.cases):
            seen = self.due_seen.get(dl.pk)
            now = (dl.due_on, dl.extended_days, dl.paused_days)
            if seen is not None:
                assert dl.due_on >= seen[0], f"{dl.code} moved earlier"
                if dl.due_on != seen[0]:
                    assert (dl.extended_days, dl.paused_days) != seen[1:], f"{dl.code} moved without an extension or pause"
            self.due_seen[dl.pk] = now

    @invariant()
    def document_numbers_are_unique_and_gapless(self):
        groups: dict[tuple, list[int]] = {}
        for unit_id, year, family, seq in Document.objects.values_list("unit_id", "year", "family", "seq"):
            groups.setdefault((unit_id, year, family), []).append(seq)
        for key, seqs in groups.items():
            assert sorted(seqs) == list(range(1, len(seqs) + 1)), f"{key}: {sorted(seqs)}"
        assert Document.objects.values("number").distinct().count() == Document.objects.count()


@pytest.mark.django_db
def test_random_lifecycles_keep_every_invariant(city):
    Lifecycle.city = city
    Lifecycle.total_successes = 0
    Lifecycle.states_reached = set()
    run_state_machine_as_test(
        Lifecycle,
        settings=settings(max_examples=50, stateful_step_count=25, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]),
    )
    # The machine must actually drive cases forward, not only collect refusals.
    assert Lifecycle.total_successes > 100
    assert {"accepted", "opinion_issued", "review_requested", "closed"} <= Lifecycle.states_reached
