"""Access tokens for programs that call the API (scripts, other government systems)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from minxin.core import clock
from minxin.org.models import Staff, Unit


class Scope(models.TextChoices):
    """What a token may be used for. A browser session is bounded by the account's roles only;
    a token by the roles of the account it acts as AND its scopes (minxin.api.scopes)."""

    CASES_READ = "cases:read", _("查看信访事项")
    CASES_CREATE = "cases:create", _("登记信访事项")
    CASES_UPDATE = "cases:update", _("办理信访事项、报送结果")
    WEBHOOKS = "webhooks", _("管理回调订阅")
    OPINION_CREATE = "opinion:create", _("报送舆情信息")
    OPINION_READ = "opinion:read", _("查看舆情信息")
    OTHER = "other", _("其他接口（组织、督办、风险、接待等）")


ALL_SCOPES = tuple(Scope.values)


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        now = clock.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class ApiToken(models.Model):
    # Only the SHA-256 of the token is kept: a leaked database or backup cannot be
    # replayed against the API. The token is shown once, when it is created.
    # Issued to a unit (属地管理: what it may see is that unit's), acting as one of the unit's
    # accounts, whose roles bound what it may do; its scopes bound it further.
    unit = models.ForeignKey(Unit, verbose_name=_("所属单位"), on_delete=models.CASCADE, related_name="api_tokens")
    staff = models.ForeignKey(Staff, verbose_name=_("代表账号"), on_delete=models.CASCADE, related_name="api_tokens")
    scopes = models.JSONField(_("权限范围"), default=list)
    # Requests per minute; empty: MINXIN_API_TOKEN_RATE.
    rate_per_minute = models.PositiveIntegerField(_("每分钟请求上限"), null=True, blank=True)
    name = models.CharField(_("用途"), max_length=100)
    token_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("令牌前缀"), max_length=16, db_index=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"))
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True)
    # Every token expires (MINXIN_API_TOKEN_DEFAULT_DAYS, at most MINXIN_API_TOKEN_MAX_DAYS).
    expires_at = models.DateTimeField(_("到期时间"))
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("接口访问令牌")
        verbose_name_plural = _("接口访问令牌")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.prefix}…（{self.name}）"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= clock.now()

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or ())

    @property
    def scope_labels(self) -> list[str]:
        return [str(Scope(s).label) for s in self.scopes or () if s in Scope.values]
