from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UpwardConfig(AppConfig):
    name = "minxin.upward"
    label = "upward"
    verbose_name = _("重大紧急信息报告")

    def ready(self):
        from minxin.oversight.sweeps import SweepSpec, register_sweep

        # Every 10 minutes: the first report's limit is counted in hours.
        register_sweep(SweepSpec("upward_overdue", "重大紧急信息超时提醒", 600, _overdue_sweep))


def _overdue_sweep(today=None, after_each=None) -> int:
    from minxin.org.policies import SYSTEM
    from minxin.upward.services import notify_overdue

    return notify_overdue(actor=SYSTEM, after_each=after_each)
