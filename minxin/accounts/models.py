"""Security audit: sign-ins, lockouts, second factors and every change to the organisation,
staff, roles and API tokens, in one keyed hash chain (see minxin.accounts.audit)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SecurityAction(models.TextChoices):
    LOGIN_SUCCEEDED = "login_succeeded", _("登录成功")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOCKED_OUT = "locked_out", _("登录锁定")
    LOGOUT = "logout", _("退出登录")
    OTP_ENROLLED = "otp_enrolled", _("绑定动态口令")
    OTP_VERIFIED = "otp_verified", _("动态口令验证成功")
    OTP_FAILED = "otp_failed", _("动态口令验证失败")
    OTP_RESET = "otp_reset", _("重置动态口令")
    AREA_CREATED = "area_created", _("新增行政区域")
    AREA_CHANGED = "area_changed", _("修改行政区域")
    AREA_MOVED = "area_moved", _("调整区域隶属")
    AREA_DELETED = "area_deleted", _("删除行政区域")
    UNIT_CREATED = "unit_created", _("新增单位")
    UNIT_CHANGED = "unit_changed", _("修改单位")
    UNIT_DELETED = "unit_deleted", _("删除单位")
    STAFF_CREATED = "staff_created", _("新增工作人员")
    STAFF_CHANGED = "staff_changed", _("修改工作人员")
    ROLES_CHANGED = "roles_changed", _("调整角色")
    ACCOUNT_CHANGED = "account_changed", _("修改账号")
    PASSWORD_CHANGED = "password_changed", _("修改密码")
    TOKEN_ISSUED = "token_issued", _("签发接口令牌")
    TOKEN_REVOKED = "token_revoked", _("吊销接口令牌")
    AUDIT_RESEALED = "audit_resealed", _("审计链重新签名")
    WEBHOOK_CREATED = "webhook_created", _("新增回调订阅")
    WEBHOOK_CHANGED = "webhook_changed", _("修改回调订阅")
    WEBHOOK_DELETED = "webhook_deleted", _("删除回调订阅")
    WEBHOOK_DISABLED = "webhook_disabled", _("回调订阅因连续失败自动停用")
    WEBHOOK_REPLAYED = "webhook_replayed", _("重放回调")


class SecurityEvent(models.Model):
    # No foreign keys: the chain covers these values, and deleting an account must
    # neither cascade into the audit nor change a sealed row.
    seq = models.PositiveBigIntegerField(_("序号"), unique=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    action = models.CharField(_("事件"), max_length=40, choices=SecurityAction.choices)
    actor_user_id = models.BigIntegerField(_("操作人账号ID"), null=True, blank=True)
    actor = models.CharField(_("操作人"), max_length=150, blank=True)
    username = models.CharField(_("涉及账号"), max_length=150, blank=True, db_index=True)
    ip = models.CharField(_("来源地址"), max_length=45, blank=True)
    target_type = models.CharField(_("对象类型"), max_length=40, blank=True)
    target_id = models.CharField(_("对象ID"), max_length=64, blank=True)
    target_label = models.CharField(_("对象"), max_length=200, blank=True)
    payload = models.JSONField(_("详情"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)
    key_id = models.CharField(max_length=16)

    class Meta:
        verbose_name = _("安全审计记录")
        verbose_name_plural = _("安全审计记录")
        ordering = ["-seq"]

    def __str__(self):
        return f"{self.seq} {self.get_action_display()} {self.target_label or self.username}"


class SecurityChainHead(models.Model):
    """The newest seq and hash: one row, locked while appending, so the chain stays linear
    and a deleted tail is noticed."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, blank=True)
