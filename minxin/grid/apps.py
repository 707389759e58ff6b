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
