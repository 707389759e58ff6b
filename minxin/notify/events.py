"""Petitioner notifications for lifecycle events.

Hooked to `minxin.cases.services.case_changed` (sent by every lifecycle service after
commit) in NotifyConfig.ready — the cases services are not edited. `notify_for_event`
can also be called directly (e.g. by a sweep or a data repair) with the same arguments.

Which event sends which notice, and its wording, are declared in the event registry
(minxin.cases.events.NOTICES): the case number, the 查询码 and plain words only — no
names, no unit staff, nothing about accused persons.
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


def notify_for_event(*, case_id: int, action: str, to_state: str = "", event_id=None, from_state: str = "", **_kwargs) -> int:
    """Queue the SMS/e-mail for one lifecycle event; returns how many were queued.

    Idempotent: a second call for the same event and recipient queues nothing.
    """
    from minxin.cases.events import notices_for
    from minxin.cases.models import Case
    from minxin.notify.services import queue_email, queue_sms

    case = Case.objects.select_related("current_unit").filter(pk=case_id).first()
    if case is None:
        return 0
    # What is said and which event says it: the event registry (minxin.cases.events).
    notices = notices_for(case, action, from_state=from_state, to_state=to_state)
    if not notices:
        return 0
    queued = 0
    event_key = event_id if event_id is not None else f"{action}-{to_state}"
    for contact in recipients(case):
        for notice in notices:
            purpose, text = notice.template.key, notice.text
            who = crypto.blind_index("notify", contact.phone or contact.email)[:24]
            key = f"case{case.pk}:{purpose}:{who}" if notice.template.once_per_case else f"case{case.pk}:ev{event_key}:{purpose}:{who}"
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
