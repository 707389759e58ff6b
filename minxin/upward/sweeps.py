"""The periodic job of urgent upward reports, run by oversight's sweep scheduler as the system."""

from minxin.org.policies import SYSTEM
from minxin.upward.services import notify_overdue


def sweep(today=None, after_each=None) -> int:
    return notify_overdue(actor=SYSTEM, after_each=after_each)
