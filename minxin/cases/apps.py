from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "minxin.cases"
    label = "cases"
    verbose_name = _("信访事项")

    def ready(self):
        from minxin.cases.services.recompute import recompute_provisional_deadlines
        from minxin.rules.calendar_db import calendar_year_completed

        def _recount(sender, year, **kwargs):
            return recompute_provisional_deadlines()

        calendar_year_completed.connect(_recount, weak=False, dispatch_uid="cases.recount_provisional")
