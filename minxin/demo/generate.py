"""A year of invented case history for the demo city, as a stream of HistoricalCase records.

Determinism: one random.Random(seed) drives everything, the city is read back in code
order, and time is derived from `end_date` only (never from the wall clock), so the same
seed and end date give the same cases. History covers the 365 days before `end_date`;
events that would fall on or after `end_date` have "not happened yet", which is what
leaves recent cases open and older ones closed.

The stream holds only a bounded pool of recent petitioners (for repeat petitions), so
it can produce a million cases in constant memory.
"""

import collections
import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings

from minxin.cases.history import EventRecord, HistoricalCase, PartyRecord, PetitionerRecord, RoutingRecord
from minxin.cases.models import Case, CaseState, Domain
from minxin.demo import texts
from minxin.demo.city import CITY_CODE, is_external
from minxin.demo.people import PeopleFactory
from minxin.org.models import Area, AreaLevel, Staff, Unit, UnitKind

HISTORY_DAYS = 365
# Finished: nobody holds the case any more. (REFERRED is not here: the body that took the
# item into its legal procedure keeps it, and assigned items still report back from there.)
TERMINAL_STATES = frozenset({CaseState.CLOSED, CaseState.FINAL, CaseState.NOT_ACCEPTED, CaseState.NOT_REACCEPTED})
_QUERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read out over the phone

_CHANNELS = ["online", "letter", "visit", "phone", "fax"]
_WEEKDAY_MIX = [0.45, 0.14, 0.26, 0.13, 0.02]
_WEEKEND_MIX = [0.86, 0.01, 0.05, 0.08, 0.0]  # reception rooms are closed; online never is
_WEEKEND_LOAD = 0.45
# A planted surge, so the demo's early warning has something true to find: wage-arrears
# petitions in one district during one week, SURGE_WEEKS_BEFORE weeks before the end
# date's week. Its cases are part of --cases (taken from the ordinary allocation).
SURGE_TOPIC = "wage_arrears"
SURGE_WEEKS_BEFORE = 3
SURGE_MIN_CASES = 60  # below this many cases the demo is too thin for a surge to stand out


