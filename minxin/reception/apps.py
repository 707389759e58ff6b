from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceptionConfig(AppConfig):
    name = "minxin.reception"
    label = "reception"
    verbose_name = _("来访接待")
