from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    """Every spreadsheet in and out, webhooks and Open311: data exchanged with other systems."""

    name = "minxin.exchange"
    label = "exchange"
    verbose_name = _("数据交换")

    def ready(self):
        from minxin.cases.services.common import case_event_recorded
        from minxin.exchange.webhooks.services import on_case_event

        # Inside the case event's transaction: the webhook deliveries commit with the event (outbox).
        case_event_recorded.connect(on_case_event, dispatch_uid="exchange_webhooks_on_case_event")
