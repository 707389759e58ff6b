"""The one source of "now".

Every deadline and timestamp reads time through here, so tests can freeze and
move the clock (time-machine patches the underlying calls) and so a future
"simulated time" for drills needs one change only.
"""

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    return timezone.now()


def today() -> dt.date:
    """Today's date in the bureau's time zone (Asia/Shanghai), not UTC."""
    return timezone.localdate(now())
