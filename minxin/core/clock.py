"""The one source of "now".

Every deadline and timestamp reads time through here, so tests can freeze and
move the clock (time-machine patches the underlying calls) and so simulated time
needs one change only: `moved_to` runs code as of another instant (the demo build
replays a year of sweeps through the live code this way).
"""

import contextlib
import datetime as dt
from contextvars import ContextVar

from django.utils import timezone

_moved: ContextVar[dt.datetime | None] = ContextVar("minxin_clock_moved", default=None)


def now() -> dt.datetime:
    moved = _moved.get()
    return moved if moved is not None else timezone.now()


def today() -> dt.date:
    """Today's date in the bureau's time zone (Asia/Shanghai), not UTC."""
    return timezone.localdate(now())


@contextlib.contextmanager
def moved_to(at: dt.datetime):
    """Within the block, `now()` is `at` (aware). Only this context sees it: other threads
    and requests keep the real time."""
    if timezone.is_naive(at):
        raise ValueError("moved_to needs an aware datetime")
    token = _moved.set(at)
    try:
        yield at
    finally:
        _moved.reset(token)
