from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "minxin.meetings"
    label = "meetings"
    verbose_name = _("信访工作联席会议")
