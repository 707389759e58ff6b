"""Open311 GeoReport v2 mapped onto our data (the HTTP side is minxin.api.open311).

- A *service* is one of our three 信访类别 (Category): 建议意见, 检举控告, 申诉求决.
- A *service request* posted by another system (with a token that has the `cases:create` scope) is
  a portal Submission waiting for registration (minxin.portal), like one typed on /xf/: a registrar
  registers it as a case (channel 网上信访) or refuses it. The same real-name rules apply; the phone
  is recorded as given (not SMS-verified).
- Its *status* follows the submission and then the case: open while waiting for registration or
  while the case is in an open state, closed once refused or the case has left them; the status
  notes are the petitioner's wording of the latest public event (the event registry), never
  names, notes or accused persons. The description is never published.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from minxin.cases.events import public_text
from minxin.cases.models import OPEN_STATES, Category
from minxin.core import clock
from minxin.core.errors import NotFound, ValidationFailed
from minxin.exchange.open311.models import Open311Request
from minxin.org.models import Area
from minxin.portal.models import SubmissionState
from minxin.portal.services import SubmissionInput, create_submission, rule_for, validate_submission

SPEC = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-03T00:00:00+08:00"
DEFAULT_DAYS = 90
MAX_RESULTS = 1000

_DESCRIPTIONS = {
    Category.SUGGESTION: "对国家机关及其工作人员的工作提出建议意见",
    Category.ACCUSATION: "检举、控告国家机关及其工作人员的违法违纪行为",
    Category.COMPLAINT: "申诉、求决，请求依法解决自身合法权益问题",
}


def services() -> list[dict]:
    return [
        {"service_code": c.value, "service_name": str(c.label), "description": _DESCRIPTIONS[c], "metadata": True,
         "type": "realtime", "keywords": "信访," + str(c.label), "group": "信访事项"}
        for c in Category
    ]


def _attribute(code, description, *, required, order, datatype="string", values=None) -> dict:
    return {"variable": True, "code": code, "datatype": datatype, "required": required,
            "datatype_description": "", "order": order, "description": description,
            "values": values or []}


def service_definition(code: str) -> dict:
    if code not in Category.values:
        raise NotFound(_("没有代码为“%(code)s”的服务") % {"code": code})
    rule = rule_for(code)
    named = not rule.allow_anonymous
    attrs = [
        _attribute("request", "请求事项", required=True, order=1, datatype="text"),
        _attribute("subject", "标题（不填取描述的前40个字）", required=False, order=2),
        _attribute("address", "信访人住址（署名时必填）", required=named and rule.require_name, order=3),
        _attribute("id_number", "信访人身份证号码", required=named and rule.require_id_number, order=4),
        _attribute("reasons", "理由", required=False, order=5, datatype="text"),
        _attribute("accused_unit", "被检举控告的单位", required=False, order=6),
        _attribute("accused_person", "被检举控告的人员", required=False, order=7),
    ]
    if rule.allow_anonymous:
        attrs.append(_attribute("anonymous", "匿名提出", required=False, order=8, datatype="singlevaluelist",
                                values=[{"key": "true", "name": "是"}, {"key": "false", "name": "否"}]))
    return {"service_code": code, "attributes": attrs}


@dataclass
class RequestInput:
    service_code: str
    description: str = ""
    address_id: str = ""
    address_string: str = ""
    lat: str = ""
    long: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    email: str = ""
    attributes: dict | None = None


def _decimal(value: str, low: int, high: int) -> Decimal | None:
    try:
        d = Decimal(value)
    except InvalidOperation:
        return None
    return d.quantize(Decimal("0.000001")) if low <= d <= high else None


@transaction.atomic
def create_request(data: RequestInput, *, api_token_id: int | None) -> Open311Request:
    """A pending portal submission plus its Open311 row; every problem reported at once, nothing written on error."""
    attrs = {k: (v or "").strip() for k, v in (data.attributes or {}).items()}
    errors: dict[str, str] = {}
    if data.service_code not in Category.values:
        errors["service_code"] = _("没有代码为“%(code)s”的服务（可选：%(all)s）") % {
            "code": data.service_code, "all": "、".join(Category.values)}
    area = Area.objects.filter(code=(data.address_id or "").strip()).first() if data.address_id else None
    if not data.address_id:
        errors["address_id"] = _("请在 address_id 中给出问题发生地的12位区划代码（村、社区一级）")
    elif area is None:
        errors["address_id"] = _("找不到区划代码为“%(code)s”的区域") % {"code": data.address_id}
    lat = long = None
    if data.lat or data.long:
        lat, long = _decimal(data.lat, -90, 90), _decimal(data.long, -180, 180)
        if lat is None or long is None:
            errors["lat"] = _("lat、long 须是有效的纬度、经度")
    description = (data.description or "").strip()
    subject = attrs.get("subject") or description[:40]
    name = f"{(data.last_name or '').strip()}{(data.first_name or '').strip()}"
    form = SubmissionInput(
        category=data.service_code, subject=subject, content=description, request=attrs.get("request", ""), area=area,
        reasons=attrs.get("reasons", ""), anonymous=attrs.get("anonymous", "").lower() == "true", name=name,
        id_number=attrs.get("id_number", ""), phone=(data.phone or "").strip(), address=attrs.get("address", ""),
        email=(data.email or "").strip(), accused_unit_name=attrs.get("accused_unit", ""),
        accused_person=attrs.get("accused_person", ""),
    )
    problems = validate_submission(form)
    problems.pop("sms_code", None)  # the calling system vouches for the contact; nothing is SMS-verified here
    if "phone" in problems and not form.phone:
        problems["phone"] = _("请填写信访人手机号码")
    if "area" in problems and "address_id" in errors:
        problems.pop("area")
    # Our field names, as Open311 calls them.
    rename = {"content": "description", "request": "attribute[request]", "subject": "attribute[subject]",
              "address": "attribute[address]", "id_number": "attribute[id_number]", "reasons": "attribute[reasons]",
              "name": "last_name", "category": "service_code", "area": "address_id", "anonymous": "attribute[anonymous]",
              "accused_unit_name": "attribute[accused_unit]", "accused_person": "attribute[accused_person]"}
    for key, message in problems.items():
        errors.setdefault(rename.get(key, key), message)
    if errors:
        raise ValidationFailed(_("服务请求未提交：") + "；".join(errors.values()), fields=errors)
    sub = create_submission(form, phone_verified=False)
    return Open311Request.objects.create(
        submission=sub, api_token_id=api_token_id, service_code=data.service_code, lat=lat, long=long,
        address_string=(data.address_string or "").strip()[:200], requested_at=sub.created_at,
    )


def _status(req: Open311Request) -> tuple[str, str, dt.datetime]:
    """(open|closed, status notes, updated) for one request, following its submission and case."""
    sub = req.submission
    if sub.state == SubmissionState.REFUSED:
        return "closed", _("未予登记"), sub.decided_at or sub.created_at
    case = sub.case
    if case is None:
        return "open", _("已提交，等待信访部门登记"), sub.created_at
    notes, updated = case.get_state_display(), sub.decided_at or sub.created_at
    for ev in case.events.order_by("-seq")[:50]:
        updated = max(updated, ev.at)
        text = public_text(ev)
        if text:
            notes = text
            break
    last = case.events.order_by("-seq").values_list("at", flat=True).first()
    if last is not None:
        updated = max(updated, last)
    return ("open" if case.state in OPEN_STATES else "closed"), notes, updated


def describe(req: Open311Request) -> dict:
    """One service request in GeoReport v2 shape (description withheld: petitions are not public)."""
    status, notes, updated = _status(req)
    sub = req.submission
    case = sub.case
    agency = ""
    if case is not None:
        agency = case.current_unit.name if case.current_unit_id else case.registering_unit.name
    return {
        "service_request_id": req.service_request_id,
        "status": status,
        "status_notes": notes,
        "service_name": str(Category(req.service_code).label) if req.service_code in Category.values else req.service_code,
        "service_code": req.service_code,
        "description": "",
        "agency_responsible": agency,
        "service_notice": "",
        "requested_datetime": req.requested_at,
        "updated_datetime": updated,
        "expected_datetime": None,
        "address": req.address_string or sub.area.name,
        "address_id": sub.area.code,
        "zipcode": "",
        "lat": req.lat,
        "long": req.long,
        "media_url": "",
    }


def _base():
    return Open311Request.objects.select_related(
        "submission__area", "submission__case__current_unit", "submission__case__registering_unit")


def get_request(service_request_id: str) -> Open311Request:
    req = _base().filter(service_request_id=service_request_id).first()
    if req is None:
        raise NotFound(_("没有编号为“%(id)s”的服务请求") % {"id": service_request_id})
    return req


def by_token(token: str) -> Open311Request:
    req = Open311Request.objects.filter(token=token).first()
    if req is None:
        raise NotFound(_("没有该令牌对应的服务请求"))
    return req


def find_requests(*, ids: list[str] | None = None, unit_area=None, service_codes=(), start=None, end=None,
                  statuses=()) -> list[Open311Request]:
    """Requests by id (anyone who knows the ids), or — for a caller with a token — those whose place lies
    in the token unit's area, requested between `start` and `end` (default: the last 90 days)."""
    qs = _base()
    if ids:
        qs = qs.filter(service_request_id__in=ids[:MAX_RESULTS])
    else:
        if unit_area is None:
            return []
        qs = qs.filter(submission__area__in=Area.objects.within(unit_area))
        if service_codes:
            qs = qs.filter(service_code__in=service_codes)
        end = end or clock.now()
        start = start or end - dt.timedelta(days=DEFAULT_DAYS)
        qs = qs.filter(requested_at__gte=start, requested_at__lte=end)
    rows = list(qs.order_by("-requested_at", "-pk")[:MAX_RESULTS])
    if statuses:
        rows = [r for r in rows if _status(r)[0] in statuses]
    return rows
