"""Reads over issued documents. Callers scope the case first (Case.objects.visible_to)."""

from minxin.documents.models import Document


def documents_of(case):
    return Document.objects.filter(case=case).select_related("unit", "issued_by__user").order_by("issued_at", "id")


def petitioner_documents(case):
    """What the petitioner may download through the portal: only papers addressed to them."""
    return documents_of(case).filter(addressed_to_petitioner=True)


def latest_document(case, kind: str) -> Document | None:
    """The newest document of `kind` on the case, e.g. the 处理意见书 whose delivery starts the 复查 window."""
    return Document.objects.filter(case=case, kind=kind).order_by("-issued_at", "-id").first()
