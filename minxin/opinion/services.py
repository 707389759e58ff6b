"""Taking in public-opinion items (舆情) and matching them: the only writers of the opinion tables.

One validation for the API and the Excel import (`clean`), so both say the same thing in the
same words; one write (`take_in`) that is all or nothing, skips items already received (same
dedup key) and audits every item; then matching against cases, the ledger and hotspots
(minxin.opinion.matching), which never undoes an intake: an item whose matching failed keeps
matched_at empty and is matched again by the hourly opinion sweep (or `manage.py opinion rematch`).
"""

import datetime as dt
import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.cases.models import Domain
from minxin.core import clock
from minxin.core.errors import DomainError, ValidationFailed
from minxin.opinion import matching, policies
from minxin.opinion.models import OpinionEvent, OpinionItem, OpinionMatch
from minxin.opinion.places import gazetteer, infer_area
from minxin.org.models import Area, Unit, UnitKind
from minxin.org.policies import SYSTEM

log = logging.getLogger(__name__)

MAX_BATCH = 100
MAX_TEXT = 5000
MAX_SOURCE = 64
MAX_LINK = 500
# A feed's clock may run a little ahead of ours; anything later is a wrong date.
FUTURE_TOLERANCE = dt.timedelta(hours=1)
DOMAIN_CONFIDENCE = 0.6
# Public posts sometimes quote an ID or mobile number; the platform does not keep them.
_PERSONAL_NUMBER = re.compile(r"(?<!\d)(\d{17}[\dXx]|1[3-9]\d{9})(?!\d)")
_url = URLValidator(schemes=["http", "https"])


def record(action: str, *, actor=None, item=None, **payload) -> OpinionEvent:
    return OpinionEvent.objects.create(at=clock.now(), actor=None if actor is SYSTEM else actor, action=action, item=item,
                                       payload=payload)


def dedup_key(source: str, link: str, text: str) -> str:
    """Same source and link — or, without a link, same source and text — is the same item re-sent."""
    src = unicodedata.normalize("NFKC", source).strip().casefold()
    if link:
        basis = "link\n" + src + "\n" + link.strip().rstrip("/")
    else:
        basis = "text\n" + src + "\n" + re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()


def receiving_unit(actor) -> Unit:
    """The bureau an item is received by: the actor's unit, or for SYSTEM the top bureau of the city."""
    if actor is not SYSTEM:
        return actor.unit
    unit = (Unit.objects.filter(kind=UnitKind.PETITION_BUREAU, is_external=False, is_active=True)
            .select_related("area").order_by("area__depth", "pk").first())
    if unit is None:
        raise ValidationFailed(_("系统中还没有信访部门，无法接收舆情信息"))
    return unit


@dataclass
class Cleaner:
    """Checks raw items (dicts of text) for one actor; lookups are shared across a batch."""

    actor: object
    unit: Unit
    now: dt.datetime
    domains: dict = field(default_factory=dict)
    areas: dict = field(default_factory=dict)
    place_names: list | None = None

    @classmethod
    def for_actor(cls, actor) -> "Cleaner":
        unit = receiving_unit(actor)
        domains = {}
        for d in Domain.objects.all():
            domains[d.name] = d
            domains[d.code] = d
        return cls(actor=actor, unit=unit, now=clock.now(), domains=domains)

    def clean(self, raw: dict) -> tuple[dict, dict[str, str]]:
        """(clean values, {field: Chinese message}); the fields are the API's names."""
        errors: dict[str, str] = {}
        out: dict = {}
        source = _text(raw.get("source"))
        if not source:
            errors["source"] = _("来源不能为空（监测服务名称或平台）")
        elif len(source) > MAX_SOURCE:
            errors["source"] = _("来源最多%(n)d个字符") % {"n": MAX_SOURCE}
        out["source"] = source
        published = raw.get("published_at")
        if published in (None, ""):
            errors["published_at"] = _("发布时间不能为空")
        else:
            when = _as_datetime(published)
            if when is None:
                errors["published_at"] = _("发布时间格式应为2026-03-01 09:30或ISO 8601（2026-03-01T09:30:00+08:00）")
            elif when > self.now + FUTURE_TOLERANCE:
                errors["published_at"] = _("发布时间不能晚于当前时间")
            out["published_at"] = when
        text = _text(raw.get("text"))
        if not text:
            errors["text"] = _("内容不能为空")
        elif len(text) > MAX_TEXT:
            errors["text"] = _("内容最多%(n)d个字符") % {"n": MAX_TEXT}
        out["text"] = _PERSONAL_NUMBER.sub("［号码已隐去］", text)
        link = _text(raw.get("link"))
        if link:
            if len(link) > MAX_LINK:
                errors["link"] = _("链接最多%(n)d个字符") % {"n": MAX_LINK}
            else:
                try:
                    _url(link)
                except DjangoValidationError:
                    errors["link"] = _("链接应为以http://或https://开头的网址")
        out["link"] = link
        heat = raw.get("heat")
        if heat in (None, ""):
            out["heat"] = 0
        else:
            try:
                number = float(str(heat).strip())
                if number != int(number) or number < 0 or number > 2_000_000_000:
                    raise ValueError
                out["heat"] = int(number)
            except (TypeError, ValueError, OverflowError):
                errors["heat"] = _("热度应为不小于0的整数")
        code = _text(raw.get("area_code"))
        out["area"], out["area_inferred"], out["area_reason"] = None, False, ""
        if code:
            if code not in self.areas:
                self.areas[code] = Area.objects.filter(code=code).first()
            area = self.areas[code]
            if area is None:
                errors["area_code"] = _("区划代码%(c)s不存在") % {"c": code}
            elif not policies.area_in_scope(self.actor, area):
                errors["area_code"] = _("%(a)s不在%(u)s的管辖范围内") % {"a": area.name, "u": self.unit.name}
            out["area"] = area
        domain_name = _text(raw.get("domain"))
        out["domain"], out["domain_inferred"] = None, False
        if domain_name:
            domain = self.domains.get(domain_name)
            if domain is None:
                errors["domain"] = _("领域“%(d)s”不存在") % {"d": domain_name}
            out["domain"] = domain
        if not errors:
            out["dedup_key"] = dedup_key(source, link, text)
            if out["area"] is None:
                if self.place_names is None:
                    self.place_names = gazetteer("" if self.actor is SYSTEM else self.unit.area.path)
                area, reason = infer_area(text, names=self.place_names)
                out["area"], out["area_inferred"], out["area_reason"] = area, area is not None, reason
        return out, errors


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # PostgreSQL cannot store NUL in text; a feed that sends one gets it dropped, not a server error.
    return str(value).replace("\x00", "").strip()


