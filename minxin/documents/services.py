"""Issuing official documents on a case, and reading them back safely.

`issue_document` is called by the case lifecycle services inside their own
transaction; they check the business permission and append the audit event.
This module checks only what a document itself needs: a complete context, an
actor of the issuing unit, and a number that is unique and gapless.
"""

import datetime as dt
import hashlib
import hmac
import json
import logging
import re

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minxin.core import clock, crypto
from minxin.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from minxin.core.identity import mask_name
from minxin.documents import policies
from minxin.documents.context import normalise_context
from minxin.documents.kinds import DocumentKind, spec_for
from minxin.documents.models import Document
from minxin.documents.numbering import claim_next
from minxin.documents.rendering import render_docx
from minxin.org.policies import is_system

__all__ = [
    "DocumentTampered",
    "document_filename",
    "issue_document",
    "open_document",
    "record_delivery",
    "render_docx",
]

logger = logging.getLogger(__name__)


class DocumentTampered(DomainError):
    """The stored file no longer matches the hash taken when it was issued."""

    code = "document_tampered"
    status = 500
    default_message = gettext_lazy("文书文件校验失败，可能已被篡改，请联系系统管理员")


def _appeal_body_defaults(kind: str, unit, ctx: dict) -> None:
    # Art. 35/36: 复查 and 复核 go to the 上一级 of the body that decided.
    parent = unit.parent
    if parent is None:
        return
    if kind == DocumentKind.OPINION and not ctx.get("review_body"):
        ctx["review_body"] = parent.name
    if kind == DocumentKind.REVIEW_OPINION and not ctx.get("recheck_body"):
        ctx["recheck_body"] = parent.name


def _mask(key: str, value: str) -> str:
    if key == "query_code":
        return "*" * len(value)
    return "、".join(mask_name(v) for v in value.split("、"))


def _protect_personal(spec, stored: dict) -> tuple[dict, str]:
    """Mask the petitioner's name (and 查询码) in the stored context and keep the exact values encrypted.

    The addressee of a letter to the petitioner is their name, printed in full on the
    letter they receive; on internal papers it is a unit and stays readable.
    """
    keys = [k for k in ("addressee", "petitioner", "query_code") if k in stored and (k == "petitioner" or spec.petitioner_facing)]
    if not keys:
        return stored, ""
    personal = {k: stored[k] for k in keys}
    masked = {**stored, **{k: _mask(k, v) for k, v in personal.items()}}
    return masked, crypto.encrypt(json.dumps(personal, ensure_ascii=False))


def petitioner_names(case) -> str:
    """The full names of the case's petitioners, representative first: a letter goes to these people."""
    parties = case.parties.select_related("petitioner").order_by("-is_representative", "pk")
    return "、".join(p.petitioner.name for p in parties)



def _clock_dates(case, spec, ctx: dict) -> None:
    """Put each time limit the kind states from the case clock it names; a clock not running is left out."""
    from minxin.rules.models import CaseDeadline, DeadlineState

    if not spec.clocks:
        return
    running = {
        d.code: d
        for d in CaseDeadline.objects.filter(case=case, code__in=spec.clocks.values(), state=DeadlineState.RUNNING)
    }
    provisional = []
    for key, code in spec.clocks.items():
        dl = running.get(code)
        if dl is None:
            ctx.pop(key, None)
            continue
        ctx[key] = dl.due_on
        if dl.provisional:
            provisional.append(key)
    if provisional:
        ctx["provisional"] = provisional


