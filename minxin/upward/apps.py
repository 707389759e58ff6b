from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UpwardConfig(AppConfig):
    name = "minxin.upward"
    label = "upward"
    verbose_name = _("重大紧急信息报告")
