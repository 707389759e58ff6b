from django.core.management.base import CommandError

from minxin.org.models import Staff
from minxin.org.policies import SYSTEM


def actor_for(username: str | None):
    """--as USERNAME: that staff member's rights and scope; none: SYSTEM (the operator on the server)."""
    if not username:
        return SYSTEM
    staff = Staff.objects.select_related("user", "unit__area").filter(user__username=username).first()
    if staff is None:
        raise CommandError(f"账号 {username} 不存在")
    return staff
