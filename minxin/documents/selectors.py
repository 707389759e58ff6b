"""Reads over issued documents. Who may see them: minxin.documents.policies."""

from minxin.documents.models import Document


def documents_of(case):
    return Document.objects.filter(case=case).select_related("unit", "issued_by__user").order_by("issued_at", "id")


def petitioner_documents(case):
    """What the petitioner may download through the portal (documents.policies.for_petitioner)."""
    from minxin.documents.policies import for_petitioner

    return for_petitioner(case).select_related("unit", "issued_by__user").order_by("issued_at", "id")


def latest_document(case, kind: str) -> Document | None:
    """The newest document of `kind` on the case, e.g. the 处理意见书 whose delivery starts the 复查 window."""
    return Document.objects.filter(case=case, kind=kind).order_by("-issued_at", "-id").first()
