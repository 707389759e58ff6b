"""Case-feature risk signals: a score per case and per petitioner, with its reasons.

Each signal adds its weight (RiskScoringConfig.weights overrides DEFAULT_WEIGHTS)
when present; the score is capped at 100 and mapped to 红/橙/黄/蓝 by the
configured thresholds. A case scoring at or above `alert_threshold` raises a
case_risk Alert, once per case and level.

Signals (code: default weight):
- collective: 集体访 (is_collective) — 20
- many_people: people_count ≥ many_people (5) — 10, doubled at ≥ 10 × many_people
- large_amount: amount at stake ≥ large_amount_wan (100 万元), from a linked ledger
  entry or an amount written in the text — 10
- repeat: the same petitioner (blind-indexed ID) has other cases — 15, doubled at ≥ 4 others
- leapfrog (越级): registered at a bureau above the nearest bureau covering the area — 15
- escalation_text: escalation signals in the text (minxin.intake.escalation: full
  weight at medium/high, half at low; without it, lexicon-free cues: repeated
  exclamation marks, a head count of 10 or more) — 15
- sensitive_date: received within a SensitiveDate period or its lead days — 10
- long_open: still open after long_open_days (90) — 15, doubled at 2 × that
"""

import datetime as dt
import math
import re
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.cases.models import OPEN_STATES, Case, CaseParty, Category, Petitioner
from minxin.cases.policies import visible_cases
from minxin.core import clock
from minxin.org.models import Unit, UnitKind
from minxin.risk.alerts import raise_alert
from minxin.risk.models import AlertKind, DisputeEntry, RiskLevel, RiskScoringConfig, SensitiveDate

DEFAULT_WEIGHTS = {
    "collective": 20,
    "many_people": 10,
    "large_amount": 10,
    "repeat": 15,
    "leapfrog": 15,
    "escalation_text": 15,
    "sensitive_date": 10,
    "long_open": 15,
}

LABELS = {
    "collective": "集体访",
    "many_people": "涉及人数较多",
    "large_amount": "涉及金额较大",
    "repeat": "重复信访",
    "leapfrog": "越级信访",
    "escalation_text": "诉求内容有激化迹象",
    "sensitive_date": "敏感节点前后",
    "long_open": "久拖未决",
}

_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(亿|万)元?")
_HEADCOUNT = re.compile(r"(\d{2,5})\s*(?:多|余)?\s*(?:人|户|名|位)")
_EXCLAIM = re.compile(r"[!！]{2,}")


@dataclass
class Reason:
    code: str
    label: str
    points: float
    detail: str = ""

    def as_dict(self) -> dict:
        return {"code": self.code, "label": self.label, "points": round(self.points, 1), "detail": self.detail}


@dataclass
class RiskScore:
    score: float
    level: str
    reasons: list[Reason] = field(default_factory=list)

    @property
    def level_label(self) -> str:
        return str(RiskLevel(self.level).label)


def get_config() -> RiskScoringConfig:
    cfg, _created = RiskScoringConfig.objects.get_or_create(pk=1)
    return cfg


def weights(cfg: RiskScoringConfig) -> dict:
    return {**DEFAULT_WEIGHTS, **{k: float(v) for k, v in (cfg.weights or {}).items() if k in DEFAULT_WEIGHTS}}


def level_of(score: float, cfg: RiskScoringConfig) -> str:
    if score >= cfg.red_threshold:
        return RiskLevel.RED
    if score >= cfg.orange_threshold:
        return RiskLevel.ORANGE
    if score >= cfg.yellow_threshold:
        return RiskLevel.YELLOW
    return RiskLevel.BLUE


def _amount_in_text(text: str) -> float:
    best = 0.0
    for num, unit in _AMOUNT.findall(text):
        best = max(best, float(num) * (10000 if unit == "亿" else 1))
    return best


