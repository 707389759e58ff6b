from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "minxin.notify"
    label = "notify"
    verbose_name = _("通知")

    def ready(self):
        from minxin.cases.services.common import case_changed
        from minxin.notify.events import on_case_changed

        # Sent after commit by every lifecycle service; queuing is itself deferred to the worker.
        case_changed.connect(on_case_changed, dispatch_uid="notify_on_case_changed")
