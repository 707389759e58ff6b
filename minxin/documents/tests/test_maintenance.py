import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from minxin.documents.kinds import DocumentKind
from minxin.documents.maintenance import orphan_files, prune_orphan_files, verify_documents
from minxin.documents.services import issue_document
from minxin.documents.tests.samples import FULL_CONTEXT

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


class Boom(Exception):
    pass


def issue(case, city):
    return issue_document(
        case, kind=DocumentKind.ACCEPTANCE, unit=city.units["east_bureau"], actor=city.staff["east_registrar"],
        context=FULL_CONTEXT[DocumentKind.ACCEPTANCE],
    )


def test_file_of_a_rolled_back_issue_is_pruned_but_kept_files_stay(case, city, media_root):
    kept = issue(case, city)
    with pytest.raises(Boom), transaction.atomic():
        lost = issue(case, city)
        raise Boom
    assert (media_root / lost.file.name).exists()
    # Within the grace period the file might belong to an open transaction.
    assert orphan_files(older_than=dt.timedelta(hours=1)) == []
    with time_machine.travel(dt.datetime.now(tz=SHANGHAI) + dt.timedelta(hours=2)):
        assert prune_orphan_files() == [lost.file.name]
    assert not (media_root / lost.file.name).exists()
    assert (media_root / kept.file.name).exists()


def test_verify_lists_tampered_files_and_the_command_fails(case, city, media_root):
    issue(case, city)
    bad = issue(case, city)
    (media_root / bad.file.name).write_bytes(b"not the issued document")
    assert [doc.pk for doc, _ in verify_documents()] == [bad.pk]
    with pytest.raises(CommandError):
        call_command("documents", "verify")


def test_prune_command_removes_orphans_past_the_grace_period(case, city, media_root):
    with pytest.raises(Boom), transaction.atomic():
        lost = issue(case, city)
        raise Boom
    call_command("documents", "prune")
    assert (media_root / lost.file.name).exists()
    with time_machine.travel(dt.datetime.now(tz=SHANGHAI) + dt.timedelta(hours=2)):
        call_command("documents", "prune")
    assert not (media_root / lost.file.name).exists()
