from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "minxin.intake"
    label = "intake"
    verbose_name = _("受理与智能辅助")
