"""Serving stored uploads (portal attachments, letter scans) to staff who may see them."""

import hashlib
import logging

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

logger = logging.getLogger("minxin.web.files")


def stored_file_response(stored, *, download_name: str) -> HttpResponse:
    """The file of `stored` (a model with `file`, `sha256`, `content_type`) as a download.

    The caller has already checked that the person may see it. The bytes are checked
    against the hash recorded at upload, so a file changed on disk is refused, and the
    headers keep an uploaded file that is really HTML or script from running in the
    staff member's session.
    """
    with stored.file.open("rb") as fh:
        data = fh.read()
    if hashlib.sha256(data).hexdigest() != stored.sha256:
        logger.error("stored file hash mismatch model=%s id=%s", stored._meta.label, stored.pk)
        return HttpResponse(_("附件校验失败，可能已被篡改，请联系系统管理员"), status=500, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type=stored.content_type)
    response["Content-Disposition"] = content_disposition_header(True, download_name)
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def extension(stored) -> str:
    return stored.file.name.rsplit(".", 1)[-1]