_LOCAL = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


def _as_datetime(value) -> dt.datetime | None:
    """An aware datetime; text without a zone (and Excel cells) is local time."""
    tz = timezone.get_current_timezone()
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else value.replace(tzinfo=tz)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time.min, tzinfo=tz)
    text = str(value).strip()
    m = _LOCAL.match(text)
    try:
        if m:
            y, mo, d, h, mi, s = m.groups()
            return dt.datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0), tzinfo=tz)
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=tz)


def _infer_domain(items: list[dict]) -> None:
    """Fill a missing domain from the intake domain classifier, when one is active and confident."""
    todo = [row for row in items if row["domain"] is None]
    if not todo:
        return
    from minxin.intake.classify import service

    try:
        preds = service.predict("domain", [row["text"] for row in todo], k=1, explain=False)
    except DomainError as exc:  # no trained model yet (or its file is refused): the domain stays blank
        log.info("opinion items keep no domain: %s", exc.message)
        return
    names = {d.name: d for d in Domain.objects.all()} | {d.code: d for d in Domain.objects.all()}
    for row, pred in zip(todo, preds):
        domain = names.get(str(pred.label))
        if domain is not None and float(pred.confidence) >= DOMAIN_CONFIDENCE:
            row["domain"], row["domain_inferred"] = domain, True


@dataclass
class Outcome:
    item: OpinionItem
    created: bool


def check_batch(raws: list[dict], *, actor) -> tuple[list[dict], dict[int, dict[str, str]]]:
    """Validate every item; ({index: {field: message}} errors)."""
    policies.check_intake(actor)
    cleaner = Cleaner.for_actor(actor)
    rows, errors = [], {}
    for i, raw in enumerate(raws):
        row, errs = cleaner.clean(raw if isinstance(raw, dict) else {})
        if errs:
            errors[i] = errs
        rows.append(row)
    return rows, errors


def take_in(raws: list[dict], *, actor, via: str = "api", match: bool = True) -> list[Outcome]:
    """Receive a batch: all valid or nothing written (ValidationFailed naming item and field).

    Items already received (same dedup key, in the store or earlier in the batch) are not stored
    again; their heat is raised if the feed reports more. Returns one Outcome per item, in order.
    """
    if not raws:
        raise ValidationFailed(_("没有舆情信息"), fields={"items": _("至少一条")})
    if len(raws) > MAX_BATCH and via == "api":
        raise ValidationFailed(_("一次最多报送%(n)d条，请分批报送") % {"n": MAX_BATCH}, fields={"items": _("过多")})
    rows, errors = check_batch(raws, actor=actor)
    if errors:
        if len(raws) == 1:
            message = _("舆情信息有误，未接收：") + "；".join(errors[0].values())
        else:
            message = _("%(n)d条舆情信息有误，未接收任何一条：") % {"n": len(errors)} + "；".join(
                _("第%(i)d条%(f)s") % {"i": i + 1, "f": "，".join(errs.values())} for i, errs in list(errors.items())[:20])
        raise ValidationFailed(message, fields={f"items.{i}.{name}": msg for i, errs in errors.items() for name, msg in errs.items()})
    _infer_domain(rows)
    outcomes = _write(rows, actor=actor, via=via)
    if match:
        rematch([o.item for o in outcomes if o.created])
    return outcomes


