from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StabilityConfig(AppConfig):
    name = "minxin.stability"
    label = "stability"
    verbose_name = _("社会稳定风险评估")
