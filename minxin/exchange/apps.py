from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    """Every spreadsheet in and out, webhooks and Open311: data exchanged with other systems."""

    name = "minxin.exchange"
    label = "exchange"
    verbose_name = _("数据交换")