def issue_document(
    case, *, kind: str, unit, actor, context: dict, addressed_to_petitioner: bool | None = None,
    delivered_on: dt.date | None = None,
) -> Document:
    """Number, render and store one document of `kind` on `case`, issued by `unit`.

    Runs in the caller's transaction (or its own when called alone): the 文号
    counter and the row are written together, so a rollback leaves no gap.
    `actor` is the issuing Staff, or org.policies.SYSTEM for a document the system issues
    (documents.policies decides who may issue in a unit's name; None is refused).
    `addressed_to_petitioner` defaults to the kind's audience (告知书 and 意见书
    yes; 转送单, 交办单, 办结报告, 督办函 no). `delivered_on` records a notice
    handed over on the spot (当场书面告知, Art. 23); otherwise call record_delivery later.

    Filled here, whatever the caller passed: every time-limit date the kind states, from the
    case clock it names (KindSpec.clocks; a clock not running leaves the field out), marked
    暂定 when counted provisionally; and on a letter to the petitioner their full name(s) and
    the 查询码 (stored masked, exact values encrypted).
    """
    spec = spec_for(kind)
    policies.check_issue(actor, unit, spec.title)
    actor = None if is_system(actor) else actor  # issued_by names a person, or nobody for the system
    if not unit.is_active:
        raise ValidationFailed(_("%(unit)s已停用，不能出具文书") % {"unit": unit.name}, fields={"unit": _("单位已停用")})
    if addressed_to_petitioner is None:
        addressed_to_petitioner = spec.petitioner_facing
    elif addressed_to_petitioner and not spec.petitioner_facing:
        raise ValidationFailed(
            _("%(title)s是机关之间的内部文书，不能提供给信访人下载") % {"title": spec.title},
            fields={"addressed_to_petitioner": _("该文书不面向信访人")},
        )

    today, now = clock.today(), clock.now()
    if delivered_on is not None and delivered_on != today:
        raise ValidationFailed(
            _("出具时只能登记当场送达（今天）；其他送达日期请在送达后另行登记"), fields={"delivered_on": _("应为今天")}
        )
    ctx = dict(context or {})
    _appeal_body_defaults(kind, unit, ctx)
    _clock_dates(case, spec, ctx)
    if spec.petitioner_facing and addressed_to_petitioner and not case.is_anonymous:
        names = petitioner_names(case)
        if names:
            ctx["addressee"] = names
        # One 查询码 per case, whatever the channel: the portal follows every case by it and a phone on file.
        ctx["query_code"] = case.query_code
    ctx.update(issuer=unit.name, date=today, case_number=case.number)
    normalise_context(kind, ctx)  # refuse an incomplete context before taking a number

    with transaction.atomic():
        seq = claim_next(unit, year=today.year, family=spec.family)
        ctx["number"] = spec.number(unit_code=unit.document_code, year=today.year, seq=seq)
        stored = normalise_context(kind, ctx)
        data = render_docx(kind, stored)
        masked, personal_enc = _protect_personal(spec, stored)
        doc = Document(
            case=case, kind=kind, family=spec.family, number=ctx["number"], year=today.year, seq=seq,
            unit=unit, issued_by=actor, issued_at=now, addressed_to_petitioner=addressed_to_petitioner,
            title=spec.title, sha256=hashlib.sha256(data).hexdigest(), context=masked, personal_enc=personal_enc,
            delivered_on=delivered_on,
        )
        doc.file.save("document.docx", ContentFile(data), save=False)
        try:
            doc.save(force_insert=True)
        except BaseException:
            doc.file.storage.delete(doc.file.name)
            raise
    logger.info("issued document id=%s kind=%s case_id=%s", doc.pk, kind, case.pk)
    return doc


def open_document(doc: Document) -> bytes:
    """The stored .docx, after checking it still has the hash recorded at issue."""
    try:
        with doc.file.storage.open(doc.file.name, "rb") as fh:
            data = fh.read()
    except (FileNotFoundError, ValueError):
        logger.error("document file missing id=%s", doc.pk)
        raise NotFound(_("文书%(number)s的文件缺失，请联系系统管理员") % {"number": doc.number}) from None
    if not hmac.compare_digest(hashlib.sha256(data).hexdigest(), doc.sha256):
        logger.error("document hash mismatch id=%s", doc.pk)
        raise DocumentTampered(_("文书%(number)s的文件校验失败，可能已被篡改，请联系系统管理员") % {"number": doc.number})
    return data


_UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def document_filename(doc: Document) -> str:
    """A download name such as 信访事项受理告知书（东信受告〔2026〕3号）.docx; no personal data."""
    name = f"{doc.title}（{doc.number}）.docx"
    return _UNSAFE_FILENAME.sub("_", name)


def record_delivery(doc: Document, *, delivered_on: dt.date) -> Document:
    """Record when the written reply reached the petitioner (starts the Art. 35/36 windows).

    The lifecycle service calls this in its transaction and appends the audit event.
    """
    issued_on = timezone.localdate(doc.issued_at)
    if delivered_on > clock.today():
        raise ValidationFailed(_("送达日期不能晚于今天"), fields={"delivered_on": _("不能是将来的日期")})
    if delivered_on < issued_on:
        raise ValidationFailed(
            _("送达日期不能早于文书%(number)s的出具日期") % {"number": doc.number},
            fields={"delivered_on": _("早于出具日期")},
        )
    Document.objects.filter(pk=doc.pk).update(delivered_on=delivered_on)
    doc.delivered_on = delivered_on
    return doc
