"""Import and export jobs: the record (SpreadsheetJob), its progress, and the run in the worker.

Progress is written through a second database connection, outside the import's own
transaction, so the upload page sees the rows counted while the import is still uncommitted
(on SQLite, which has one writer, the count shows once the import is done).
"""

import logging
import os
from pathlib import Path

from django.conf import settings
from django.db import connections, transaction
from django.utils.translation import gettext as _

from minxin.core import clock
from minxin.core.errors import DomainError
from minxin.exchange import policies
from minxin.exchange.kinds import KINDS
from minxin.exchange.models import JobDirection, JobState, SpreadsheetJob
from minxin.exchange.sheets import ImportFailed
from minxin.org.policies import SYSTEM

log = logging.getLogger("minxin.exchange")
MAX_STORED_ERRORS = 1000


def upload_dir() -> Path:
    path = Path(getattr(settings, "VAR_DIR", Path(settings.BASE_DIR) / "var")) / "exchange"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _actor_fields(actor) -> dict:
    if actor is SYSTEM:
        return {"actor": None, "actor_label": _("系统（命令行）")}
    return {"actor": actor, "actor_label": actor.display_name[:64]}


def submit_import(kind: str, upload, *, actor, dry_run: bool = False) -> SpreadsheetJob:
    """Store the upload and queue its import; the page then follows the job."""
    policies.check_import(actor, kind)
    job = SpreadsheetJob.objects.create(kind=kind, direction=JobDirection.IMPORT, file_name=str(upload.name)[:200],
                                        dry_run=dry_run, created_at=clock.now(), **_actor_fields(actor))
    path = upload_dir() / f"job-{job.pk}.xlsx"
    with open(path, "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    job.upload = str(path)
    job.save(update_fields=["upload"])
    from minxin.exchange.tasks import run_import_job

    transaction.on_commit(lambda: run_import_job.enqueue(job.pk))
    return job


class _Reporter:
    """Writes a job's phase and row count on a connection of its own (visible before the import commits)."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.conn = None
        if connections["default"].vendor == "postgresql":
            try:
                self.conn = connections.create_connection("default")
            except Exception:  # progress is a courtesy; never fail the import for it
                log.exception("no progress connection for job %s", job_id)

    def __call__(self, phase: str, rows: int) -> None:
        table = SpreadsheetJob._meta.db_table
        if self.conn is None:
            return
        try:
            with self.conn.cursor() as cur:
                cur.execute(f'UPDATE "{table}" SET phase = %s, rows_read = %s WHERE id = %s', [phase, rows, self.job_id])
        except Exception:  # progress is a courtesy; never fail the import for it
            log.exception("progress update failed for job %s", self.job_id)

    def close(self):
        if self.conn is not None:
            try:
                self.conn.close()
            except Exception:
                log.exception("closing the progress connection of job %s", self.job_id)


def run_import(job_id: int) -> str:
    job = SpreadsheetJob.objects.select_related("actor__user", "actor__unit__area").get(pk=job_id)
    if job.state not in (JobState.QUEUED, JobState.RUNNING):
        return job.state  # ran already (a job reclaimed after a crash)
    actor = job.actor if job.actor_id else SYSTEM
    SpreadsheetJob.objects.filter(pk=job.pk).update(state=JobState.RUNNING, started_at=clock.now(), phase="read")
    reporter = _Reporter(job.pk)
    fields = {"finished_at": None}
    try:
        kwargs = {"actor": actor, "dry_run": job.dry_run, "name": job.file_name}
        if job.kind == "cases":
            kwargs["progress"] = reporter
        written = KINDS[job.kind].import_(job.upload, **kwargs)
    except ImportFailed as exc:
        fields.update(state=JobState.FAILED, message=_("有%(n)s处错误，未导入任何数据") % {"n": len(exc.errors)},
                      errors=[e.as_dict() for e in exc.errors[:MAX_STORED_ERRORS]])
    except DomainError as exc:
        fields.update(state=JobState.FAILED, message=exc.message, errors=[])
    else:
        fields.update(state=JobState.DONE, rows_written=0 if job.dry_run else written, rows_read=written,
                      message=(_("检查通过：%(n)s条，均可导入（未写入）") if job.dry_run else _("已导入%(n)s条")) % {"n": written})
    finally:
        reporter.close()
        try:
            os.remove(job.upload)
        except OSError:
            pass
    fields["finished_at"] = clock.now()
    fields["phase"] = ""
    SpreadsheetJob.objects.filter(pk=job.pk).update(**fields)
    return fields["state"]


def log_export(kind: str, *, actor, full: bool, rows: int, file_name: str = "") -> SpreadsheetJob:
    """Every export is on record; a full one names who took the identities out."""
    now = clock.now()
    job = SpreadsheetJob.objects.create(kind=kind, direction=JobDirection.EXPORT, full=full, state=JobState.DONE,
                                        rows_written=max(rows, 0), file_name=file_name[:200], created_at=now,
                                        started_at=now, finished_at=now, **_actor_fields(actor))
    if full:
        log.warning("full export of %s (%s rows) by %s, job %s", kind, rows, job.actor_label, job.pk)
    return job