@transaction.atomic
def _write(rows: list[dict], *, actor, via: str) -> list[Outcome]:
    unit = receiving_unit(actor)
    now = clock.now()
    keys = [r["dedup_key"] for r in rows]
    existing = {i.dedup_key: i for i in OpinionItem.objects.select_for_update().filter(dedup_key__in=keys)}
    outcomes = []
    for row in rows:
        key = row["dedup_key"]
        item = existing.get(key)
        if item is not None:
            if row["heat"] > item.heat:
                old, item.heat = item.heat, row["heat"]
                item.save(update_fields=["heat"])
                record("heat_updated", actor=actor, item=item, old=old, new=item.heat, via=via)
            else:
                record("duplicate_ignored", actor=actor, item=item, via=via)
            outcomes.append(Outcome(item, False))
            continue
        reason = row.pop("area_reason", "")
        try:
            with transaction.atomic():
                item = OpinionItem.objects.create(
                    unit=unit, received_at=now, received_by=None if actor is SYSTEM else actor, via=via, **row)
        except IntegrityError:
            # The same item sent twice at once: the other request stored it first.
            item = OpinionItem.objects.get(dedup_key=key)
            existing[key] = item
            record("duplicate_ignored", actor=actor, item=item, via=via)
            outcomes.append(Outcome(item, False))
            continue
        existing[key] = item
        record("received", actor=actor, item=item, via=via, area=item.area.code if item.area_id else None,
               area_inferred=item.area_inferred, area_reason=reason, domain=item.domain.name if item.domain_id else None)
        outcomes.append(Outcome(item, True))
    return outcomes


def rematch(items: list[OpinionItem]) -> int:
    """(Re)compute the stored matches of `items`; returns how many items were matched."""
    if not items:
        return 0
    topics: dict = {}
    done = 0
    for item in items:
        try:
            who = item.received_by or SYSTEM
            key = getattr(who, "pk", None)
            if key not in topics:
                topics[key] = matching.current_hotspots(who)
            found = matching.match_item(item, topics=topics[key])
        except Exception:  # matching must never lose an intake; the item is matched again later
            log.exception("matching opinion item %s failed", item.pk)
            continue
        with transaction.atomic():
            OpinionMatch.objects.filter(item=item).delete()
            OpinionMatch.objects.bulk_create([
                OpinionMatch(item=item, kind=m["kind"], case=m.get("case"), entry=m.get("entry"), label=m.get("label", ""),
                             score=m["score"], reasons=m["reasons"]) for m in found])
            item.matched_at = clock.now()
            item.save(update_fields=["matched_at"])
        done += 1
    return done


# ---------------------------------------------------------------- reads


def items_visible_to(staff):
    return policies.visible(OpinionItem.objects.all(), staff)


def get_item(staff, pk: int) -> OpinionItem:
    return policies.get_visible(staff, pk, OpinionItem.objects.select_related("area", "domain", "unit__area", "received_by__user"))


def matches_for(staff, item: OpinionItem) -> dict[str, list[OpinionMatch]]:
    """The item's matches that `staff` may open: cases and entries by their own policies; hotspots (computed in
    the receiving bureau's scope, their titles are case subjects) only for the receiving bureau and those above it."""
    from minxin.cases.policies import visible_cases
    from minxin.risk.ledger import entries_visible_to

    rows = list(item.matches.select_related("case", "entry__area", "entry__domain"))
    case_ids = {m.case_id for m in rows if m.case_id}
    entry_ids = {m.entry_id for m in rows if m.entry_id}
    seen_cases = set(visible_cases(staff).filter(pk__in=case_ids).values_list("pk", flat=True)) if case_ids else set()
    seen_entries = set(entries_visible_to(staff).filter(pk__in=entry_ids).values_list("pk", flat=True)) if entry_ids else set()
    hotspots_shown = staff is SYSTEM or item.unit.area.path.startswith(staff.unit.area.path)
    out = {"case": [], "entry": [], "hotspot": []}
    for m in rows:
        if (m.case_id and m.case_id not in seen_cases) or (m.entry_id and m.entry_id not in seen_entries):
            continue
        if m.kind == "hotspot" and not hotspots_shown:
            continue
        out[m.kind].append(m)
    for v in out.values():
        v.sort(key=lambda m: -m.score)
    return out


def filter_items(qs, *, q: str = "", area: Area | None = None, source: str = "", domain: str = "", matched: str = "",
                 since: dt.date | None = None, until: dt.date | None = None):
    if q:
        qs = qs.filter(text__icontains=q)
    if area is not None:
        qs = qs.filter(Q(area__path__startswith=area.path))
    if source:
        qs = qs.filter(source=source)
    if domain:
        qs = qs.filter(domain__name=domain)
    if matched == "yes":
        qs = qs.filter(matches__isnull=False).distinct()
    elif matched == "no":
        qs = qs.filter(matches__isnull=True)
    tz = timezone.get_current_timezone()
    if since:
        qs = qs.filter(published_at__gte=dt.datetime.combine(since, dt.time.min, tzinfo=tz))
    if until:
        qs = qs.filter(published_at__lt=dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
    return qs
