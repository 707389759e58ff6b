"""Access tokens for programs that call the API (scripts, other government systems)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from minxin.core import clock
from minxin.org.models import Staff


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        now = clock.now()
        return self.filter(revoked_at__isnull=True).filter(models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now))


class ApiToken(models.Model):
    # Only the SHA-256 of the token is kept: a leaked database or backup cannot be
    # replayed against the API. The token is shown once, when it is created.
    staff = models.ForeignKey(Staff, verbose_name=_("工作人员"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=100)
    token_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("令牌前缀"), max_length=16, db_index=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"))
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("到期时间"), null=True, blank=True)
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
        return self.expires_at is not None and self.expires_at <= clock.now()
