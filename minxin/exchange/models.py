"""Models of the exchange domain, one block per part (each part keeps its models in its own package)."""

# --- webhooks (outbound case events) and Open311 (inbound service requests) ---
from minxin.exchange.open311.models import Open311Request  # noqa: E402,F401
from minxin.exchange.webhooks.models import WebhookDelivery, WebhookStatus, WebhookSubscription  # noqa: E402,F401
