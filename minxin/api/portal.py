"""Public portal API under /api/v1/portal/ (no login), for a WeChat mini-program or the
12345 hotline. Same services, rules and throttles as the web portal (minxin.portal).

Follow: POST /follow/start sends an SMS code; POST /follow returns the progress and a
`token` (signed, valid 30 minutes) used for /progress, /ratings and /appeals.
"""

import datetime as dt

from django.core import signing
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from minxin.core.errors import NotFound
from minxin.org.models import Area
from minxin.portal import services
from minxin.portal.throttle import client_ip

router = Router(tags=["网上信访（公开）"], auth=None)

TOKEN_SALT = "minxin.portal.follow"
TOKEN_SECONDS = 30 * 60


class AreaOut(Schema):
    code: str
    name: str
    level: int
    has_children: bool


class CodeIn(Schema):
    phone: str


class Accepted(Schema):
    message: str


class SubmissionIn(Schema):
    category: str = Field("", description="suggestion/accusation/complaint；缺少时与其他问题一并报告")
    subject: str = ""
    content: str = ""
    request: str = ""
    reasons: str = ""
    area_code: str = ""
    anonymous: bool = False
    name: str = ""
    id_number: str = ""
    address: str = ""
    phone: str = ""
    sms_code: str = ""
    email: str = ""
    accused_unit_name: str = Field("", description="被检举、揭发的单位（如有）；不会转给该单位，该单位也看不到（第三十条第三款）")
    accused_person: str = Field("", description="被检举、揭发的人员姓名（如有）")


class SubmissionOut(Schema):
    code: str
    state: str
    message: str


class FollowStartIn(Schema):
    code: str
    phone: str = ""


class FollowIn(Schema):
    code: str
    phone: str = ""
    sms_code: str = ""


class StepOut(Schema):
    on: dt.date
    text: str


class DocumentOut(Schema):
    id: int
    title: str
    number: str


class AppealOptionOut(Schema):
    kind: str
    label: str
    due_on: dt.date
    expired: bool
    pending: bool


class ProgressOut(Schema):
    token: str
    status: str
    subject: str
    case_number: str
    refusal_reason: str
    steps: list[StepOut]
    documents: list[DocumentOut]
    appeals: list[AppealOptionOut]


class RatingIn(Schema):
    token: str
    target: str
    score: str
    comment: str = ""


class AppealIn(Schema):
    token: str
    kind: str
    request: str


def _area(code: str) -> Area | None:
    return services.public_areas().filter(code=code).first() if code else None


@router.get("/areas", response=list[AreaOut], summary="问题发生地（逐级）")
def areas(request, parent: str = ""):
    """Top-level places without `parent`; otherwise the children of the area with that code."""
    if parent:
        base = _area(parent)
        if base is None:
            raise NotFound(_("区域代码%(code)s不存在") % {"code": parent})
        qs = services.public_areas().filter(parent=base)
    else:
        roots = list(services.root_areas())
        qs = services.public_areas().filter(parent=roots[0]) if len(roots) == 1 else services.root_areas()
    allowed = services.public_areas()
    return [{"code": a.code, "name": a.name, "level": a.level, "has_children": allowed.filter(parent=a).exists()}
            for a in qs.order_by("code")]


@router.post("/codes", response={202: Accepted}, summary="发送提交用短信验证码")
def send_code(request, payload: CodeIn):
    services.send_code(payload.phone, purpose="submit", ip=client_ip(request))
    return Status(202, {"message": _("验证码已发送，10分钟内有效")})


def _submit(request, payload: SubmissionIn, files) -> Status:
    data = services.SubmissionInput(
        category=payload.category, subject=payload.subject, content=payload.content, request=payload.request,
        reasons=payload.reasons, area=_area(payload.area_code), anonymous=payload.anonymous, name=payload.name,
        id_number=payload.id_number, address=payload.address, phone=payload.phone, sms_code=payload.sms_code,
        email=payload.email, accused_unit_name=payload.accused_unit_name, accused_person=payload.accused_person,
    )
    sub = services.submit(data, files, ip=client_ip(request))
    return Status(201, {"code": sub.code, "state": sub.state, "message": _("提交成功，请保存查询码")})


@router.post("/submissions", response={201: SubmissionOut}, summary="提交网上信访（JSON，无附件）")
def submit(request, payload: SubmissionIn):
    return _submit(request, payload, ())


@router.post("/submissions/multipart", response={201: SubmissionOut}, summary="提交网上信访（multipart 表单，可带附件）")
def submit_multipart(request, payload: Form[SubmissionIn], attachments: File[list[UploadedFile]] = None):
    """Same fields as /submissions as form fields, plus `attachments` (JPEG/PNG/PDF, checked by content)."""
    return _submit(request, payload, attachments or ())


@router.post("/follow/start", response={202: Accepted}, summary="查询第一步：发送验证码")
def follow_start(request, payload: FollowStartIn):
    services.start_follow(payload.code, payload.phone, ip=client_ip(request))
    return Status(202, {"message": _("如果查询码和手机号匹配，验证码已发送到该手机")})


def _progress(sub: services.Tracked, token: str) -> dict:
    return {
        "token": token, "status": services.status_text(sub), "subject": sub.subject,
        "case_number": sub.case.number if sub.case_id else "", "refusal_reason": sub.refusal_reason,
        "steps": [{"on": s.on, "text": s.text} for s in services.progress(sub)],
        "documents": [{"id": d.pk, "title": d.title, "number": d.number} for d in services.documents(sub)],
        "appeals": [{k: o[k] for k in ("kind", "due_on", "expired", "pending")} | {"label": str(o["label"])}
                    for o in services.appeal_options(sub)],
    }


@router.post("/follow", response=ProgressOut, summary="查询第二步：验证并查看进度")
def follow(request, payload: FollowIn):
    sub = services.finish_follow(payload.code, payload.phone, payload.sms_code, ip=client_ip(request))
    token = signing.dumps(sub.key(), salt=TOKEN_SALT)
    return _progress(sub, token)


def _from_token(token: str) -> services.Tracked:
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_SECONDS)
    except signing.BadSignature:
        raise NotFound(_("查询凭证无效或已过期，请重新查询")) from None
    sub = services.Tracked.from_key(data)
    if sub is None:
        raise NotFound(_("查询凭证无效或已过期，请重新查询"))
    return sub


@router.get("/progress", response=ProgressOut, summary="凭查询凭证查看进度")
def progress(request, token: str):
    return _progress(_from_token(token), token)


@router.post("/ratings", response={201: Accepted}, summary="评价（信访部门、责任单位分别评价）")
def rate(request, payload: RatingIn):
    services.rate(_from_token(payload.token), target=payload.target, score=payload.score, comment=payload.comment)
    return Status(201, {"message": _("感谢您的评价")})


@router.post("/appeals", response={201: Accepted}, summary="申请复查或复核")
def appeal(request, payload: AppealIn):
    services.request_appeal(_from_token(payload.token), kind=payload.kind, request=payload.request)
    return Status(201, {"message": _("申请已提交，信访部门登记后将以短信告知")})
