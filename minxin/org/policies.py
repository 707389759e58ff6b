"""Who is acting: the rules every domain's policies build on.

A policy function takes the acting staff member explicitly. Background jobs and
management commands act as `SYSTEM`, an explicit actor that sees everything; passing
None is a programming error (it used to mean "all cases" in some places and "nothing"
in others), so `require_actor` refuses it loudly instead of guessing.
"""

from django.utils.translation import gettext as _

from minxin.core.errors import PermissionDenied
from minxin.org.models import Role, Staff


class SystemActor:
    """The worker, scheduler and management commands: not a person, sees every area."""

    is_system = True
    pk = None
    is_active = True

    def __repr__(self) -> str:
        return "SYSTEM"

    def has_role(self, *roles: str) -> bool:
        return False


SYSTEM = SystemActor()

Actor = Staff | SystemActor


def require_actor(staff) -> None:
    """Scoping cannot be skipped by passing nothing: None is a bug, not "everyone"."""
    if staff is None:
        raise TypeError("staff is required; background jobs pass minxin.org.policies.SYSTEM")


def is_system(staff) -> bool:
    return staff is SYSTEM


def is_active(staff) -> bool:
    """An active person with an active login (the system actor counts as active)."""
    if staff is SYSTEM:
        return True
    return staff is not None and staff.is_active and staff.user.is_active


def check_active(staff, message: str | None = None) -> None:
    if not is_active(staff):
        raise PermissionDenied(message or _("账号已停用或不在岗"))


def in_bureau(staff) -> bool:
    """A member of a 信访部门."""
    return staff is not SYSTEM and staff is not None and staff.unit.is_petition_bureau


def bureau_with_role(staff, *roles: str) -> bool:
    return is_active(staff) and in_bureau(staff) and staff.has_role(*roles)


# 系统管理员 manages accounts, units and the area tree; it does not open cases.
ADMIN_ROLES = (Role.ADMIN,)


def may_administer(staff) -> bool:
    return is_active(staff) and staff is not SYSTEM and staff.has_role(*ADMIN_ROLES)
