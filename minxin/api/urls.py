"""The API at /api/v1/ (django-ninja, OpenAPI docs at /api/v1/docs).

Each domain adds its endpoints as a ninja Router named in ROUTERS as
"module.path:attribute"; they are imported here when the URLconf loads, so a
domain module never imports this file (no import cycles). To add one:

    # minxin/cases/api.py
    router = Router(tags=["信访事项"])

    @router.get("/", response=list[CaseOut])
    def list_cases(request):
        return Case.objects.visible_to(request.auth)   # request.auth is the Staff

and append ("/cases", "minxin.cases.api:router") to ROUTERS. Every route requires
an active staff member (session or bearer token) unless it says `auth=None`.
"""

import functools

from asgiref.sync import iscoroutinefunction
from django.http import HttpResponseNotAllowed, JsonResponse
from django.urls import URLPattern, re_path, reverse
from django.utils.module_loading import import_string
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Schema

from minxin.api import errors
from minxin.api.auth import STAFF_AUTH
from minxin.org.models import Role

ROUTERS: list[tuple[str, str]] = [
    ("/me/tokens", "minxin.api.account:router"),
    ("/admin/tokens", "minxin.api.account:admin_router"),
    ("/exchange/webhooks", "minxin.api.webhooks:router"),
    ("/org", "minxin.api.org:router"),
    ("/portal", "minxin.api.portal:router"),  # public (auth=None): 网上信访 for mini-programs / 12345
    ("/cases", "minxin.api.cases:router"),
    ("/oversight", "minxin.api.oversight:router"),
    ("/risk", "minxin.api.risk:router"),
    ("/stability", "minxin.api.stability:router"),
    ("/upward", "minxin.api.upward:router"),
    ("/grid", "minxin.api.grid:router"),
    ("/intake", "minxin.api.intake:router"),
    ("/reception", "minxin.api.reception:router"),
    ("/meetings", "minxin.api.meetings:router"),
    ("/opinion", "minxin.api.opinion:router"),
]


class MinxinAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        return errors.document_errors(super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params))

    def _get_urls(self):
        urls = []
        for p in super()._get_urls():
            if isinstance(p, URLPattern) and p.name == "api-root":
                # ninja's root view raises a bare Http404 (an HTML page); point clients to the docs instead.
                p = URLPattern(p.pattern, csrf_exempt(functools.partial(_index, api=self)), p.default_args, p.name)
            urls.append(_with_json_405(p) if isinstance(p, URLPattern) else p)
        # Django's own 404 would be an HTML page; anything unknown under /api/v1/ answers in JSON.
        urls.append(re_path(r"^.*$", csrf_exempt(errors.unknown_path), name="unknown-path"))
        return urls


def _index(request, api):
    if request.method not in ("GET", "HEAD"):
        return errors.as_json_405(HttpResponseNotAllowed(["GET", "HEAD"]))
    return JsonResponse(
        {
            "name": api.title,
            "version": api.version,
            "docs": reverse(f"{api.urls_namespace}:openapi-view"),
            "openapi": reverse(f"{api.urls_namespace}:openapi-json"),
        },
        json_dumps_params={"ensure_ascii": False},
    )


def _with_json_405(pattern: URLPattern) -> URLPattern:
    view = pattern.callback

    def convert(response):
        return errors.as_json_405(response) if isinstance(response, HttpResponseNotAllowed) else response

    if iscoroutinefunction(view):

        @functools.wraps(view)
        async def wrapper(request, *args, **kwargs):
            return convert(await view(request, *args, **kwargs))

    else:

        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            return convert(view(request, *args, **kwargs))

    # functools.wraps keeps ninja's csrf_exempt flag: ninja checks CSRF itself, per auth method.
    return URLPattern(pattern.pattern, wrapper, pattern.default_args, pattern.name)


api = MinxinAPI(
    title="民心信访工作平台 API",
    version="1",
    description="所有接口均需登录会话或访问令牌（Authorization: Bearer <令牌>），另有说明的除外。错误统一返回 "
    '{"error": {"code": "…", "message": "…", "fields": {…}}}。',
    urls_namespace="api",
    auth=STAFF_AUTH,
)
errors.install(api)


def _attach_routers() -> None:
    for prefix, dotted in ROUTERS:
        api.add_router(prefix, import_string(dotted.replace(":", ".")))


class PingOut(Schema):
    status: str


class RoleOut(Schema):
    code: str
    label: str


class MeOut(Schema):
    username: str
    name: str
    unit: str
    unit_code: str
    area: str
    area_code: str
    roles: list[RoleOut]


@api.get("/ping", auth=None, response=PingOut, summary="连通性检查", tags=["系统"])
def ping(request):
    return {"status": "ok"}


@api.get("/me", response=MeOut, summary="当前调用者", tags=["系统"])
def me(request):
    staff = request.auth
    unit = staff.unit
    return {
        "username": staff.user.username,
        "name": staff.display_name,
        "unit": unit.name,
        "unit_code": unit.code,
        "area": unit.area.full_name,
        "area_code": unit.area.code,
        "roles": [{"code": code, "label": str(Role(code).label)} for code in sorted(staff.role_codes)],
    }


_attach_routers()
