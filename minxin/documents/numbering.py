"""Gapless 文号 sequence numbers per (unit, year, family)."""

from django.db import transaction

from minxin.documents.models import DocumentSequence


def claim_next(unit, *, year: int, family: str) -> int:
    """Take the next number inside the caller's transaction.

    The counter row is locked (SELECT … FOR UPDATE) until the caller commits or
    rolls back, so a second issuer waits rather than reading the same value, and
    a rollback returns the number. On SQLite the IMMEDIATE transaction mode
    serialises writers instead.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("claim_next must run inside the transaction that stores the document")
    locked = DocumentSequence.objects.select_for_update()
    row = locked.filter(unit=unit, year=year, family=family).first()
    if row is None:
        # First number of the year: two issuers may race to create the row.
        # ON CONFLICT DO NOTHING makes the loser wait for the winner's commit and
        # then lock the winner's row, instead of failing with IntegrityError.
        DocumentSequence.objects.bulk_create(
            [DocumentSequence(unit=unit, year=year, family=family, last_seq=0)], ignore_conflicts=True
        )
        row = locked.get(unit=unit, year=year, family=family)
    row.last_seq += 1
    row.save(update_fields=["last_seq"])
    return row.last_seq
