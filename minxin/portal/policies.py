"""Who may work the online queue (网上信访): stated once for the staff pages and the services.

- The queue, its submissions and their attachments belong to the 信访部门 whose area contains
  the submission's place (属地管理), to its registrars and leaders (the one "may register",
  `cases.policies`). Anyone else sees an empty queue and is refused on any action.
- A petitioner reaches their own submission only through its 查询码 and a code sent to the
  phone they gave (portal.services); documents they may download: documents.policies.
"""

from django.utils.translation import gettext as _

from minxin.cases.policies import may_register
from minxin.core.errors import PermissionDenied
from minxin.org.policies import is_system, require_actor

QUEUE_REFUSED = _("只有信访部门的登记员或领导可以处理网上信访件")


def may_work_queue(staff) -> bool:
    return staff is not None and may_register(staff)


def check_work_queue(staff, message: str | None = None) -> None:
    require_actor(staff)
    if not may_work_queue(staff):
        raise PermissionDenied(message or QUEUE_REFUSED)


def submissions_visible(staff):
    """Submissions whose place lies in the staff member's area (SYSTEM: all; others: none)."""
    from minxin.portal.models import Submission

    require_actor(staff)
    if is_system(staff):
        return Submission.objects.all()
    if not may_work_queue(staff):
        return Submission.objects.none()
    return Submission.objects.filter(area__path__startswith=staff.unit.area.path)


def attachments_visible(staff):
    from minxin.portal.models import Attachment

    return Attachment.objects.filter(submission__in=submissions_visible(staff))
