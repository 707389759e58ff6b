"""Who may see and issue documents (文书): stated once, called by the case page, the cases API,
the portal and the issuing service.

- Staff see a document when they may see its case (the one scoping rule, org/scoping.py), so the
  accused unit never sees the papers of a case accusing it, and nobody sees across areas.
- A petitioner sees, through the portal, only papers addressed to them on their own,
  non-anonymous case.
- A document is issued in a unit's name by a member of that unit, or by the system (sweeps
  and jobs act as `org.policies.SYSTEM`); None is refused.
"""

from django.utils.translation import gettext as _

from minxin.core.errors import PermissionDenied
from minxin.documents.models import Document
from minxin.org.policies import is_system, require_actor
from minxin.org.scoping import case_visibility


def documents_visible(staff):
    """Every document on a case `staff` may see (documents sit below cases, so the case model
    is reached through the relation rather than imported)."""
    require_actor(staff)
    case_model = Document._meta.get_field("case").related_model
    q = case_visibility(staff, case_model=case_model)
    return Document.objects.none() if q is None else Document.objects.filter(case__in=case_model.objects.filter(q))


def visible_document(staff, case, doc_pk: int) -> Document | None:
    """Document `doc_pk` of `case`, or None when it is not there or `staff` may not see it."""
    return documents_visible(staff).filter(case=case, pk=doc_pk).first()


def for_petitioner(case):
    """What the petitioner may download through the portal: papers addressed to them, never on an anonymous case."""
    if case is None or case.is_anonymous:
        return Document.objects.none()
    return Document.objects.filter(case=case, addressed_to_petitioner=True)


def may_issue(actor, unit) -> bool:
    require_actor(actor)
    return is_system(actor) or actor.unit_id == unit.pk


def check_issue(actor, unit, title: str) -> None:
    if not may_issue(actor, unit):
        raise PermissionDenied(
            _("%(staff)s不属于%(unit)s，不能以该单位名义出具%(title)s")
            % {"staff": actor.display_name, "unit": unit.name, "title": title}
        )
