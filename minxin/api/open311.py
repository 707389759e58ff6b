"""Open311 GeoReport v2 at /open311/v2/ (JSON and XML by the path's extension), thin over
minxin.exchange.open311: parse, check the api_key (an access token), call the service, render.

    discovery.{fmt}, services.{fmt}, services/{code}.{fmt}, requests.{fmt} (GET, POST with api_key),
    requests/{id}.{fmt}, tokens/{token}.{fmt}

POST needs a token with the `cases:create` scope; listing requests without ids needs a token with
`cases:read` (only requests whose place lies in the token unit's area). Reading requests by id
and the service list are public, as the spec expects; the description is never returned.
"""

import datetime as dt

from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from minxin.api.errors import retry_after
from minxin.api.models import Scope
from minxin.api.scopes import count_request, require_scope
from minxin.api.tokens import TokenRejected, authenticate_token
from minxin.core.errors import DomainError, ValidationFailed
from minxin.exchange.open311 import services
from minxin.exchange.open311.render import errors, respond

def _api_key(request, fmt, scope: str):
    """The token behind `api_key`, with `scope`; an error response instead when it will not do."""
    raw = request.POST.get("api_key") or request.GET.get("api_key") or ""
    if not raw:
        return None, errors(fmt, 403, [_("缺少 api_key（访问令牌）")])
    try:
        staff = authenticate_token(raw)
    except TokenRejected as exc:
        return None, errors(fmt, 403, [exc.message])
    token = staff.presented_token
    try:
        require_scope(token, scope)
        count_request(token)
    except DomainError as exc:
        return None, retry_after(errors(fmt, exc.status, [exc.message]), exc)
    return staff, None


def _only(request, fmt, *methods) -> HttpResponse | None:
    if request.method not in methods:
        response = errors(fmt, 405, [_("不支持 %(m)s 方法") % {"m": request.method}])
        response["Allow"] = ", ".join(methods)
        return response
    return None


def _domain(fmt, exc: DomainError) -> HttpResponse:
    if isinstance(exc, ValidationFailed) and exc.fields:
        return errors(fmt, 400, [f"{k}: {v}" if not isinstance(v, list) else f"{k}: {'；'.join(map(str, v))}"
                                 for k, v in exc.fields.items()])
    status = 400 if exc.status == 422 else exc.status
    return errors(fmt, status, [exc.message])


@csrf_exempt
def discovery(request, fmt):
    if (bad := _only(request, fmt, "GET", "HEAD")) is not None:
        return bad
    base = request.build_absolute_uri("/open311/v2/")
    data = {
        "changeset": services.CHANGESET,
        "contact": _("请联系本级信访部门的系统管理员"),
        "key_service": _("访问令牌（api_key）由系统管理员为单位签发：系统管理 › 接口访问令牌"),
        "endpoints": [{"specification": services.SPEC, "url": base, "changeset": services.CHANGESET,
                       "type": "production", "formats": ["text/xml", "application/json"]}],
    }
    return respond(fmt, data, root="discovery")


@csrf_exempt
def service_list(request, fmt):
    if (bad := _only(request, fmt, "GET", "HEAD")) is not None:
        return bad
    return respond(fmt, services.services(), kind="services")


@csrf_exempt
def service_definition(request, code, fmt):
    if (bad := _only(request, fmt, "GET", "HEAD")) is not None:
        return bad
    try:
        return respond(fmt, services.service_definition(code), root="service_definition")
    except DomainError as exc:
        return _domain(fmt, exc)


def _when(value: str, fmt, name: str):
    if not value:
        return None
    parsed = parse_datetime(value.replace(" ", "+"))
    if parsed is None:
        raise ValidationFailed(_("%(name)s 须是 W3C 日期时间，例如 2026-01-01T00:00:00Z") % {"name": name},
                               fields={name: _("格式无效")})
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


