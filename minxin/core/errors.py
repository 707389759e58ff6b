"""Domain errors raised by services and shown to people in Chinese.

Views and the API turn them into a message or a JSON error body; nothing that
raised one has written anything (services run in one transaction).
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "invalid"
    status = 400
    default_message = _("操作无效")

    def __init__(self, message=None, *, fields: dict | None = None, code: str | None = None):
        self.message = str(message if message is not None else self.default_message)
        self.fields = {k: [str(m) for m in (v if isinstance(v, (list, tuple)) else [v])] for k, v in (fields or {}).items()}
        if code:
            self.code = code
        super().__init__(self.message)

    def as_dict(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "fields": self.fields}}


class ValidationFailed(DomainError):
    code = "validation_error"
    status = 422
    default_message = _("输入有误，请检查后重试")


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403
    default_message = _("您没有权限执行此操作")


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_message = _("未找到该对象，或您无权查看")


class InvalidTransition(DomainError):
    code = "invalid_transition"
    status = 409
    default_message = _("当前状态下不能执行此操作")


class Conflict(DomainError):
    code = "conflict"
    status = 409
    default_message = _("已被他人修改，请刷新后重试")


class ConfigurationMissing(DomainError):
    """Data an administrator must supply is missing (e.g. next year's holiday calendar)."""

    code = "configuration_missing"
    status = 503
    default_message = _("系统配置数据缺失，请联系系统管理员")
