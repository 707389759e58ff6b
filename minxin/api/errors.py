"""One JSON error body for everything under /api/v1/:

    {"error": {"code": "...", "message": "<简体中文>", "fields": {"path": ["…"]}}}

Domain errors carry their own code, status and Chinese message; the rest
(ninja's validation and auth errors, 404, 405, crashes) are mapped here so a
client never has to parse HTML or an English traceback.
"""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import DataError
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from minxin.core.errors import DomainError
from minxin.portal.throttle import Throttled

logger = logging.getLogger("minxin.api")

# Where a parameter came from (ninja's first `loc` element); clients only need the field path.
_SOURCES = {"body", "query", "path", "form", "header", "cookie", "file"}

_HTTP_CODES = {
    400: ("bad_request", gettext_lazy("请求格式有误")),
    401: ("unauthenticated", gettext_lazy("请先登录或提供有效的访问令牌")),
    403: ("permission_denied", gettext_lazy("您没有权限执行此操作")),
    404: ("not_found", gettext_lazy("请求的接口或对象不存在")),
    405: ("method_not_allowed", gettext_lazy("该接口不支持此请求方法")),
    429: ("throttled", gettext_lazy("请求过于频繁，请稍后再试")),
    500: ("server_error", gettext_lazy("服务器内部错误，已记录，请稍后重试或联系系统管理员")),
}


class NotAuthenticated(AuthenticationError):
    """401 with a specific Chinese reason (e.g. the token has expired)."""

    def __init__(self, message: str):
        super().__init__(status_code=401, message=message)


