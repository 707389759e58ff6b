"""网格 under /api/v1/grid: grid workers' reports, visits and 化解 at the grid.

Thin handlers over minxin.grid.services: a grid worker sees and works only their
grid's reports; 村社区、乡镇街道 and 信访部门 staff see the reports of their area
(read only). A report is sent as multipart/form-data (fields plus an optional
`photo`, JPEG or PNG by content). Errors use the standard JSON body (403 not
allowed, 404 out of reach, 409 wrong state, 422 invalid).
"""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from minxin.api.paging import OffsetParams
from minxin.cases.models import Category, Channel, Domain
from minxin.core import clock
from minxin.core.errors import NotFound, PermissionDenied, ValidationFailed
from minxin.grid import policies, scoring, services
from minxin.grid.models import GridReport, VisitKind
from minxin.org.models import Area
from minxin.risk.models import RiskLevel

router = Router(tags=["网格"])


class StepOut(Schema):
    taken_on: dt.date
    kind: str
    description: str


class ReportOut(Schema):
    id: int
    entry_id: int
    kind: str
    kind_label: str
    grid: str
    area_code: str
    area_name: str
    place: str
    domain: str
    summary: str
    parties: str
    people_count: int
    level: str
    status: str
    status_label: str
    reported_by: str
    reported_at: dt.datetime
    has_photo: bool
    case_request: str
    case_number: str | None
    resolved_at: dt.datetime | None
    steps: list[StepOut]


def _out(r: GridReport) -> dict:
    e = r.entry
    kinds = {v.step_id: v.kind for v in r.visits.all()}
    return {
        "id": r.pk, "entry_id": e.pk, "kind": r.kind, "kind_label": r.get_kind_display(), "grid": r.grid.name,
        "area_code": e.area.code, "area_name": e.area.name, "place": r.place, "domain": e.domain.name, "summary": e.summary,
        "parties": e.parties, "people_count": e.people_count, "level": e.level, "status": e.status,
        "status_label": e.get_status_display(), "reported_by": r.reported_by.display_name, "reported_at": r.reported_at,
        "has_photo": bool(r.photo), "case_request": r.case_request, "case_number": r.case.number if r.case_id else None,
        "resolved_at": r.resolved_at,
        "steps": [{"taken_on": s.taken_on, "kind": kinds.get(s.pk, VisitKind.STEP), "description": s.description} for s in e.steps.all()],
    }


def _get(request, report_id: int) -> dict:
    return _out(services.reports_for(request.auth).prefetch_related("visits", "entry__steps").get(pk=services.get_report(request.auth, report_id).pk))


@router.get("/reports", response=list[ReportOut], summary="网格上报（网格员看本网格，村社区、乡镇街道和信访部门看辖区）")
def list_reports(request, paging: Query[OffsetParams], status: str | None = None):
    qs = services.reports_for(request.auth).prefetch_related("visits", "entry__steps")
    if status:
        qs = qs.filter(entry__status=status)
    return [_out(r) for r in paging.slice(qs)]


class ReportIn(Schema):
    kind: str
    domain: str
    area_code: str
    description: str
    people_count: int = 1
    parties: str = ""
    place: str = ""
    level: str = RiskLevel.BLUE
    wants_case: bool = False


@router.post("/reports", response={201: ReportOut}, summary="网格上报（multipart：字段及可选照片 photo）")
def create_report(request, payload: Form[ReportIn], photo: File[UploadedFile] = None):
    staff = request.auth
    if not policies.is_grid_worker(staff):
        raise PermissionDenied(_("只有网格员可以网格上报"))
    domain = Domain.objects.filter(name=payload.domain).first() or Domain.objects.filter(code=payload.domain).first()
    area = services.grid_areas(staff).filter(code=payload.area_code).first()
    if domain is None:
        raise ValidationFailed(_("领域“%(d)s”不存在") % {"d": payload.domain}, fields={"domain": _("不存在")})
    if area is None:
        raise NotFound(_("区划代码%(code)s不在您的网格内") % {"code": payload.area_code}, fields={"area_code": _("不在本网格")})
    rep = services.report(actor=staff, kind=payload.kind, domain=domain, area=area, description=payload.description,
                          people_count=payload.people_count, parties=payload.parties, place=payload.place,
                          level=payload.level, photo=photo, wants_case=payload.wants_case)
    return Status(201, _get(request, rep.pk))


@router.get("/reports/{report_id}", response=ReportOut, summary="网格上报详情")
def get_report(request, report_id: int):
    return _get(request, report_id)


class VisitIn(Schema):
    description: str
    kind: str = VisitKind.VISIT
    taken_on: dt.date | None = None


@router.post("/reports/{report_id}/visits", response={201: ReportOut}, summary="记录走访或化解措施")
def add_visit(request, report_id: int, payload: VisitIn):
    rep = services.get_report(request.auth, report_id)
    services.record_visit(rep, actor=request.auth, description=payload.description, kind=payload.kind, taken_on=payload.taken_on)
    return Status(201, _get(request, report_id))


class ResolveIn(Schema):
    note: str = ""


@router.post("/reports/{report_id}/resolve", response=ReportOut, summary="标记为网格化解")
def resolve(request, report_id: int, payload: ResolveIn):
    rep = services.get_report(request.auth, report_id)
    services.resolve_at_grid(rep, actor=request.auth, note=payload.note)
    return _get(request, report_id)


class RegisterIn(Schema):
    petitioner_name: str
    petitioner_address: str
    phone: str = ""
    category: str = Category.COMPLAINT
    channel: str = Channel.VISIT
    request: str = ""


@router.post("/reports/{report_id}/case", response={201: ReportOut}, summary="把申请转为信访事项的网格上报登记为信访事项")
def register(request, report_id: int, payload: RegisterIn):
    rep = services.get_report(request.auth, report_id)
    services.register_as_case(rep, actor=request.auth, **payload.dict())
    return Status(201, _get(request, report_id))


class BoardRow(Schema):
    unit_code: str
    unit: str
    kind: str
    reports: int
    solved: int
    rate: float | None
    cases: int


@router.get("/board", response=list[BoardRow], summary="就地化解（按网格、村社区；默认最近90天）")
def board(request, area: str | None = None, start: dt.date | None = Query(None, alias="from"),
          end: dt.date | None = Query(None, alias="to")):
    staff = request.auth
    if not policies.may_use(staff):
        raise PermissionDenied(_("只有网格员及村社区、乡镇街道和信访部门的工作人员可以查看就地化解情况"))
    root = staff.unit.area
    if area:
        root = Area.objects.within(staff.unit.area).filter(code=area).first()
        if root is None:
            raise NotFound(_("区划代码%(code)s不存在或不在您的管辖范围内") % {"code": area})
    end = end or clock.today()
    start = start or end - dt.timedelta(days=scoring.BOARD_DAYS - 1)
    return [{"unit_code": r["unit"].code, "unit": r["unit"].name, "kind": r["kind"], "reports": r["reports"],
             "solved": r["solved"], "rate": r["rate"], "cases": r["cases"]} for r in scoring.board(root, start, end)]
