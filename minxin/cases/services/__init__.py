"""Lifecycle services: the only writers of a case's state (see minxin.cases.statemachine)."""

from minxin.cases.services.appeals import ReviewResult, decide_recheck, decide_review, request_recheck, request_review
from minxin.cases.services.common import case_changed, record_case_event
from minxin.cases.services.flags import mark_urgent
from minxin.cases.services.handling import (
    Outcome,
    Route,
    accept_case,
    close_case,
    close_expired_review_window,
    close_expired_review_windows,
    end_hearing,
    extend_handling,
    issue_opinion,
    record_delivery,
    review_report,
    start_hearing,
    submit_report,
)
from minxin.cases.services.registration import PetitionerInput, RefusalGround, refuse_case, refuse_repeat, register_case
from minxin.cases.services.routing import (
    assign_case,
    decide_objection,
    object_to_transfer,
    open_jurisdiction_dispute,
    settle_dispute,
    transfer_case,
)

__all__ = [
    "Outcome", "PetitionerInput", "RefusalGround", "ReviewResult", "Route", "accept_case", "assign_case", "case_changed",
    "close_case", "record_case_event", "close_expired_review_window", "close_expired_review_windows", "decide_objection", "decide_recheck", "decide_review", "end_hearing",
    "extend_handling", "issue_opinion", "mark_urgent", "object_to_transfer", "open_jurisdiction_dispute", "record_delivery",
    "refuse_case", "refuse_repeat", "register_case", "request_recheck", "request_review", "review_report",
    "settle_dispute", "start_hearing", "submit_report", "transfer_case",
]
