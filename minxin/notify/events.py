"""Petitioner notifications for lifecycle events.

Hooked to `minxin.cases.services.case_changed` (sent by every lifecycle service after
commit) in NotifyConfig.ready — the cases services are not edited. `notify_for_event`
can also be called directly (e.g. by a sweep or a data repair) with the same arguments.

Messages carry the case number and plain words only: no names, no unit staff, nothing
about accused persons.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from minxin.core import crypto

# Callables case -> iterable of Contact; the portal adds the contact details of online submitters.
RECIPIENT_SOURCES: list[Callable] = []


@dataclass(frozen=True)
class Contact:
    phone: str = ""
    email: str = ""


def _petitioner_contacts(case):
    for party in case.parties.select_related("petitioner"):
        phone = party.petitioner.phone
        if phone:
            yield Contact(phone=phone)


def recipients(case) -> list[Contact]:
    phones, emails = {}, {}
    for source in [_petitioner_contacts, *RECIPIENT_SOURCES]:
        for c in source(case):
            if c.phone:
                phones.setdefault(c.phone, c)
            if c.email:
                emails.setdefault(c.email.lower(), c)
    return [Contact(phone=p) for p in phones] + [Contact(email=e) for e in emails]


_INVITE = "rating_invite"  # sent once per case and recipient, whichever event opens the window


def _messages(case, action: str, to_state: str) -> list[tuple[str, str]]:
    """(purpose, text) pairs for this event; empty when the petitioner need not be told."""
    from minxin.cases.models import CaseState
    from minxin.cases.statemachine import A

    n = case.number
    invite = (_INVITE, _("欢迎您对事项（%(n)s）的办理情况作出评价（满意/基本满意/不满意），请凭查询码在网上信访评价。") % {"n": n})
    if action == A.REGISTER:
        return [("register", _("您反映的事项已登记，信访件编号%(n)s。可凭查询码在网上信访查询办理进度。") % {"n": n})]
    if action in (A.TRANSFER, A.ASSIGN, A.SETTLE_DISPUTE) or (action == A.DECIDE_OBJECTION and to_state != CaseState.REGISTERED):
        unit = case.current_unit.name if case.current_unit_id else ""
        return [("transfer", _("您反映的事项（%(n)s）已转交%(unit)s办理。") % {"n": n, "unit": unit})]
    if action == A.ACCEPT:
        return [("accept", _("您反映的事项（%(n)s）已由%(unit)s受理。") % {"n": n, "unit": case.current_unit.name})]
    delivered = case.decision_delivered_on is not None and to_state == CaseState.OPINION_ISSUED
    if action == A.ISSUE_OPINION:
        texts = [("opinion", _("您反映的事项（%(n)s）已出具信访处理意见书，请凭查询码查看并下载。") % {"n": n})]
        return texts + ([invite] if delivered else [])
    if action == A.RECORD_DELIVERY:
        return [invite] if delivered else []
    if action == A.RECOMPUTE_DEADLINES:
        # Sent only when a date the petitioner was given moved (minxin.cases.services.recompute).
        return [("deadline_recomputed", _("您反映的事项（%(n)s）的期限已按国务院公布的放假安排重新计算，请凭查询码在网上信访查看。") % {"n": n})]
    if to_state in (CaseState.CLOSED, CaseState.FINAL, CaseState.NOT_ACCEPTED, CaseState.NOT_REACCEPTED):
        return [("close", _("您反映的事项（%(n)s）已办结，请凭查询码查看结果。") % {"n": n}), invite]
    return []


def notify_for_event(*, case_id: int, action: str, to_state: str = "", event_id=None, from_state: str = "", **_kwargs) -> int:
    """Queue the SMS/e-mail for one lifecycle event; returns how many were queued.

    Idempotent: a second call for the same event and recipient queues nothing.
    """
    from minxin.cases.models import Case
    from minxin.notify.services import queue_email, queue_sms

    case = Case.objects.select_related("current_unit").filter(pk=case_id).first()
    if case is None:
        return 0
    texts = _messages(case, action, to_state)
    if case.is_anonymous:  # anonymous matters are not rated (minxin.oversight.ratings)
        texts = [t for t in texts if t[0] != _INVITE]
    if not texts:
        return 0
    queued = 0
    event_key = event_id if event_id is not None else f"{action}-{to_state}"
    for contact in recipients(case):
        for purpose, text in texts:
            who = crypto.blind_index("notify", contact.phone or contact.email)[:24]
            key = f"case{case.pk}:{purpose}:{who}" if purpose == _INVITE else f"case{case.pk}:ev{event_key}:{purpose}:{who}"
            if contact.phone:
                done = queue_sms(contact.phone, text, purpose=purpose, case=case, dedupe_key=key)
            else:
                done = queue_email(contact.email, _("信访事项办理进度通知"), text, purpose=purpose, case=case, dedupe_key=key)
            queued += done is not None
    return queued


def on_case_changed(sender, **kwargs):
    from django.conf import settings

    if getattr(settings, "MINXIN_NOTIFY_PETITIONERS", True):
        notify_for_event(**kwargs)
