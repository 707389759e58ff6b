from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "minxin.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self):
        from minxin.core.logging import protect_request_loggers

        protect_request_loggers()
