from minxin.core import clock
from minxin.risk.models import RiskEvent


def record(action: str, *, actor=None, entry=None, alert=None, plan=None, at=None, **payload) -> RiskEvent:
    return RiskEvent.objects.create(
        at=at or clock.now(), actor=actor, action=action, entry=entry, alert=alert, plan=plan, payload=payload
    )
