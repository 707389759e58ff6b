from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "minxin.intake"
    label = "intake"
    verbose_name = _("受理与智能辅助")

    def ready(self):
        from minxin.cases.services.common import case_changed
        from minxin.intake import lexicon_admin  # noqa: F401  (registers the lexicon admin pages)
        from minxin.intake.duplicates.index import on_case_changed

        # Index a case's text for duplicate detection once its registration has committed.
        case_changed.connect(on_case_changed, dispatch_uid="intake_index_on_register")
