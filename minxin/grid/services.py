"""Grid reports: report, visit, 化解 step, resolve at the grid, register as a case.

Each function is one transition: permission-checked by minxin.grid.policies, validated
(all problems in one Chinese message, nothing written), audited in the dispute's own
RiskEvent stream and done in one transaction. The ledger line itself is written only
through risk.ledger, the case only through the cases registration service.
"""

import datetime as dt
import hashlib

from django.db import transaction
from django.utils.translation import gettext as _

from minxin.cases.models import Category, Channel, Domain
from minxin.cases.services.registration import register_case
from minxin.core import clock
from minxin.core.errors import InvalidTransition, NotFound, ValidationFailed
from minxin.grid import policies
from minxin.grid.models import CaseRequest, GridReport, GridVisit, ReportKind, VisitKind, grid_storage
from minxin.org.models import Area, Staff
from minxin.portal import filecheck
from minxin.risk import ledger
from minxin.risk.audit import record
from minxin.risk.models import DisputeSource, DisputeStatus, RiskLevel

PHOTO_MAX_BYTES = 10 * 1024 * 1024  # a phone photo; larger is refused with the limit named
PHOTO_TYPES = ("image/jpeg", "image/png")
DESCRIPTION_MAX = 500
PLACE_MAX = 100


def reports_for(staff):
    return policies.reports_visible(GridReport.objects.all(), staff).select_related(
        "entry", "entry__area", "entry__domain", "grid", "reported_by", "case")


def get_report(staff, pk: int) -> GridReport:
    report = reports_for(staff).filter(pk=pk).first()
    if report is None:
        raise NotFound(_("未找到编号为%(pk)s的网格上报，或您无权查看") % {"pk": pk})
    return report


def grid_areas(staff: Staff):
    """The places a grid worker may choose: their grid and anything recorded below it."""
    return Area.objects.within(staff.unit.area).order_by("depth", "code")


