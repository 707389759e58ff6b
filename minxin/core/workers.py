"""Worker identity, and reclaiming the jobs of workers that died.

django-tasks-db marks a job RUNNING when a worker claims it and never looks at it again: a worker
killed with SIGKILL (OOM killer, a pulled plug) leaves its job RUNNING for ever. So every process
that claims work names itself "<host>:<pid>:<token>", and a survivor can tell a dead claimant:

- on the same host, directly — the pid no longer exists (or is a zombie);
- on another host, only by age — a job RUNNING for longer than MINXIN_TASK_STALE_SECONDS.

`reclaim_stale_jobs` puts such a job back to READY (our jobs are idempotent: run twice, they do
the work once), or marks it FAILED once it has been started MINXIN_TASK_MAX_STARTS times, so a job
that kills its worker cannot take the pool down in a loop. `manage.py worker` calls it at start
and every MINXIN_WORKER_MAINTENANCE_SECONDS.
"""

import datetime as dt
import logging
import os
import secrets
import socket

from django.conf import settings
from django.db import transaction
from django.utils import timezone

log = logging.getLogger("minxin.workers")

_HOST_LEN = 40  # django-tasks-db accepts worker ids of at most 64 characters
_identity: tuple[int, str] | None = None


def _host() -> str:
    return socket.gethostname()[:_HOST_LEN].replace(":", "_")


def current_worker_id() -> str:
    """This process's id; a forked child gets its own."""
    global _identity
    pid = os.getpid()
    if _identity is None or _identity[0] != pid:
        _identity = (pid, f"{_host()}:{pid}:{secrets.token_hex(4)}")
    return _identity[1]


def _parse(worker_id: str) -> tuple[str, int] | None:
    host, sep, rest = (worker_id or "").partition(":")
    pid, sep2, _token = rest.partition(":")
    if not (sep and sep2 and pid.isdigit()):
        return None
    return host, int(pid)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has finished for good
    except (OSError, IndexError):
        return True


def is_dead(worker_id: str) -> bool:
    """True only when we can tell: a claimant of this host whose process is gone.

    An id from another host (or not in our format) is never judged dead here; its claims
    are left to their lease or to the age limit.
    """
    if worker_id == current_worker_id():
        return False
    parsed = _parse(worker_id)
    if parsed is None or parsed[0] != _host():
        return False
    return not _pid_alive(parsed[1])


def reclaim_stale_jobs(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """Return RUNNING jobs of dead workers to READY; (requeued, failed)."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    stale_before = now - dt.timedelta(seconds=settings.MINXIN_TASK_STALE_SECONDS)
    max_starts = settings.MINXIN_TASK_MAX_STARTS
    requeued = failed = 0
    with transaction.atomic():
        # SKIP LOCKED: two workers reclaiming at once each take different rows (PostgreSQL).
        running = DBTaskResult.objects.running().select_for_update(skip_locked=True)
        for job in running:
            last = job.worker_ids[-1] if job.worker_ids else ""
            if not (is_dead(last) or (job.started_at is not None and job.started_at < stale_before)):
                continue
            if len(job.worker_ids) >= max_starts:
                job.status = TaskResultStatus.FAILED
                job.finished_at = now
                job.exception_class_path = "minxin.core.workers.WorkerDied"
                job.traceback = f"the worker died {len(job.worker_ids)} times running this job; not started again"
                job.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
                failed += 1
            else:
                job.status = TaskResultStatus.READY
                job.started_at = None
                job.save(update_fields=["status", "started_at"])
                requeued += 1
            log.warning("job %s of dead worker %s %s", job.pk, last, "failed" if job.status == TaskResultStatus.FAILED else "requeued")
    return requeued, failed