def text_cues(case: Case) -> tuple[list[str], float]:
    """Escalation cues in the text and the share of the weight they earn (0, 0.5 or 1).

    Uses minxin.intake.escalation (editable lexicon, optional model) when installed:
    medium/high earn the full weight, low half. Otherwise lexicon-free cues:
    repeated exclamation marks and a head count of 10 or more.
    """
    try:
        from minxin.intake.escalation import signals_for_case
    except ImportError:
        signals_for_case = None
    if signals_for_case is not None:
        sig = signals_for_case(case)
        factor = {"high": 1.0, "medium": 1.0, "low": 0.5}.get(sig.get("level"), 0.0)
        cues = [str(r) for r in sig.get("reasons", [])] or [str(sig.get("level_label", ""))]
        return (cues, factor) if factor else ([], 0.0)
    text = f"{case.subject}\n{case.content}\n{case.request}"
    cues = []
    if _EXCLAIM.search(text):
        cues.append(_("多处连续感叹号"))
    heads = [int(n) for n in _HEADCOUNT.findall(text)]
    if heads and max(heads) >= 10:
        cues.append(_("文中提及%(n)s人以上") % {"n": max(heads)})
    return cues, 1.0 if cues else 0.0


def _sensitive_periods(year_span) -> list[tuple[str, dt.date, dt.date]]:
    out = []
    for sd in SensitiveDate.objects.all():
        lead = dt.timedelta(days=sd.lead_days)
        if sd.recurs_yearly:
            for y in year_span:
                try:
                    s, e = sd.start.replace(year=y), sd.end.replace(year=y + (sd.end.year - sd.start.year))
                except ValueError:  # 29 February
                    continue
                out.append((sd.name, s - lead, e))
        else:
            out.append((sd.name, sd.start - lead, sd.end))
    return out


def _nearest_bureau_depth(area, bureaus_by_area_path: dict) -> int | None:
    parts = area.path.strip("/").split("/")
    for i in range(len(parts), 0, -1):
        if "/" + "/".join(parts[:i]) + "/" in bureaus_by_area_path:
            return i
    return None


class _Context:
    """Per-run caches so scoring many cases costs a few queries, not several per case."""

    def __init__(self):
        self.cfg = get_config()
        self.w = weights(self.cfg)
        today = clock.today()
        self.today = today
        self.sensitive = _sensitive_periods(range(today.year - 6, today.year + 2))
        self.bureau_paths = set(Unit.objects.filter(kind=UnitKind.PETITION_BUREAU).values_list("area__path", flat=True))


def _others_by_petitioner(case: Case) -> int:
    parties = list(CaseParty.objects.filter(case=case).select_related("petitioner"))
    if not parties:
        return 0
    hashes = [p.petitioner.id_hash for p in parties if p.petitioner.id_hash]
    ids = [p.petitioner_id for p in parties]
    q = Q(petitioner_id__in=ids)
    if hashes:
        q |= Q(petitioner__id_hash__in=hashes)
    return CaseParty.objects.filter(q).exclude(case=case).values("case_id").distinct().count()


def score_case(case: Case, *, ctx: _Context | None = None) -> RiskScore:
    ctx = ctx or _Context()
    w, cfg = ctx.w, ctx.cfg
    reasons: list[Reason] = []

    def add(code, factor=1.0, detail=""):
        if w[code] > 0:
            reasons.append(Reason(code, str(_(LABELS[code])), w[code] * factor, str(detail)))

    if case.is_collective:
        add("collective", detail=_("集体访"))
    if case.people_count >= cfg.many_people:
        add("many_people", 2.0 if case.people_count >= 10 * cfg.many_people else 1.0, _("涉及%(n)s人") % {"n": case.people_count})
    amount = max([float(a) for a in DisputeEntry.objects.filter(case=case).values_list("amount_wan", flat=True)] or [0.0])
    amount = max(amount, _amount_in_text(f"{case.subject}\n{case.content}\n{case.request}"))
    if amount >= cfg.large_amount_wan:
        add("large_amount", detail=_("约%(a)s万元") % {"a": f"{amount:g}"})
    others = _others_by_petitioner(case)
    if others:
        add("repeat", 2.0 if others >= 4 else 1.0, _("同一信访人另有%(n)s件") % {"n": others})
    reg = case.registering_unit
    if reg.kind == UnitKind.PETITION_BUREAU and case.area.path.startswith(reg.area.path):
        nearest = _nearest_bureau_depth(case.area, ctx.bureau_paths)
        reg_depth = len(reg.area.path.strip("/").split("/"))
        if nearest is not None and reg_depth < nearest:
            add("leapfrog", detail=_("在%(unit)s登记，越过属地信访部门") % {"unit": reg.name})
    cues, factor = text_cues(case)
    if factor:
        add("escalation_text", factor, "、".join(cues))
    received = timezone.localdate(case.received_at)
    for name, start, end in ctx.sensitive:
        if start <= received <= end:
            add("sensitive_date", detail=_("收到于%(name)s前后") % {"name": name})
            break
    if case.state in OPEN_STATES:
        age = (ctx.today - received).days
        if age >= cfg.long_open_days:
            add("long_open", 2.0 if age >= 2 * cfg.long_open_days else 1.0, _("已%(d)s天未办结") % {"d": age})
    score = min(100.0, sum(r.points for r in reasons))
    return RiskScore(score=score, level=level_of(score, cfg), reasons=reasons)