def _photo_errors(photo) -> tuple[dict, str | None]:
    if photo is None:
        return {}, None
    if photo.size > PHOTO_MAX_BYTES:
        return {"photo": _("照片超过%(mb)dMB的限制") % {"mb": PHOTO_MAX_BYTES // (1024 * 1024)}}, None
    kind = filecheck.sniff_upload(photo)
    if kind not in PHOTO_TYPES:
        return {"photo": _("照片须为 JPEG 或 PNG 图片（按文件内容检查，与文件名无关）")}, None
    return {}, kind


def report(*, actor: Staff, kind: str, domain: Domain | None, area: Area | None, description: str, people_count=1,
           parties: str = "", place: str = "", level: str = RiskLevel.BLUE, photo=None, wants_case: bool = False) -> GridReport:
    """A grid worker reports a dispute or risk in their grid; it becomes a ledger line (source 网格)
    that their grid is responsible for, and, when they ask, waits for registration as a case."""
    errors: dict = {}
    if area is None:
        errors["area"] = _("请选择所在网格")
    else:
        policies.check_report(actor, area)
    if kind not in ReportKind.values:
        errors["kind"] = _("请选择类型（矛盾纠纷或风险隐患）")
    if domain is None:
        errors["domain"] = _("请选择领域")
    description = (description or "").strip()
    if not description:
        errors["description"] = _("请简要描述情况")
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = _("情况描述最多%(n)d个字") % {"n": DESCRIPTION_MAX}
    place = (place or "").strip()
    if len(place) > PLACE_MAX:
        errors["place"] = _("具体位置最多%(n)d个字") % {"n": PLACE_MAX}
    elif ledger._PERSONAL_NUMBER.search(place):
        errors["place"] = _("不得填写身份证号或手机号码")
    photo_errors, photo_type = _photo_errors(photo)
    errors.update(photo_errors)
    fields = dict(source=DisputeSource.GRID, domain=domain, area=area, summary=description, level=level,
                  responsible_unit=actor.unit, responsible_staff=actor, parties=(parties or "").strip(),
                  people_count=people_count, level_reasons=description if level in (RiskLevel.RED, RiskLevel.ORANGE) else "")
    try:
        # The ledger's own checks (people in words, no ID numbers, count, level) in the same round.
        ledger.create_entry(actor=actor, validate_only=True, **fields)
    except ValidationFailed as exc:
        for k, v in (exc.fields or {}).items():
            errors.setdefault({"summary": "description", "level_reasons": "description"}.get(k, k), v)
    if errors:
        raise ValidationFailed(_("上报未成功：%(e)s") % {"e": "；".join(dict.fromkeys(str(v) for v in errors.values()))},
                               fields=errors)
    saved = None
    try:
        with transaction.atomic():
            entry = ledger.create_entry(actor=actor, **fields)
            now = clock.now()
            rep = GridReport(entry=entry, grid=actor.unit, kind=kind, place=place, reported_by=actor, reported_at=now,
                             case_request=CaseRequest.PENDING if wants_case else CaseRequest.NONE)
            if photo is not None:
                digest = hashlib.sha256()
                for chunk in photo.chunks():
                    digest.update(chunk)
                photo.seek(0)
                rep.photo_type, rep.photo_size, rep.sha256 = photo_type, photo.size, digest.hexdigest()
                rep.photo.save("photo", photo, save=False)
                saved = rep.photo.name
            rep.save()
            if wants_case:
                # 上交: the matter leaves the grid for the 信访部门's registration queue.
                rep.entry = ledger.set_status(entry, actor=actor, status=DisputeStatus.ESCALATED, note=str(_("网格员申请转为信访事项")))
            record("grid_reported", actor=actor, entry=entry, at=now, report=rep.pk, kind=kind, place=place,
                   photo=bool(saved), wants_case=wants_case)
    except BaseException:
        if saved:
            grid_storage.delete(saved)
        raise
    return rep


def _lock(report: GridReport) -> GridReport:
    return GridReport.objects.select_for_update().select_related("entry", "entry__area", "grid").get(pk=report.pk)


@transaction.atomic
def record_visit(report: GridReport, *, actor: Staff, description: str, kind: str = VisitKind.VISIT,
                 taken_on: dt.date | None = None) -> GridVisit:
    """A visit to the people concerned, or another 化解 step, recorded as a step of the ledger line."""
    report = _lock(report)
    policies.check_work(actor, report, _("记录走访和化解情况"))
    if kind not in VisitKind.values:
        raise ValidationFailed(_("请选择记录类型（走访或化解措施）"), fields={"kind": _("无效")})
    if report.resolved_at is not None:
        raise InvalidTransition(_("该事项已在网格化解，不能再记录"))
    step = ledger.add_step(report.entry, actor=actor, description=description, taken_on=taken_on)
    visit = GridVisit.objects.create(report=report, step=step, kind=kind)
    record("grid_visit", actor=actor, entry=report.entry, report=report.pk, kind=kind, step=step.pk)
    return visit


@transaction.atomic
def resolve_at_grid(report: GridReport, *, actor: Staff, note: str = "") -> GridReport:
    """化解 at the grid (小事不出村). Needs at least one recorded step; a report that went on
    to become a case was not solved at the grid and cannot be marked so."""
    report = _lock(report)
    policies.check_work(actor, report, _("标记网格化解"))
    if report.resolved_at is not None:
        raise InvalidTransition(_("该事项已标记为网格化解"))
    if report.case_request != CaseRequest.NONE:
        raise InvalidTransition(_("该事项已申请或已登记为信访事项，由信访事项办理，不能标记为网格化解"))
    report.entry = ledger.set_status(report.entry, actor=actor, status=DisputeStatus.RESOLVED, note=note)
    report.resolved_at = clock.now()
    report.save(update_fields=["resolved_at"])
    record("grid_resolved", actor=actor, entry=report.entry, report=report.pk, note=note)
    return report


@transaction.atomic
def register_as_case(report: GridReport, *, actor: Staff, petitioner_name: str, petitioner_address: str,
                     category: str = Category.COMPLAINT, channel: str = Channel.VISIT, subject: str = "",
                     request: str = "", phone: str = "") -> GridReport:
    """A 信访部门 registers a report the grid worker asked to become a case, through the
    one registration service (same checks, number, clocks and notices as any case). The
    grid worker does not know the petitioner's identity details; the registrar takes them."""
    report = _lock(report)
    policies.check_register_case(actor, report)
    if report.case_request != CaseRequest.PENDING:
        raise InvalidTransition(_("该网格上报没有待登记的转信访事项申请"))
    entry = report.entry
    summary = entry.summary
    case = register_case(
        actor=actor, channel=channel, category=category, subject=(subject or summary[:60]).strip(), content=summary,
        area=entry.area, domain=entry.domain, people_count=max(entry.people_count, 1),
        petitioners=[{"name": petitioner_name, "address": petitioner_address, "phone": phone, "is_representative": entry.people_count > 1}],
        request=request or summary, facts=summary, reasons=_("网格员%(who)s上报（%(grid)s）") % {"who": report.reported_by.display_name, "grid": report.grid.name},
    )
    report.case, report.case_request = case, CaseRequest.REGISTERED
    report.save(update_fields=["case", "case_request"])
    record("grid_case_registered", actor=actor, entry=entry, report=report.pk, case=case.pk, number=case.number)
    return report
