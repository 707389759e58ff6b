"""Who is told and who may read what was sent: stated once for the notice hooks, the worker,
the delivery log (admin) and the development outbox.

- Notices about a case go only to its petitioners (the newest phone on file, plus the contact
  an online submitter gave): never to unit staff, never naming an accused unit or person, and
  nothing for an anonymous case without contact data (`notify.events.recipients`).
- The delivery log (收发记录, recipients masked, bodies encrypted) is read by 系统管理员 only,
  in the admin site; nobody edits or adds rows there.
- The development outbox shows messages in full (verification codes), so it exists only
  with DEBUG on.
"""

from django.conf import settings

from minxin.org.policies import may_administer


def _staff_of(user):
    from minxin.org.models import Staff

    return Staff.objects.select_related("unit", "user").filter(user=user).first() if user.is_authenticated else None


def may_read_delivery_log(user) -> bool:
    """A signed-in 系统管理员 with admin-site access (a superuser without a staff record too)."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    staff = _staff_of(user)
    return staff is not None and may_administer(staff)


def may_open_dev_outbox() -> bool:
    return bool(settings.DEBUG)
