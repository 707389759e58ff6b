"""CaseEvent action codes written by the oversight services, with their labels.

They sit beside the lifecycle actions in the case's audit chain but do not change
the case's state (from_state == to_state), so the lifecycle state machine does
not list them. Timelines merge these labels with minxin.cases.statemachine.LABELS.
"""

from django.utils.translation import gettext_lazy as _

LABELS = {
    "rate": _("信访人评价"),
    "supervise": _("发出督办"),
    "supervision_reply": _("督办反馈"),
    "supervision_review": _("审核督办反馈"),
    "supervision_escalate": _("升级督办"),
    "supervision_interview": _("约谈"),
    "supervision_circular": _("通报"),
    "supervision_dismiss": _("不予督办"),
}