def score_petitioner(petitioner: Petitioner, *, staff) -> RiskScore:
    """The petitioner's risk: their highest case score plus how many matters they have raised.

    Cases are grouped by the blind-indexed ID number, so one person registered twice
    counts once. Only cases `staff` may see are considered (jobs pass SYSTEM).
    """
    ctx = _Context()
    q = Q(parties__petitioner=petitioner)
    if petitioner.id_hash:
        q |= Q(parties__petitioner__id_hash=petitioner.id_hash)
    base = visible_cases(staff)
    cases = base.filter(pk__in=Case.objects.filter(q).values("pk")).select_related("area", "registering_unit__area")
    best = RiskScore(0.0, RiskLevel.BLUE, [])
    n = open_n = 0
    for case in cases:
        n += 1
        open_n += case.state in OPEN_STATES
        s = score_case(case, ctx=ctx)
        if s.score > best.score:
            best = s
    reasons = [r for r in best.reasons if r.code != "repeat"]
    if n > 1 and ctx.w["repeat"] > 0:
        factor = min(3.0, 1 + math.log2(n - 1)) if n > 2 else 1.0
        reasons.append(Reason("repeat", str(_(LABELS["repeat"])), ctx.w["repeat"] * factor, str(_("共%(n)s件，其中在办%(o)s件") % {"n": n, "o": open_n})))
    score = min(100.0, sum(r.points for r in reasons))
    return RiskScore(score=score, level=level_of(score, ctx.cfg), reasons=reasons)


def score_open_cases(*, since_days: int = 365, case_ids=None) -> dict:
    """The job: score open cases and raise case_risk alerts for the high ones (idempotent)."""
    ctx = _Context()
    cutoff = clock.now() - dt.timedelta(days=since_days)
    qs = Case.objects.open().filter(received_at__gte=cutoff).select_related("area", "registering_unit__area")
    if case_ids is not None:
        qs = Case.objects.filter(pk__in=case_ids).select_related("area", "registering_unit__area")
    scored = raised = 0
    for case in qs.iterator(chunk_size=500):
        scored += 1
        s = score_case(case, ctx=ctx)
        if s.score < ctx.cfg.alert_threshold:
            continue
        # Accusations never show their subject in an alert title (Art. 30(3)).
        title = _("信访件%(no)s风险%(level)s（%(score)s分）") % {"no": case.number, "level": s.level_label, "score": f"{s.score:.0f}"}
        if case.category != Category.ACCUSATION:
            title += f"：{case.subject[:60]}"
        _alert, created = raise_alert(
            dedupe_key=f"case:{case.pk}:{s.level}",
            kind=AlertKind.CASE_RISK,
            level=s.level,
            title=title,
            area=case.area,
            domain_id=case.domain_id,
            category=case.category,
            case=case,
            score=s.score,
            explanation="；".join(f"{r.label}（+{r.points:g}）{r.detail}" for r in s.reasons),
            reasons=[r.as_dict() for r in s.reasons],
        )
        raised += created
    return {"scored": scored, "raised": raised}


def sweep(today=None, *, after_each=None) -> int:
    """Signature of oversight's SweepSpec.func: score open cases, return the alerts raised."""
    result = score_open_cases()
    if after_each:
        after_each()
    return result["raised"]
