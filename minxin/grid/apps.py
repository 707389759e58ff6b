from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridConfig(AppConfig):
    name = "minxin.grid"
    label = "grid"
    verbose_name = _("网格化管理")

    def ready(self):
        # The scorecard (oversight, a lower layer) learns about grid work through its hooks.
        from minxin.grid import scoring
        from minxin.oversight import scorecard

        if scoring.local_resolution not in scorecard.LOCAL_RESOLUTION:
            scorecard.LOCAL_RESOLUTION.append(scoring.local_resolution)
        if scoring.grid_reports_signal not in scorecard.SUPPRESSION_SIGNALS:
            scorecard.SUPPRESSION_SIGNALS.append(scoring.grid_reports_signal)
        # The menu item (web.context lets modules add theirs; it may not import this app, which
        # sits above the risk pages that use it). Placed before 风险预警.
        from django.utils.translation import gettext_lazy as _l

        from minxin.grid.policies import may_use
        from minxin.web.context import NAV_ITEMS

        if not any(name == "web:grid_home" for _label, name, _who in NAV_ITEMS):
            at = next((i for i, (_label, name, _who) in enumerate(NAV_ITEMS) if name == "web:risk_overview"), len(NAV_ITEMS))
            NAV_ITEMS.insert(at, (_l("网格"), "web:grid_home", may_use))
