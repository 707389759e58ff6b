"""Petitioner notifications for lifecycle events.

Hooked to `minxin.cases.services.common.case_event_recorded` (sent by every lifecycle service
inside its transaction) in NotifyConfig.ready, so the notices commit with the event. `notify_for_event`
can also be called directly (e.g. by a sweep or a data repair) with the same arguments.

Which event sends which notice, and its wording, are declared in the event registry
(minxin.cases.events.NOTICES): the case number, the 查询码 and plain words only — no
names, no unit staff, nothing about accused persons.
"""

from collections.abc import Callable
from dataclasses import dataclass


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
    from minxin.notify.services import queue_notice

    case = Case.objects.select_related("current_unit").filter(pk=case_id).first()
    if case is None:
        return 0
    # What is said and which event says it: the event registry (minxin.cases.events);
    # how it is queued (in this transaction, once per recipient): minxin.notify.services.queue_notice.
    event_key = event_id if event_id is not None else f"{action}-{to_state}"
    return sum(
        queue_notice(case, n.template.key, n.text, event_id=event_key, once_per_case=n.template.once_per_case)
        for n in notices_for(case, action, from_state=from_state, to_state=to_state)
    )


def on_case_changed(sender, **kwargs):
    from django.conf import settings

    if getattr(settings, "MINXIN_NOTIFY_PETITIONERS", True):
        notify_for_event(**kwargs)