def surge_size(count: int) -> int:
    return 0 if count < SURGE_MIN_CASES else max(12, count // 150)


def surge_week(end_date: dt.date) -> dt.date:
    """Monday of the surge week."""
    return end_date - dt.timedelta(days=end_date.weekday(), weeks=SURGE_WEEKS_BEFORE)


@dataclass
class _Step:
    at: dt.datetime
    action: str
    actor: Staff | None
    from_state: str
    to_state: str
    current: Unit | None
    due: dt.date | None
    payload: dict
    routing: tuple[Unit, str] | None = None
    outcome: str = ""
    route: str = ""
    delivered: bool = False


class CityIndex:
    """The demo city read back from the database in a fixed order."""

    def __init__(self):
        city = Area.objects.get(code=CITY_CODE)
        areas = {a.pk: a for a in Area.objects.within(city).order_by("code")}
        self.areas = areas
        self.counties = [a for a in areas.values() if a.level == AreaLevel.COUNTY]
        self.by_county: dict[int, dict[str, list[Area]]] = {c.pk: {"rural": [], "urban": [], "any": []} for c in self.counties}
        self.grids: dict[int, list[Area]] = collections.defaultdict(list)
        for a in areas.values():
            if a.level == AreaLevel.VILLAGE:
                county = self.county_of(a)
                kind = "urban" if a.name.endswith("社区") else "rural"
                self.by_county[county.pk][kind].append(a)
                self.by_county[county.pk]["any"].append(a)
            elif a.level == AreaLevel.GRID:
                self.grids[a.parent_id].append(a)
        self.townships = collections.defaultdict(list)
        for a in areas.values():
            if a.level == AreaLevel.TOWNSHIP:
                self.townships[a.parent_id].append(a)
        units = list(Unit.objects.filter(area__path__startswith=city.path).order_by("code"))
        self.units_by_code = {u.code: u for u in units}
        self.units_by_pk = {u.pk: u for u in units}
        # Provincial and national bodies sit at the city's area but only ever decide 复查/复核 (via parent links).
        local = [u for u in units if not is_external(u)]
        self.bureau_by_area = {u.area_id: u for u in local if u.kind == UnitKind.PETITION_BUREAU}
        self.township_office = {u.area_id: u for u in local if u.kind == UnitKind.TOWNSHIP}
        self.by_area_kind = {(u.area_id, u.kind): u for u in local if u.kind in (UnitKind.POLITICAL_LEGAL, UnitKind.DISCIPLINE)}
        self.departments: dict[tuple[int, str], list[Unit]] = collections.defaultdict(list)
        for u in local:
            if u.kind == UnitKind.GOVERNMENT:
                for domain in u.domains.split("、"):
                    self.departments[(u.area_id, domain)].append(u)
        self.city = city
        self.staff: dict[tuple[int, str], Staff] = {}
        for s in Staff.objects.filter(unit__in=units).select_related("user").prefetch_related("roles").order_by("user__username"):
            for role in sorted(r.role for r in s.roles.all()):
                self.staff.setdefault((s.unit_id, role), s)
        self.domains = {d.name: d.pk for d in Domain.objects.all()}

    def county_of(self, area: Area) -> Area:
        while area.level > AreaLevel.COUNTY:
            area = self.areas[area.parent_id]
        return area

    def township_of(self, area: Area) -> Area:
        while area.level > AreaLevel.TOWNSHIP:
            area = self.areas[area.parent_id]
        return area

    def person(self, unit: Unit, *roles: str) -> Staff | None:
        for role in roles:
            s = self.staff.get((unit.pk, role))
            if s is not None:
                return s
        return None


def _day_weights(days: list[dt.date]) -> list[float]:
    return [1.0 if d.weekday() < 5 else _WEEKEND_LOAD for d in days]


def _allocate(total: int, weights: list[float]) -> list[int]:
    """Split `total` over `weights` by rounding the running sum: exact, deterministic, evenly spread."""
    s = sum(weights)
    counts, running, issued = [], 0.0, 0
    for w in weights:
        running += total * w / s
        upto = min(total, int(running + 0.5))
        counts.append(upto - issued)
        issued = upto
    counts[-1] += total - issued
    return counts


class CaseStream:
    def __init__(self, index: CityIndex, *, seed: int, count: int, end_date: dt.date):
        self.ix = index
        self.rng = random.Random(seed)
        self.count = count
        self.end_date = end_date
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.cutoff = dt.datetime.combine(end_date, dt.time(0, 0), tzinfo=self.tz)
        self.people = PeopleFactory(self.rng, county_codes=[c.code for c in index.counties], end_date=end_date)
        self.pool: collections.deque = collections.deque(maxlen=3000)
        self.county_weights = [1.5 if c.name.endswith("区") else 1.0 for c in index.counties]
        self.surge_county = index.counties[1 if len(index.counties) > 1 else 0]
        self.surge_topic = next(t for t in texts.TOPICS if t.key == SURGE_TOPIC)

    def __iter__(self) -> Iterator[HistoricalCase]:
        days = [self.end_date - dt.timedelta(days=HISTORY_DAYS - i) for i in range(HISTORY_DAYS)]
        extra = surge_size(self.count)
        monday = surge_week(self.end_date)
        surge_days = [monday + dt.timedelta(days=i) for i in range(7)]
        surge = dict(zip(surge_days, _allocate(extra, [1.0] * 7), strict=True)) if extra else {}
        for day, n in zip(days, _allocate(self.count - extra, _day_weights(days)), strict=True):
            planted = surge.get(day, 0)
            if not n + planted:
                continue
            weekend = day.weekday() >= 5
            to_sf = texts.days_to_spring_festival(day)
            topic_weights = [t.weight * t.season(day.month, to_sf) for t in texts.TOPICS]
            received = sorted(
                [(*self._received_time(day, weekend), False) for _ in range(n)]
                + [(*self._received_time(day, weekend), True) for _ in range(planted)],
                key=lambda r: r[1],
            )
            for channel, at, is_surge in received:
                yield self._case(day, channel, at, topic_weights, surge=is_surge)

    # -- one case -------------------------------------------------------------------

    def _received_time(self, day: dt.date, weekend: bool) -> tuple[str, dt.datetime]:
        rng = self.rng
        channel = rng.choices(_CHANNELS, _WEEKEND_MIX if weekend else _WEEKDAY_MIX)[0]
        if channel == "online":
            minute = rng.randrange(6 * 60, 23 * 60 + 30)
        elif channel == "phone":
            minute = rng.randrange(8 * 60, 20 * 60)
        else:
            minute = rng.randrange(8 * 60 + 30, 17 * 60 + 30)
        return channel, dt.datetime.combine(day, dt.time(minute // 60, minute % 60, rng.randrange(60)), tzinfo=self.tz)

    def _pick_area(self, topic: texts.Topic, county: Area | None = None) -> Area:
        rng, ix = self.rng, self.ix
        county = county or rng.choices(ix.counties, self.county_weights)[0]
        if rng.random() < 0.05:
            return rng.choice(ix.townships[county.pk])
        lists = ix.by_county[county.pk]
        kind = "any" if topic.rural is None else ("rural" if topic.rural else "urban")
        village = rng.choice(lists[kind] or lists["any"])
        grids = ix.grids.get(village.pk)
        return rng.choice(grids) if grids and rng.random() < 0.5 else village

    def _handler_unit(self, topic: texts.Topic, county: Area, township: Area) -> Unit:
        ix = self.ix
        if topic.level == "discipline":
            return ix.by_area_kind[(county.pk, UnitKind.DISCIPLINE)]
        if topic.level == "legal":
            return ix.by_area_kind[(county.pk, UnitKind.POLITICAL_LEGAL)]
        if topic.level == "department":
            # 谁主管、谁负责: the county department competent for the domain, else the city's.
            for area in (county, ix.city):
                units = ix.departments.get((area.pk, topic.domain), [])
                hinted = [u for u in units if topic.unit_hint and u.code.endswith(f"-{topic.unit_hint}")]
                if hinted or units:
                    return (hinted or units)[0]
        return ix.township_office[township.pk]

    def _registering_unit(self, channel: str, county: Area, township: Area) -> Unit:
        r = self.rng.random()
        ix = self.ix
        if channel == "visit" and r < 0.1 and township.pk in ix.bureau_by_area:
            return ix.bureau_by_area[township.pk]
        city_share = {"online": 0.6, "phone": 0.6, "letter": 0.5, "fax": 0.5}.get(channel, 0.3)
        return ix.bureau_by_area[ix.city.pk] if self.rng.random() < city_share else ix.bureau_by_area[county.pk]

    def _parties(self, topic: texts.Topic, area: Area, collective: bool) -> tuple[list[PartyRecord], texts.Topic | None]:
        rng = self.rng
        township = self.ix.township_of(area)
        address = f"{self.ix.county_of(area).name}{township.name}{area.name if area.level != AreaLevel.GRID else self.ix.areas[area.parent_id].name}{rng.randrange(1, 300)}号"
        if not collective and self.pool and rng.random() < 0.1:
            person, old_topic, old_area = rng.choice(self.pool)
            return [PartyRecord(person)], (old_topic, old_area) if rng.random() < 0.7 else None
        if collective:
            reps = rng.randint(1, 5)
            parties = [PartyRecord(PetitionerRecord(*self.people.next_person(address)), is_representative=True) for _ in range(reps)]
        else:
            parties = [PartyRecord(PetitionerRecord(*self.people.next_person(address)))]
            if rng.random() < 0.06:
                parties.append(PartyRecord(PetitionerRecord(*self.people.next_person(address))))
        return parties, None

    def _case(self, day: dt.date, channel: str, received: dt.datetime, topic_weights: list[float], *, surge: bool = False) -> HistoricalCase:
        rng, ix = self.rng, self.ix
        topic = self.surge_topic if surge else rng.choices(texts.TOPICS, topic_weights)[0]
        area = self._pick_area(topic, self.surge_county if surge else None)
        collective = rng.random() < topic.collective
        parties, repeat = self._parties(topic, area, collective)
        if repeat is not None and not surge:
            topic, area = repeat
        if not collective:
            self.pool.append((parties[0].petitioner, topic, area))
        county, township = ix.county_of(area), ix.township_of(area)
        people_count = rng.randint(6, 150) if collective else len(parties)
        place = texts.Place(county.name, township.name, area.name if area.level != AreaLevel.GRID else ix.areas[area.parent_id].name)
        if area.level == AreaLevel.TOWNSHIP:
            place = texts.Place(county.name, township.name, "")
        subject, content, request, facts = texts.render(rng, topic, place, day, people_count if collective else rng.randint(3, 60))

        category = topic.category
        if category == "complaint" and rng.random() < 0.04:
            category = "suggestion"
        reg_unit = self._registering_unit(channel, county, township)
        handler = self._handler_unit(topic, county, township)
        accused = None
        if category == "accusation":
            accused = ix.township_office[township.pk] if rng.random() < 0.6 else ix.departments[(county.pk, "房地产")][0]
        steps = self._lifecycle(received, reg_unit, handler, county, township, category, topic)
        done = [s for s in steps if s.at < self.cutoff]
        last = done[-1]
        registered_at = done[0].at
        outcome = next((s.outcome for s in reversed(done) if s.outcome), "")
        route = next((s.route for s in reversed(done) if s.route), "")
        dispatch = next((s for s in reversed(done) if s.routing and s.action in ("transfer", "assign", "decide_objection", "settle_dispute")), None)
        accepted = next((s for s in done if s.action == "accept"), None)
        delivered = next((s for s in reversed(done) if s.delivered), None)
        decided = next((s for s in reversed(done) if s.action in ("issue_opinion", "decide_review")), None)
        case = Case(
            number="",  # the loader numbers it like a live registration (registering unit, year)
            query_code="".join(rng.choice(_QUERY_ALPHABET) for _ in range(12)),
            channel=channel, category=category, domain_id=ix.domains.get(topic.domain),
            subject=subject, content=content, request=request, facts=facts, area=area,
            received_at=received, registered_at=registered_at, registering_unit=reg_unit,
            registered_by=ix.person(reg_unit, "registrar"), state=last.to_state, current_unit=last.current,
            route=route, outcome=outcome, is_litigation=topic.litigation, is_urgent=collective and people_count > 100,
            is_collective=collective, people_count=people_count, accused_unit=accused,
            closed_at=last.at if last.to_state in TERMINAL_STATES else None,
            version=len(done),
            dispatch_kind=("assign" if any(s.action == "assign" for s in done) else "transfer") if dispatch else "",
            dispatching_unit=reg_unit if dispatch else None,
            assigned_days=30 if any(s.action == "assign" for s in done) else None,
            accepted_at=accepted.at if accepted else None,
            decision_unit=decided.current if decided else None,
            decision_delivered_on=delivered.payload["delivered_on"] if delivered and decided and delivered.at > decided.at else None,
        )
        routings = [RoutingRecord(s.routing[0].pk, s.routing[1], s.at) for s in done if s.routing]
        events = [EventRecord(s.at, s.action, s.actor, s.from_state, s.to_state, s.payload) for s in done]
        return HistoricalCase(case, parties, routings, events)

    # -- lifecycle --------------------------------------------------------------------

    def _lifecycle(
        self, received: dt.datetime, reg_unit: Unit, handler: Unit, county: Area, township: Area, category: str, topic: texts.Topic
    ) -> list[_Step]:
        rng, ix = self.rng, self.ix
        S = CaseState
        steps: list[_Step] = []
        t = received

        def later(lo_days: float, hi_days: float) -> dt.datetime:
            nonlocal t
            t = t + dt.timedelta(minutes=rng.randrange(int(lo_days * 1440), int(hi_days * 1440) + 1))
            return t

        def add(action, actor, frm, to, current, due_days=None, payload=None, routing=None, outcome="", route="", delivered=False):
            due = (t.astimezone(self.tz).date() + dt.timedelta(days=due_days)) if due_days is not None else None
            steps.append(_Step(t, action, actor, frm, to, current, due, payload or {}, routing, outcome, route, delivered))

        t = min(received + dt.timedelta(minutes=rng.randrange(5, 240)), received.replace(hour=23, minute=59))
        # Action names and (from → to) pairs follow minxin.cases.statemachine.TABLE, so demo
        # timelines read like live ones and pass the same legality check.
        registrar = ix.person(reg_unit, "registrar")
        add("register", registrar, "", S.REGISTERED, reg_unit, 15, {"unit": reg_unit.code})
        roll = rng.random()
        if roll < 0.03:
            later(1, 10)
            reason = "同一事项已由下级机关受理且在办理期限内（第十九条第三款）"
            add("refuse", ix.person(reg_unit, "reviewer", "registrar"), S.REGISTERED, S.NOT_ACCEPTED, None, payload={"reason": reason})
            return steps
        if roll < 0.04:
            later(1, 10)
            reason = "复核终结后以同一事实和理由再次提出（第三十六条第三款）"
            add("refuse_repeat", ix.person(reg_unit, "reviewer", "registrar"), S.REGISTERED, S.NOT_REACCEPTED, None, payload={"reason": reason})
            return steps

        sender = reg_unit
        assign = category == "complaint" and rng.random() < 0.12
        later(0.2, 8) if rng.random() < 0.93 else later(12, 25)
        state, kind = (S.ASSIGNED, "assign") if assign else (S.TRANSFERRED, "transfer")
        add(kind, registrar, S.REGISTERED, state, handler, 30 if assign else 15, {"to_unit": handler.code}, (handler, kind))

        roll = rng.random()
        if roll < 0.04 and handler.kind == UnitKind.GOVERNMENT:
            later(1, 6)
            add("object", ix.person(handler, "handler"), state, S.OBJECTED, handler, 5, {"reason": "该事项不属于本单位职责范围"})
            later(1, 8)
            # The bureau agrees and sends it to the township, which handles what no department owns.
            new_unit = ix.township_office[township.pk]
            add("decide_objection", ix.person(sender, "reviewer", "registrar"), S.OBJECTED, state, new_unit, 15, {"agreed": True, "to_unit": new_unit.code}, (new_unit, kind))
            handler = new_unit
        elif roll < 0.06:
            later(1, 5)
            add("open_dispute", ix.person(handler, "handler"), state, S.DISPUTED, sender, 15, {"reason": "涉及多个单位职责，需确定办理单位"})
            later(2, 12)
            add("settle_dispute", ix.person(sender, "reviewer", "registrar"), S.DISPUTED, S.TRANSFERRED, handler, 15, {"to_unit": handler.code}, (handler, "transfer"))
            state = S.TRANSFERRED

        worker, leader = ix.person(handler, "handler"), ix.person(handler, "reviewer", "handler")
        later(0.5, 7) if rng.random() < 0.92 else later(10, 25)
        if category == "suggestion":
            add("accept", worker, state, S.ACCEPTED, handler, 60)
            later(5, 40)
            outcome = rng.choice(["adopted", "partly_adopted", "not_adopted", "not_adopted"])
            add("close", leader, S.ACCEPTED, S.CLOSED, None, payload={"outcome": outcome}, outcome=outcome)
            return steps
        if category == "accusation":
            add("accept", worker, state, S.ACCEPTED, handler, 60)
            later(20, 80)
            add("close", leader, S.ACCEPTED, S.CLOSED, None, payload={"outcome": "handled"}, outcome="handled")
            return steps
        if assign or rng.random() < (0.7 if topic.litigation else 0.1):
            # Art. 31 (一)-(五): the item goes into its legal procedure; assigned items report back.
            route = "litigation" if topic.litigation else ("perform_duty" if assign else rng.choice(["arbitration", "administrative", "perform_duty"]))
            add("accept", worker, state, S.REFERRED, handler, 30 if assign else None, {"route": route}, route=route)
            if not assign:
                return steps
            later(10, 40) if rng.random() < 0.9 else later(35, 80)
            add("submit_report", worker, S.REFERRED, S.REPORTED, sender, 10, {"to_unit": sender.code})
            later(1, 10)
            add("review_report", ix.person(sender, "reviewer", "registrar"), S.REPORTED, S.CLOSED, None, payload={"outcome": "resolved"}, outcome="resolved")
            return steps

        add("accept", worker, state, S.ACCEPTED, handler, 60, {"route": "opinion"}, route="opinion")
        later(15, 55) if rng.random() < 0.9 else later(61, 110)
        outcome = rng.choices(["support", "explain", "reject"], [0.35, 0.35, 0.30])[0]
        add("issue_opinion", leader, S.ACCEPTED, S.OPINION_ISSUED, handler, 5, {"outcome": outcome}, outcome=outcome)
        later(1, 5)
        add("record_delivery", worker, S.OPINION_ISSUED, S.OPINION_ISSUED, handler, 30, {"delivered_on": t.astimezone(self.tz).date()}, delivered=True)
        reviewer_unit = ix.units_by_pk.get(handler.parent_id)
        if reviewer_unit is None or rng.random() >= {"support": 0.03, "explain": 0.1, "reject": 0.25}[outcome]:
            later(31, 31)
            add("close_expired", None, S.OPINION_ISSUED, S.CLOSED, None, payload={"reason": "处理意见送达后30日内未请求复查"})
            return steps
        later(5, 28)
        add("request_review", ix.person(reviewer_unit, "handler", "registrar"), S.OPINION_ISSUED, S.REVIEW_REQUESTED, reviewer_unit, 30, {"to_unit": reviewer_unit.code}, (reviewer_unit, "review"))
        later(10, 30) if rng.random() < 0.9 else later(31, 50)
        review_outcome = rng.choice(["upheld", "upheld", "changed"])
        reviewer = ix.person(reviewer_unit, "reviewer", "handler")
        add("decide_review", reviewer, S.REVIEW_REQUESTED, S.REVIEW_DECIDED, reviewer_unit, 5, {"outcome": review_outcome}, outcome=review_outcome)
        later(1, 5)
        add("record_delivery", reviewer, S.REVIEW_DECIDED, S.REVIEW_DECIDED, reviewer_unit, 30, {"delivered_on": t.astimezone(self.tz).date()}, delivered=True)
        recheck_unit = ix.units_by_pk.get(reviewer_unit.parent_id)
        if recheck_unit is None or rng.random() >= 0.3:
            later(31, 31)
            add("close_expired", None, S.REVIEW_DECIDED, S.CLOSED, None, payload={"reason": "复查意见送达后30日内未请求复核"})
            return steps
        later(5, 28)
        add("request_recheck", ix.person(recheck_unit, "handler", "registrar"), S.REVIEW_DECIDED, S.RECHECK_REQUESTED, recheck_unit, 30, {"to_unit": recheck_unit.code}, (recheck_unit, "recheck"))
        later(10, 30)
        add("decide_recheck", ix.person(recheck_unit, "reviewer", "handler"), S.RECHECK_REQUESTED, S.FINAL, None, payload={"outcome": rng.choice(["upheld", "changed"])})
        return steps
