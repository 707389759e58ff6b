from minxin.documents.kinds import DocumentKind
from minxin.documents.selectors import documents_of, latest_document, petitioner_documents
from minxin.documents.services import issue_document
from minxin.documents.tests.samples import FULL_CONTEXT


def issue(case, city, kind, unit="east_bureau", actor="east_registrar"):
    return issue_document(case, kind=kind, unit=city.units[unit], actor=city.staff[actor], context=FULL_CONTEXT[kind])


def test_petitioner_sees_only_papers_addressed_to_them(case, city):
    notice = issue(case, city, DocumentKind.ACCEPTANCE)
    transfer = issue(case, city, DocumentKind.TRANSFER)
    assert list(documents_of(case)) == [notice, transfer]
    assert list(petitioner_documents(case)) == [notice]


def test_latest_document_of_a_kind(case, city):
    assert latest_document(case, DocumentKind.OPINION) is None
    issue(case, city, DocumentKind.OPINION, unit="east_housing", actor="east_housing_handler")
    second = issue(case, city, DocumentKind.OPINION, unit="east_housing", actor="east_housing_handler")
    issue(case, city, DocumentKind.ACCEPTANCE)
    assert latest_document(case, DocumentKind.OPINION) == second