@csrf_exempt
def requests_view(request, fmt):
    if (bad := _only(request, fmt, "GET", "HEAD", "POST")) is not None:
        return bad
    if request.method == "POST":
        return _post_request(request, fmt)
    q = request.GET
    ids = [i.strip() for i in q.get("service_request_id", "").split(",") if i.strip()]
    try:
        if ids:
            rows = services.find_requests(ids=ids)
        else:
            staff, refused = _api_key(request, fmt, Scope.CASES_READ)
            if refused is not None:
                return refused
            start, end = _when(q.get("start_date", ""), fmt, "start_date"), _when(q.get("end_date", ""), fmt, "end_date")
            if start and end and (end < start or end - start > dt.timedelta(days=services.DEFAULT_DAYS)):
                raise ValidationFailed(_("start_date 至 end_date 须在90天以内"), fields={"end_date": _("范围过大")})
            rows = services.find_requests(
                unit_area=staff.unit.area, service_codes=[c for c in q.get("service_code", "").split(",") if c],
                start=start, end=end, statuses=[s for s in q.get("status", "").split(",") if s])
    except DomainError as exc:
        return _domain(fmt, exc)
    return respond(fmt, [services.describe(r) for r in rows], kind="requests")


def _post_request(request, fmt):
    staff, refused = _api_key(request, fmt, Scope.CASES_CREATE)
    if refused is not None:
        return refused
    p = request.POST
    attributes = {key[len("attribute["):-1]: value for key, value in p.items() if key.startswith("attribute[") and key.endswith("]")}
    data = services.RequestInput(
        service_code=p.get("service_code", ""), description=p.get("description", ""), address_id=p.get("address_id", ""),
        address_string=p.get("address_string", ""), lat=p.get("lat", ""), long=p.get("long", ""),
        first_name=p.get("first_name", ""), last_name=p.get("last_name", ""), phone=p.get("phone", ""),
        email=p.get("email", ""), attributes=attributes,
    )
    try:
        req = services.create_request(data, api_token_id=staff.presented_token.pk)
    except DomainError as exc:
        return _domain(fmt, exc)
    body = [{"service_request_id": req.service_request_id, "token": req.token,
             "service_notice": _("已收到，等待信访部门登记；登记后按《信访工作条例》规定的期限办理"), "account_id": ""}]
    return respond(fmt, body, kind="requests", status=201)


@csrf_exempt
def request_detail(request, request_id, fmt):
    if (bad := _only(request, fmt, "GET", "HEAD")) is not None:
        return bad
    try:
        return respond(fmt, [services.describe(services.get_request(request_id))], kind="requests")
    except DomainError as exc:
        return _domain(fmt, exc)


@csrf_exempt
def token_detail(request, token, fmt):
    if (bad := _only(request, fmt, "GET", "HEAD")) is not None:
        return bad
    try:
        req = services.by_token(token)
    except DomainError as exc:
        return _domain(fmt, exc)
    return respond(fmt, [{"service_request_id": req.service_request_id, "token": req.token}], kind="requests")


# One route per format (the spec puts the format in the path), so every URL is a plain path.
urlpatterns = [
    route
    for fmt in ("json", "xml")
    for route in (
        path(f"discovery.{fmt}", discovery, {"fmt": fmt}, name=f"discovery_{fmt}"),
        path(f"services.{fmt}", service_list, {"fmt": fmt}, name=f"services_{fmt}"),
        path(f"services/<slug:code>.{fmt}", service_definition, {"fmt": fmt}, name=f"service_definition_{fmt}"),
        path(f"requests.{fmt}", requests_view, {"fmt": fmt}, name=f"requests_{fmt}"),
        path(f"requests/<slug:request_id>.{fmt}", request_detail, {"fmt": fmt}, name=f"request_{fmt}"),
        path(f"tokens/<slug:token>.{fmt}", token_detail, {"fmt": fmt}, name=f"token_{fmt}"),
    )
]
