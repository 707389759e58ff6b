"""Housekeeping for stored document files: integrity sweep and orphan clean-up.

A document file is written inside the issuing transaction. If the caller's
outer transaction rolls back after issue_document returned, the row and its
number vanish but the file stays on disk (the file system is not
transactional). Those orphans may hold a petitioner's name, so they are
removed by `prune_orphan_files`, with a grace period so a file whose
transaction is still open is never taken.
"""

import datetime as dt
from collections.abc import Iterator

from minxin.core import clock
from minxin.core.errors import DomainError
from minxin.documents.models import Document

ROOT = "documents"


def _storage():
    return Document._meta.get_field("file").storage


def _walk(storage, path: str) -> Iterator[str]:
    if not storage.exists(path):
        return
    dirs, files = storage.listdir(path)
    for name in files:
        yield f"{path}/{name}"
    for d in dirs:
        yield from _walk(storage, f"{path}/{d}")


def orphan_files(*, older_than: dt.timedelta = dt.timedelta(hours=1)) -> list[str]:
    """Stored files under documents/ that no Document row refers to, older than the grace period."""
    storage = _storage()
    known = set(Document.objects.values_list("file", flat=True))
    cutoff = clock.now() - older_than
    return sorted(
        name for name in _walk(storage, ROOT) if name not in known and storage.get_modified_time(name) <= cutoff
    )


def prune_orphan_files(*, older_than: dt.timedelta = dt.timedelta(hours=1)) -> list[str]:
    storage = _storage()
    names = orphan_files(older_than=older_than)
    for name in names:
        storage.delete(name)
    return names


def verify_documents(queryset=None) -> Iterator[tuple[Document, str]]:
    """(document, problem) for every stored file that is missing or fails its hash."""
    from minxin.documents.services import open_document

    for doc in (queryset if queryset is not None else Document.objects.all()).iterator():
        try:
            open_document(doc)
        except DomainError as exc:
            yield doc, exc.message
