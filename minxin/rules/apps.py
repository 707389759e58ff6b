from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RulesConfig(AppConfig):
    name = "minxin.rules"
    label = "rules"
    verbose_name = _("规则与日历")

    def ready(self):
        from django.core.signals import request_finished
        from django.tasks.signals import task_finished

        from minxin.rules.alerts import flush_pending_on_signal

        # A calendar alert raised inside a transaction that then rolled back is written here.
        request_finished.connect(flush_pending_on_signal, dispatch_uid="rules_flush_alerts_request")
        task_finished.connect(flush_pending_on_signal, dispatch_uid="rules_flush_alerts_task")
