"""Service requests received through Open311 GeoReport v2 (/open311/v2/).

Each is a portal Submission waiting for registration (minxin.portal); this row keeps what
Open311 adds: the public request id and token, the calling token (api_key), the service code
and the location as sent.
"""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _


def new_request_token() -> str:
    return secrets.token_hex(16)


def new_request_id() -> str:
    # Random, not a sequence: ids of petitions are not to be walked one by one.
    return "MX" + "".join(secrets.choice("23456789ABCDEFGHJKMNPQRSTUVWXYZ") for _ in range(10))


class Open311Request(models.Model):
    submission = models.OneToOneField("portal.Submission", verbose_name=_("网上信访提交"), on_delete=models.CASCADE,
                                      related_name="open311")
    service_request_id = models.CharField(_("服务请求编号"), max_length=16, unique=True, default=new_request_id)
    # Public: never the 查询码 (which, with the phone, opens the petitioner's own view).
    token = models.CharField(_("请求令牌"), max_length=32, unique=True, default=new_request_token)
    api_token = models.ForeignKey("api.ApiToken", verbose_name=_("提交令牌"), null=True, on_delete=models.SET_NULL,
                                  related_name="+")
    service_code = models.CharField(_("服务代码"), max_length=32)
    lat = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    long = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    address_string = models.CharField(_("地址"), max_length=200, blank=True)
    requested_at = models.DateTimeField(_("提交时间"))

    class Meta:
        verbose_name = _("Open311 服务请求")
        verbose_name_plural = _("Open311 服务请求")
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return self.service_request_id
