from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "minxin.notify"
    label = "notify"
    verbose_name = _("通知")

    def ready(self):
        from minxin.cases.services.common import case_event_recorded
        from minxin.notify.events import on_case_changed

        # Sent inside every lifecycle service's transaction: the notices commit with the event
        # (an after-commit hook would lose them to a crash between commit and queueing).
        case_event_recorded.connect(on_case_changed, dispatch_uid="notify_on_case_event")