def error_body(code: str, message, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


def error_response(status: int, *, code: str | None = None, message=None, fields: dict | None = None) -> JsonResponse:
    default_code, default_message = _HTTP_CODES.get(status, ("error", _HTTP_CODES[400][1]))
    return JsonResponse(
        error_body(code or default_code, message if message is not None else default_message, fields),
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def _validation_message(err: dict) -> str:
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return _("必填")
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return _("应为整数")
    if kind in {"float_parsing", "float_type", "decimal_parsing", "decimal_type"}:
        return _("应为数字")
    if kind in {"bool_parsing", "bool_type"}:
        return _("应为是或否（true/false）")
    if kind in {"string_type"}:
        return _("应为文本")
    if kind == "string_too_short":
        return _("至少%(n)s个字符") % {"n": ctx.get("min_length")}
    if kind == "string_too_long":
        return _("最多%(n)s个字符") % {"n": ctx.get("max_length")}
    if kind == "string_pattern_mismatch":
        return _("格式不正确")
    if kind in {"greater_than", "greater_than_equal"}:
        return _("不能小于%(n)s") % {"n": ctx.get("ge", ctx.get("gt"))}
    if kind in {"less_than", "less_than_equal"}:
        return _("不能大于%(n)s") % {"n": ctx.get("le", ctx.get("lt"))}
    if kind in {"date_parsing", "date_from_datetime_parsing", "date_type"}:
        return _("日期格式应为YYYY-MM-DD")
    if kind in {"datetime_parsing", "datetime_from_date_parsing", "datetime_type"}:
        return _("日期时间格式不正确")
    if kind in {"enum", "literal_error"}:
        return _("取值无效，可选值：%(expected)s") % {"expected": ctx.get("expected", "")}
    if kind in {"list_type", "too_short", "too_long"}:
        return _("列表格式或长度不正确")
    if kind == "value_error" and ctx.get("error"):
        # Raised by our own validators, whose messages are already Chinese.
        return str(ctx["error"])
    return _("格式不正确")


def validation_fields(errors: list[dict]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for err in errors:
        loc = [str(p) for p in err.get("loc", ())]
        if loc and loc[0] in _SOURCES:
            loc = loc[1:]
        key = ".".join(loc) or "__all__"
        fields.setdefault(key, []).append(_validation_message(err))
    return fields


def _http_error(request, exc: HttpError):
    if isinstance(exc, NotAuthenticated):
        return error_response(401, message=exc.message)
    if isinstance(exc, AuthenticationError):
        return error_response(401)
    if isinstance(exc, AuthorizationError):
        return error_response(403)
    if exc.status_code == 400:
        return error_response(400, message=_("请求体无法解析，请发送有效的JSON"))
    response = error_response(exc.status_code)
    wait = getattr(exc, "wait", None)
    if wait:
        response["Retry-After"] = str(int(wait))
    return response


def _domain_error(request, exc: DomainError):
    response = JsonResponse(exc.as_dict(), status=exc.status, json_dumps_params={"ensure_ascii": False})
    retry_after(response, exc)
    return response


def retry_after(response: HttpResponse, exc: Exception) -> HttpResponse:
    """A throttled answer says when to come back (RFC 9110 §10.2.3), in seconds, so clients need not guess."""
    if isinstance(exc, Throttled):
        response["Retry-After"] = str(max(int(exc.wait), 1))
    return response


def _validation_error(request, exc: ValidationError):
    return error_response(422, code="validation_error", message=_("输入有误，请检查后重试"), fields=validation_fields(exc.errors))


def _not_found(request, exc):
    return error_response(404)


def _forbidden(request, exc):
    return error_response(403)


def _out_of_range(request, exc):
    # A number (or text) the database cannot hold, e.g. an id of 20 digits or a count beyond
    # its column: bad input, whichever parameter carried it, never a server error.
    logger.info("API %s %s refused: %s", request.method, request.path, type(exc).__name__)
    return error_response(422, code="validation_error", message=_("输入的数值或文本超出允许范围，请检查后重试"))


def _unexpected(request, exc):
    # The client gets no details (they may contain personal data or internals); the log
    # (PII-redacted by the logging filter) keeps the traceback for the administrator.
    logger.exception("unhandled error in API %s %s", request.method, request.path)
    return error_response(500)


def install(api) -> None:
    api.add_exception_handler(Exception, _unexpected)
    api.add_exception_handler(DomainError, _domain_error)
    api.add_exception_handler(ValidationError, _validation_error)
    api.add_exception_handler(HttpError, _http_error)
    api.add_exception_handler(Http404, _not_found)
    api.add_exception_handler(DjangoPermissionDenied, _forbidden)
    api.add_exception_handler(OverflowError, _out_of_range)
    api.add_exception_handler(DataError, _out_of_range)


# Every status an operation may answer with besides its own success responses, each with the one
# error body. Added to every operation of the OpenAPI document in one place (document_errors).
DOCUMENTED_ERRORS = {
    400: gettext_lazy("请求格式有误（如请求体不是有效的JSON）"),
    401: gettext_lazy("未登录，或访问令牌无效、已过期、已吊销"),
    403: gettext_lazy("没有权限执行此操作"),
    404: gettext_lazy("对象不存在，或您无权查看"),
    409: gettext_lazy("当前状态下不能执行此操作，或已被他人修改"),
    422: gettext_lazy("输入有误：fields 指明每个出错的字段"),
    429: gettext_lazy("请求过于频繁，请稍后再试"),
    503: gettext_lazy("系统配置数据缺失或服务暂不可用"),
}
ERROR_SCHEMA_NAME = "ErrorOut"
ERROR_SCHEMA = {
    "title": ERROR_SCHEMA_NAME,
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string", "description": "机器可读的错误代码"},
                "message": {"type": "string", "description": "简体中文的错误说明"},
                "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}},
                           "description": "出错的字段及原因"},
            },
        }
    },
}


def document_errors(schema: dict) -> dict:
    """Add the shared error responses to every operation (keeping any an operation declares itself)."""
    schema.setdefault("components", {}).setdefault("schemas", {})[ERROR_SCHEMA_NAME] = ERROR_SCHEMA
    ref = {"$ref": f"#/components/schemas/{ERROR_SCHEMA_NAME}"}
    for methods in schema.get("paths", {}).values():
        for operation in methods.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for status, description in DOCUMENTED_ERRORS.items():
                if status == 401 and not operation.get("security"):
                    continue  # a public operation never asks who is calling
                operation["responses"].setdefault(
                    str(status), {"description": str(description), "content": {"application/json": {"schema": ref}}}
                )
    return schema


def as_json_405(response: HttpResponse) -> HttpResponse:
    """ninja answers a wrong method with a plain-text 405; keep its Allow header, send our body."""
    json_response = error_response(405)
    if response.has_header("Allow"):
        json_response["Allow"] = response["Allow"]
    return json_response


def unknown_path(request, *args, **kwargs):
    return error_response(404, message=_("接口不存在：%(path)s") % {"path": request.path})
