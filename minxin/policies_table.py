"""Who may open what: the expected answers, kept beside the policies (<domain>/policies.py).

`minxin/tests/test_policy_matrix.py` walks every web URL pattern and every API operation and
checks each against this table, for every persona of the small test city (minxin/testing.py)
and, for routes about one object, for objects in the persona's own, child, sibling and parent
area and the case that accuses the persona's unit. A route missing here fails the test: decide
who may use it, write it down, then build it.

The table is written by hand from the rules in the README ("Who sees what"), not computed
from the policy functions, so a policy change that alters an answer shows up as a failure.
"""

# ---------------------------------------------------------------- who

# city level (市), county level (东城区/西城区), township level (东一街道/西一街道); bureau
# staff, functional departments' handlers and leaders; east_housing is the accused unit.
PERSONAS = (
    "city_registrar", "city_leader", "city_supervisor", "city_analyst", "city_admin",
    "city_housing_handler",
    "east_registrar", "east_leader", "west_registrar",
    "east_housing_handler", "east_housing_leader", "east_hr_handler", "east_discipline_handler", "east_legal_handler",
    "east1_handler", "west1_handler",
    "grid1_worker",
)
ANONYMOUS = "anonymous"

CITY_BUREAU = {"city_registrar", "city_leader", "city_supervisor", "city_analyst", "city_admin"}
GROUPS: dict[str, set[str]] = {
    "everyone": {*PERSONAS, ANONYMOUS},
    "staff": set(PERSONAS),
    # 信访部门 registrars and leaders: 登记, front desk, online queue, person look-up, reception days.
    "register": {"city_registrar", "city_leader", "east_registrar", "east_leader", "west_registrar"},
    # Numbers: analysts, supervisors and leaders (审核/领导), bureau or not; not 系统管理员.
    "analysis": {"city_leader", "city_supervisor", "city_analyst", "east_leader", "east_housing_leader"},
    # The sign-in page: signed-in people are sent on to their workbench.
    "signed_out": {ANONYMOUS},
    # Annual and weekly reports are the 信访部门's (第四十一条).
    "reports": {"city_leader", "city_supervisor", "city_analyst", "east_leader"},
    # Units of 东城区 (QUERY below): those whose area is 东城区 or above it.
    "east_area": {*CITY_BUREAU, "city_housing_handler", "east_registrar", "east_leader", "east_housing_handler",
                  "east_housing_leader", "east_hr_handler", "east_discipline_handler", "east_legal_handler"},
    # 舆情 (opinion/policies.py): a 信访部门's analysts, supervisors and leaders read; its registrars also send.
    "opinion": {"city_leader", "city_supervisor", "city_analyst", "east_leader"},
    "opinion_intake": {"city_leader", "city_supervisor", "city_analyst", "east_leader", "city_registrar", "east_registrar",
                       "west_registrar"},
    # Importing historical cases: a 信访部门's leaders (exchange/policies.py).
    "case_import": {"city_leader", "east_leader"},
    # Nobody: the route needs an object the matrix does not build, so every persona gets 404.
    "nobody": set(),
    # Grid pages (grid.policies.may_use): grid workers, 村社区/乡镇街道 staff and 信访部门 staff.
    "grid": {*CITY_BUREAU, "east_registrar", "east_leader", "west_registrar", "east1_handler", "west1_handler", "grid1_worker"},
    # Reporting from a grid and working its items: 网格员 only.
    "grid_workers": {"grid1_worker"},
}

# ---------------------------------------------------------------- which objects

# Cases (minxin.testing.make_case): area, registering unit, current unit.
CASES = {
    "east1": dict(area="east1v", registering_unit="east_bureau", current_unit="east1_office"),
    "east_housing": dict(area="east2v", registering_unit="east_bureau", current_unit="east_housing"),
    "west1": dict(area="west1v", registering_unit="west_bureau", current_unit="west1_office"),
    "city": dict(area="city", registering_unit="city_bureau", current_unit="city_housing"),
    # 检举控告 against 东城区住建局, handled by the county's 纪委监委.
    "accused": dict(area="east2v", registering_unit="east_bureau", current_unit="east_discipline",
                    category="accusation", accused_unit="east_housing"),
}
_EAST_BUREAU_CASES = {"east1", "east_housing", "accused"}
CASE_VISIBLE: dict[str, set[str]] = {
    **{p: set(CASES) for p in CITY_BUREAU},          # parent area: everything below
    "east_registrar": _EAST_BUREAU_CASES,             # own and child areas, not the sibling county
    "east_leader": _EAST_BUREAU_CASES,
    "west_registrar": {"west1"},
    "city_housing_handler": {"city"},                 # a functional unit: only what is routed to it
    "east_housing_handler": {"east_housing"},         # never the case accusing it
    "east_housing_leader": {"east_housing"},
    "east_hr_handler": set(),
    "east_legal_handler": set(),                      # 政法委: nothing routed to it
    "east_discipline_handler": {"accused"},
    "east1_handler": {"east1"},                       # township: routed to it
    "west1_handler": {"west1"},
    "grid1_worker": set(),                            # a grid worker sees grid reports, not cases
    ANONYMOUS: set(),
}

# Ledger entries: area, responsible unit, registered by.
ENTRIES = {
    "east": dict(area="grid1", unit="east_housing", actor="east_leader"),
    "west": dict(area="west1v", unit="west1_office", actor="west_registrar"),
}
ENTRY_VISIBLE: dict[str, set[str]] = {
    **{p: set(ENTRIES) for p in CITY_BUREAU},
    "east_registrar": {"east"}, "east_leader": {"east"}, "west_registrar": {"west"},
    "east_housing_handler": {"east"}, "east_housing_leader": {"east"},   # assigned to them
    "west1_handler": {"west"},
    # Not assigned: a city-level functional unit, other county departments, the township.
    "city_housing_handler": set(), "east_hr_handler": set(), "east_discipline_handler": set(),
    "east_legal_handler": set(), "east1_handler": set(), "grid1_worker": set(), ANONYMOUS: set(),
}

# Major decisions on the 稳评 register (stability.policies): area, 评估责任单位, registered by. Scoped
# like ledger entries: a 信访部门 by area, any other unit only what it is responsible for.
DECISIONS = {
    "east": dict(area="east1", unit="east_housing", actor="east_leader"),
    "west": dict(area="west1v", unit="west1_office", actor="west_registrar"),
}
DECISION_VISIBLE: dict[str, set[str]] = {
    **{p: set(DECISIONS) for p in CITY_BUREAU},
    "east_registrar": {"east"}, "east_leader": {"east"}, "west_registrar": {"west"},
    "east_housing_handler": {"east"}, "east_housing_leader": {"east"},   # the responsible unit
    "west1_handler": {"west"},
    "city_housing_handler": set(), "east_hr_handler": set(), "east_discipline_handler": set(),
    "east_legal_handler": set(), "east1_handler": set(), "grid1_worker": set(), ANONYMOUS: set(),
}

# Alerts are area-wide notices: every unit at or above the alert's area sees it.
ALERTS = {"east": dict(area="east"), "west": dict(area="west")}
_EAST_UNITS = {"east_registrar", "east_leader", "east_housing_handler", "east_housing_leader", "east_hr_handler",
               "east_discipline_handler", "east_legal_handler"}
ALERT_VISIBLE: dict[str, set[str]] = {
    **{p: set(ALERTS) for p in (*CITY_BUREAU, "city_housing_handler")},
    **{p: {"east"} for p in _EAST_UNITS},
    "west_registrar": {"west"},
    "east1_handler": set(), "west1_handler": set(), "grid1_worker": set(), ANONYMOUS: set(),
}

# Grid reports (grid.policies), one made by the grid worker of 东一社区第1网格: seen by that grid's
# workers and, read only, by the 村社区/乡镇街道 units and 信访部门 whose area contains the grid.
GRID_REPORTS = {"grid1": dict(actor="grid1_worker", area="grid1")}
GRID_REPORT_VISIBLE: dict[str, set[str]] = {
    **{p: set() for p in PERSONAS}, ANONYMOUS: set(),
    **{p: {"grid1"} for p in CITY_BUREAU},
    "east_registrar": {"grid1"}, "east_leader": {"grid1"}, "east1_handler": {"grid1"}, "grid1_worker": {"grid1"},
}

# Documents (文书), desk attachments (a letter's scans) and online uploads follow their case
# (documents.policies, reception.policies): one of each per case above, keyed like the case.
DOCUMENT_VISIBLE = CASE_VISIBLE
ATTACHMENT_VISIBLE = CASE_VISIBLE

# Online submissions (网上信访, portal.policies), one per case above at the case's place: the
# registrars and leaders of a 信访部门 whose area contains the place. Nobody else, not even
# the unit that handles the resulting case.
_REGISTER_BY_AREA = {"city_registrar", "city_leader"}
SUBMISSION_VISIBLE: dict[str, set[str]] = {
    **{p: set() for p in PERSONAS}, ANONYMOUS: set(),
    "city_registrar": set(CASES), "city_leader": set(CASES),
    "east_registrar": _EAST_BUREAU_CASES, "east_leader": _EAST_BUREAU_CASES, "west_registrar": {"west1"},
}

# Leader reception days (reception.policies), each with one booking: a day of 东城区信访局
# received by its leader and one of the city bureau received by the city's leader. The
# 信访部门 staff and the leaders (审核/领导) of the organising unit's area and above see a day
# and its bookings; other staff only days they receive at themselves.
DAYS = {"east": dict(unit="east_bureau", leader="east_leader"), "city": dict(unit="city_bureau", leader="city_leader")}
DAY_VISIBLE: dict[str, set[str]] = {
    **{p: set() for p in PERSONAS}, ANONYMOUS: set(),
    **{p: set(DAYS) for p in CITY_BUREAU},
    "east_registrar": {"east"}, "east_leader": {"east"},
    "east_housing_leader": {"east"},   # a leader in the area: may be asked to receive
}
BOOKING_VISIBLE = DAY_VISIBLE

# 联席会议 (meetings.policies): one of 东城区信访局 with 东城区住建局 and 东一街道 as members, one of the
# city bureau with 市住建局. The convener's bureau and the bureaus above it see a meeting; so do
# its member units. Each meeting has one task, given to its housing bureau: a member unit sees
# only its own tasks (东一街道 sits on the 东城 meeting but has no task there).
MEETINGS = {"east": dict(convener="east_leader", members=("east_housing", "east1_office"), task_unit="east_housing"),
            "city": dict(convener="city_leader", members=("city_housing",), task_unit="city_housing")}
MEETING_VISIBLE: dict[str, set[str]] = {
    **{p: set() for p in PERSONAS}, ANONYMOUS: set(),
    **{p: set(MEETINGS) for p in CITY_BUREAU},
    "east_registrar": {"east"}, "east_leader": {"east"},
    "east_housing_handler": {"east"}, "east_housing_leader": {"east"}, "east1_handler": {"east"},
    "city_housing_handler": {"city"},
}
TASK_VISIBLE: dict[str, set[str]] = {**MEETING_VISIBLE, "east1_handler": set()}
# Public-opinion items (opinion.policies), one per county placed in a community: the analysts, supervisors
# and leaders of a 信访部门 whose area contains the item's area. Nobody else, not even a leader of a
# functional department, nor a registrar (who may send items but not read them).
OPINIONS = {"east": dict(area="east1v"), "west": dict(area="west1v")}
OPINION_VISIBLE: dict[str, set[str]] = {
    **{p: set() for p in PERSONAS}, ANONYMOUS: set(),
    "city_leader": set(OPINIONS), "city_supervisor": set(OPINIONS), "city_analyst": set(OPINIONS),
    "east_leader": {"east"},
}

OBJECT_VISIBLE = {
    "opinion": OPINION_VISIBLE,
    "case": CASE_VISIBLE, "entry": ENTRY_VISIBLE, "alert": ALERT_VISIBLE, "document": DOCUMENT_VISIBLE,
    "attachment": ATTACHMENT_VISIBLE, "upload": ATTACHMENT_VISIBLE, "submission": SUBMISSION_VISIBLE,
    "submission_upload": SUBMISSION_VISIBLE, "day": DAY_VISIBLE, "booking": BOOKING_VISIBLE,
    # Screening rounds, one per county like the alerts: seen by area. Contingency plans likewise, and
    # also by the units below the plan's area, to which the plan applies (risk.policies.plans_visible).
    "round": ALERT_VISIBLE,
    "plan": {**ALERT_VISIBLE, "east1_handler": {"east"}, "west1_handler": {"west"}, "grid1_worker": {"east"}},
    # One 督办单 per case, issued by the city's 督办员: visible exactly where its case is.
    "supervision": CASE_VISIBLE,
    "meeting": MEETING_VISIBLE, "task": TASK_VISIBLE,
    "decision": DECISION_VISIBLE,
    # One urgent matter (重大紧急, upward.policies): reported by 东城区信访局 on a 东一社区 case and sent
    # up to the city bureau. The reporting unit and the bureaus covering the place see it; not the
    # sibling county, not the functional units, not the township.
    "upward": {**{p: set() for p in PERSONAS}, ANONYMOUS: set(),
               **{p: {"east"} for p in CITY_BUREAU}, "east_registrar": {"east"}, "east_leader": {"east"}},
    "grid_report": GRID_REPORT_VISIBLE,
}

# ---------------------------------------------------------------- what

# Reads: (group allowed, object kind or None). A persona is allowed when it is in the group
# and, for an object route, may see the object. Writes: listed with the group whose members
# may call them (the services enforce it; tests beside each service prove it); the matrix
# checks that every one is listed.
READ = "read"
WRITE = "write"

WEB: dict[str, tuple[str, str, str | None]] = {
    "healthz": (READ, "everyone", None),
    "favicon": (READ, "everyone", None),
    # The development outbox exists only with DEBUG on (never in tests or production): 404 for all.
    "dev_outbox": (READ, "nobody", None),
    # Second-factor enrolment and verification: any signed-in staff member (required for leaders and admins).
    "accounts:two_factor": (READ, "staff", None),
    "portal:home": (READ, "everyone", None),
    "portal:submit": (READ, "everyone", None),
    "portal:done": (WRITE, "everyone", None),
    "portal:areas": (READ, "everyone", None),
    "portal:send_code": (WRITE, "everyone", None),
    "portal:follow": (READ, "everyone", None),
    "portal:progress": (WRITE, "everyone", None),
    "portal:rate": (WRITE, "everyone", None),
    "portal:appeal": (WRITE, "everyone", None),
    "portal:document": (READ, "nobody", None),
    "portal:follow_end": (WRITE, "everyone", None),
    "portal:staff_queue": (READ, "register", None),
    "portal:staff_detail": (READ, "register", "submission"),
    "portal:staff_attachment": (READ, "register", "submission_upload"),
    "portal:staff_record_appeal": (WRITE, "register", None),
    "web:login": (READ, "signed_out", None),
    "web:logout": (WRITE, "staff", None),
    "web:home": (READ, "staff", None),
    "web:case_inbox": (READ, "staff", None),
    "web:case_register": (READ, "register", None),
    "web:case_area_picker": (READ, "staff", None),
    "web:case_suggestions": (WRITE, "register", None),
    "web:case_detail": (READ, "staff", "case"),
    "web:case_action": (WRITE, "staff", "case"),
    "web:case_document": (READ, "staff", "document"),
    "web:case_attachment": (READ, "staff", "upload"),
    "web:oversight_metrics": (READ, "staff", None),
    "web:oversight_dashboards": (READ, "analysis", None),
    "web:oversight_dashboard": (READ, "analysis", None),
    "web:oversight_dashboard_data": (READ, "analysis", None),
    "web:oversight_export_cases": (READ, "staff", None),
    "web:oversight_export_metrics": (READ, "analysis", None),
    "web:oversight_export_scorecards": (READ, "analysis", None),
    "web:oversight_report_annual": (READ, "reports", None),
    "web:oversight_report_weekly": (READ, "reports", None),
    "web:risk_overview": (READ, "staff", None),
    "web:risk_ledger": (READ, "staff", None),
    "web:risk_ledger_export": (READ, "staff", None),
    "web:risk_ledger_import": (WRITE, "staff", None),
    # Data exchange (minxin/exchange/policies.py); routes with <kind> are tried with kind=cases.
    "web:exchange_index": (READ, "staff", None),
    "web:exchange_template": (READ, "staff", None),
    "web:exchange_upload": (READ, "case_import", None),
    "web:exchange_export": (READ, "staff", None),
    # A job page shows only the caller's own job; the matrix builds none, so 404 for all.
    "web:exchange_job": (READ, "nobody", None),
    "web:risk_entry_new": (READ, "staff", None),
    "web:risk_entry": (READ, "staff", "entry"),
    "web:risk_plans": (READ, "staff", None),
    "web:risk_plan_new": (READ, "plans", None),
    "web:risk_plan": (READ, "staff", "plan"),
    "web:risk_plan_activate": (WRITE, "alerts", None),
    "web:risk_plan_task_done": (WRITE, "staff", None),
    "web:risk_plan_drill": (WRITE, "alerts", None),
    "web:risk_rounds": (READ, "staff", None),
    "web:risk_round": (READ, "staff", "round"),
    "web:risk_alerts": (READ, "staff", None),
    "web:risk_alert": (READ, "staff", "alert"),
    "web:risk_alert_action": (WRITE, "alerts", "alert"),
    "web:risk_hotspots": (READ, "staff", None),
    # 决策稳评 (stability.policies): register, assess and follow up — any case-working role; 审定 — leaders.
    "web:stability_list": (READ, "staff", None),
    "web:stability_new": (READ, "stability_work", None),
    "web:stability_decision": (READ, "staff", "decision"),
    "web:stability_nearby": (READ, "staff", "decision"),
    "web:stability_follow_up": (READ, "staff", "decision"),
    "web:stability_action": (WRITE, "stability_work", "decision"),
    "web:opinion_list": (READ, "opinion", None),
    "web:opinion_detail": (READ, "opinion", "opinion"),
    "web:grid_home": (READ, "grid", None),
    "web:grid_report_new": (READ, "grid_workers", None),
    "web:grid_item": (READ, "grid", "grid_report"),
    "web:grid_item_visit": (WRITE, "grid_workers", "grid_report"),
    "web:grid_item_resolve": (WRITE, "grid_workers", "grid_report"),
    "web:grid_item_register": (WRITE, "register", "grid_report"),
    # The matrix's report has no photo: 404 for everyone (photo serving is tested in minxin/grid/tests).
    "web:grid_item_photo": (READ, "nobody", None),
    "web:reception_desk": (READ, "register", None),
    "web:reception_lookup": (WRITE, "register", None),
    "web:reception_letter": (READ, "register", None),
    "web:reception_call": (READ, "register", None),
    "web:reception_attachment": (READ, "staff", "attachment"),
    "web:reception_days": (READ, "staff", None),
    "web:reception_day": (READ, "staff", "day"),
    "web:reception_day_cancel": (WRITE, "register", "day"),
    "web:reception_day_book": (WRITE, "register", "day"),
    "web:reception_booking_outcome": (WRITE, "register", "booking"),
    "web:reception_booking_turn": (WRITE, "register", "booking"),
    # 联席会议: the list (with the unit's own tasks) for all staff; a meeting as MEETING_VISIBLE says.
    "web:meetings_list": (READ, "staff", None),
    "web:meetings_detail": (READ, "staff", "meeting"),
    "web:meetings_action": (WRITE, "meetings", "meeting"),
    "web:meetings_task_action": (WRITE, "staff", "task"),
    # Webhook subscriptions and their delivery log: 系统管理员 only (others get 404).
    # 重大紧急信息报告 (upward.policies): the list and the matter page for every staff member (scoped);
    # marking and every step are refused by the service outside the reporting unit's working roles.
    "web:upward_list": (READ, "staff", None),
    "web:upward_mark": (WRITE, "upward_work", None),
    "web:upward_mark_alert": (WRITE, "upward_work", "alert"),
    "web:upward_matter": (READ, "staff", "upward"),
    "web:upward_action": (WRITE, "upward_work", "upward"),
    "exchange:webhooks": (READ, "administer", None),
    "exchange:webhook": (READ, "nobody", None),
    "exchange:webhook_replay": (WRITE, "administer", None),
    # Open311 GeoReport v2: the service list and discovery are public; a request by id or token is
    # public too (status only); listing and posting need an api_key (an access token), so a signed-in
    # session alone is refused. Routes with an id the matrix does not build answer 404 for all.
    **{f"open311:{name}_{fmt}": (READ, group, None) for fmt in ("json", "xml") for name, group in (
        ("discovery", "everyone"), ("services", "everyone"), ("service_definition", "nobody"),
        ("requests", "nobody"), ("request", "nobody"), ("token", "nobody"))},
}

API: dict[tuple[str, str], tuple[str, str, str | None]] = {
    ("GET", "/api/v1/ping"): (READ, "everyone", None),
    ("GET", "/api/v1/me"): (READ, "staff", None),
    ("GET", "/api/v1/me/tokens"): (READ, "staff", None),
    ("POST", "/api/v1/me/tokens"): (WRITE, "staff", None),
    ("DELETE", "/api/v1/me/tokens/{prefix}"): (WRITE, "staff", None),
    # Tokens of every unit in the area: 系统管理员 only.
    ("GET", "/api/v1/admin/tokens"): (READ, "administer", None),
    ("POST", "/api/v1/admin/tokens"): (WRITE, "administer", None),
    ("DELETE", "/api/v1/admin/tokens/{prefix}"): (WRITE, "administer", None),
    # Webhook subscriptions: 系统管理员 of the units' area.
    ("GET", "/api/v1/exchange/webhooks/events"): (READ, "staff", None),  # the event catalogue
    ("GET", "/api/v1/exchange/webhooks"): (READ, "administer", None),
    ("POST", "/api/v1/exchange/webhooks"): (WRITE, "administer", None),
    ("GET", "/api/v1/exchange/webhooks/{sub_id}"): (READ, "nobody", None),
    ("PATCH", "/api/v1/exchange/webhooks/{sub_id}"): (WRITE, "administer", None),
    ("DELETE", "/api/v1/exchange/webhooks/{sub_id}"): (WRITE, "administer", None),
    ("GET", "/api/v1/exchange/webhooks/{sub_id}/deliveries"): (READ, "nobody", None),
    ("POST", "/api/v1/exchange/webhooks/deliveries/{delivery_id}/replay"): (WRITE, "administer", None),
    ("GET", "/api/v1/org/areas"): (READ, "staff", None),
    ("GET", "/api/v1/org/units"): (READ, "east_area", None),
    ("GET", "/api/v1/portal/areas"): (READ, "everyone", None),
    ("POST", "/api/v1/portal/codes"): (WRITE, "everyone", None),
    ("POST", "/api/v1/portal/submissions"): (WRITE, "everyone", None),
    ("POST", "/api/v1/portal/submissions/multipart"): (WRITE, "everyone", None),
    ("POST", "/api/v1/portal/follow/start"): (WRITE, "everyone", None),
    ("POST", "/api/v1/portal/follow"): (WRITE, "everyone", None),
    ("GET", "/api/v1/portal/progress"): (READ, "nobody", None),
    ("POST", "/api/v1/portal/ratings"): (WRITE, "everyone", None),
    ("POST", "/api/v1/portal/appeals"): (WRITE, "everyone", None),
    ("GET", "/api/v1/cases"): (READ, "staff", None),
    ("POST", "/api/v1/cases"): (WRITE, "register", None),
    ("GET", "/api/v1/cases/{case_id}"): (READ, "staff", "case"),
    ("GET", "/api/v1/cases/{case_id}/documents/{doc_id}"): (READ, "staff", "document"),
    **{("POST", f"/api/v1/cases/{{case_id}}/{action}"): (WRITE, "staff", "case") for action in (
        "transfer", "assign", "accept", "object", "decide-objection", "refuse", "refuse-repeat", "open-dispute",
        "settle-dispute", "hearing-start", "hearing-end", "extend", "issue-opinion", "record-delivery",
        "submit-report", "review-report", "close", "request-review", "decide-review", "request-recheck",
        "decide-recheck")},
    ("GET", "/api/v1/oversight/metrics"): (READ, "analysis", None),
    ("GET", "/api/v1/oversight/metrics/definitions"): (READ, "staff", None),
    ("GET", "/api/v1/oversight/scorecards"): (READ, "analysis", None),
    ("GET", "/api/v1/oversight/supervisions"): (READ, "staff", None),
    ("POST", "/api/v1/oversight/supervisions"): (WRITE, "supervise", None),
    # A 督办单 is seen by whoever may see its case (oversight.policies.supervisions_visible).
    ("GET", "/api/v1/oversight/supervisions/{sid}"): (READ, "staff", "supervision"),
    ("POST", "/api/v1/oversight/supervisions/{sid}/reply"): (WRITE, "staff", "supervision"),
    ("POST", "/api/v1/oversight/supervisions/{sid}/review"): (WRITE, "supervise", "supervision"),
    ("POST", "/api/v1/oversight/supervisions/{sid}/escalate"): (WRITE, "supervise", "supervision"),
    ("POST", "/api/v1/oversight/supervisions/{sid}/interviews"): (WRITE, "supervise", "supervision"),
    ("POST", "/api/v1/oversight/supervisions/{sid}/circulars"): (WRITE, "supervise", "supervision"),
    ("GET", "/api/v1/oversight/notices"): (READ, "staff", None),
    ("GET", "/api/v1/oversight/proposals"): (READ, "staff", None),
    ("POST", "/api/v1/oversight/proposals/{pid}/dismiss"): (WRITE, "supervise", None),
    ("GET", "/api/v1/oversight/dashboards/{board}"): (READ, "analysis", None),
    ("GET", "/api/v1/risk/ledger"): (READ, "staff", None),
    ("POST", "/api/v1/risk/ledger"): (WRITE, "staff", None),
    ("GET", "/api/v1/risk/ledger/export"): (READ, "staff", None),
    ("POST", "/api/v1/risk/ledger/import"): (WRITE, "staff", None),
    ("GET", "/api/v1/risk/ledger/{entry_id}"): (READ, "staff", "entry"),
    ("POST", "/api/v1/risk/ledger/{entry_id}/steps"): (WRITE, "staff", "entry"),
    ("POST", "/api/v1/risk/ledger/{entry_id}/status"): (WRITE, "staff", "entry"),
    ("GET", "/api/v1/risk/rounds"): (READ, "staff", None),
    ("POST", "/api/v1/risk/rounds"): (WRITE, "alerts", None),
    ("POST", "/api/v1/risk/rounds/{round_id}/reassess"): (WRITE, "alerts", None),
    ("GET", "/api/v1/risk/overdue"): (READ, "staff", None),
    ("GET", "/api/v1/risk/alerts"): (READ, "staff", None),
    ("GET", "/api/v1/risk/alerts/{alert_id}"): (READ, "staff", "alert"),
    ("POST", "/api/v1/risk/alerts/{alert_id}/ack"): (WRITE, "alerts", "alert"),
    ("POST", "/api/v1/risk/alerts/{alert_id}/assign"): (WRITE, "alerts", "alert"),
    ("POST", "/api/v1/risk/alerts/{alert_id}/escalate"): (WRITE, "alerts", "alert"),
    ("POST", "/api/v1/risk/alerts/{alert_id}/close"): (WRITE, "alerts", "alert"),
    ("POST", "/api/v1/risk/alerts/{alert_id}/activate-plan"): (WRITE, "alerts", "alert"),
    ("GET", "/api/v1/risk/hotspots"): (READ, "staff", None),
    ("GET", "/api/v1/risk/overview"): (READ, "staff", None),
    ("GET", "/api/v1/risk/cases/{number}/score"): (READ, "staff", "case"),
    ("GET", "/api/v1/risk/cases/{number}/petitioners"): (READ, "staff", "case"),
    ("GET", "/api/v1/risk/plans"): (READ, "staff", None),
    ("POST", "/api/v1/risk/plans"): (WRITE, "plans", None),
    ("POST", "/api/v1/risk/plans/{plan_id}/activate"): (WRITE, "alerts", None),
    ("POST", "/api/v1/risk/plans/{plan_id}/drills"): (WRITE, "alerts", None),
    ("POST", "/api/v1/risk/plan-tasks/{task_id}/done"): (WRITE, "staff", None),
    ("GET", "/api/v1/stability/decisions"): (READ, "staff", None),
    ("POST", "/api/v1/stability/decisions"): (WRITE, "stability_work", None),
    ("GET", "/api/v1/stability/decisions/{decision_id}"): (READ, "staff", "decision"),
    ("GET", "/api/v1/stability/decisions/{decision_id}/nearby"): (READ, "staff", "decision"),
    ("GET", "/api/v1/stability/decisions/{decision_id}/follow-up"): (READ, "staff", "decision"),
    **{("POST", f"/api/v1/stability/decisions/{{decision_id}}/{action}"): (WRITE, "stability_work", "decision")
       for action in ("start", "findings", "conclude", "follow-ups")},
    ("POST", "/api/v1/stability/decisions/{decision_id}/approve"): (WRITE, "stability_approve", "decision"),
    ("POST", "/api/v1/stability/decisions/{decision_id}/return"): (WRITE, "stability_approve", "decision"),
    ("GET", "/api/v1/upward/matters"): (READ, "staff", None),
    ("POST", "/api/v1/upward/matters"): (WRITE, "upward_work", None),
    ("POST", "/api/v1/upward/matters/from-alert"): (WRITE, "upward_work", None),
    ("GET", "/api/v1/upward/matters/{matter_id}"): (READ, "staff", "upward"),
    ("POST", "/api/v1/upward/matters/{matter_id}/reports"): (WRITE, "upward_work", "upward"),
    ("PATCH", "/api/v1/upward/reports/{report_id}"): (WRITE, "upward_work", "upward"),
    **{("POST", f"/api/v1/upward/reports/{{report_id}}/{action}"): (WRITE, "upward_work", "upward")
       for action in ("submit", "approve", "return", "send")},
    ("POST", "/api/v1/upward/deliveries/{delivery_id}/acknowledge"): (WRITE, "staff", "upward"),
    ("POST", "/api/v1/upward/deliveries/{delivery_id}/instructions"): (WRITE, "staff", "upward"),
    ("POST", "/api/v1/upward/instructions/{instruction_id}/feedback"): (WRITE, "upward_work", "upward"),
    # The exchange format: what the caller may see, personal data masked unless full and allowed.
    ("GET", "/api/v1/upward/exchange"): (READ, "staff", None),
    ("GET", "/api/v1/grid/reports"): (READ, "staff", None),
    ("POST", "/api/v1/grid/reports"): (WRITE, "grid_workers", None),
    ("GET", "/api/v1/grid/reports/{report_id}"): (READ, "grid", "grid_report"),
    ("POST", "/api/v1/grid/reports/{report_id}/visits"): (WRITE, "grid_workers", "grid_report"),
    ("POST", "/api/v1/grid/reports/{report_id}/resolve"): (WRITE, "grid_workers", "grid_report"),
    ("POST", "/api/v1/grid/reports/{report_id}/case"): (WRITE, "register", "grid_report"),
    ("GET", "/api/v1/grid/board"): (READ, "grid", None),
    ("POST", "/api/v1/intake/suggest"): (WRITE, "register", None),
    ("POST", "/api/v1/intake/cases/{case_id}/feedback"): (WRITE, "register", "case"),
    # 舆情: the monitoring service sends with an opinion:create token of a bureau account; analysts read.
    ("POST", "/api/v1/opinion"): (WRITE, "opinion_intake", None),
    ("POST", "/api/v1/opinion/batch"): (WRITE, "opinion_intake", None),
    ("GET", "/api/v1/opinion"): (READ, "opinion", None),
    ("GET", "/api/v1/opinion/{item_id}"): (READ, "opinion", "opinion"),
    ("POST", "/api/v1/reception/lookup"): (WRITE, "register", None),
    ("GET", "/api/v1/reception/days"): (READ, "staff", None),
    ("POST", "/api/v1/reception/days"): (WRITE, "register", None),
    ("POST", "/api/v1/reception/days/{day_id}/bookings"): (WRITE, "register", "day"),
    ("POST", "/api/v1/reception/bookings/{booking_id}/outcome"): (WRITE, "register", "booking"),
    ("POST", "/api/v1/reception/bookings/{booking_id}/case"): (WRITE, "register", "booking"),
    ("GET", "/api/v1/meetings"): (READ, "staff", None),
    ("POST", "/api/v1/meetings"): (WRITE, "convene", None),
    ("GET", "/api/v1/meetings/tasks"): (READ, "staff", None),
    ("GET", "/api/v1/meetings/{meeting_id}"): (READ, "staff", "meeting"),
    ("POST", "/api/v1/meetings/{meeting_id}/members"): (WRITE, "meetings", "meeting"),
    ("POST", "/api/v1/meetings/{meeting_id}/agenda"): (WRITE, "meetings", "meeting"),
    ("POST", "/api/v1/meetings/{meeting_id}/minutes"): (WRITE, "meetings", "meeting"),
    ("POST", "/api/v1/meetings/{meeting_id}/decisions"): (WRITE, "meetings", "meeting"),
    ("POST", "/api/v1/meetings/decisions/{decision_id}/tasks"): (WRITE, "meetings", None),
    # 会议闭环: the convener's (or a bureau above's) leaders and 督办员, like acceptance.
    ("POST", "/api/v1/meetings/{meeting_id}/close"): (WRITE, "convene", "meeting"),
    # Reported by the task's unit, accepted by the convener, 督办ed by a 督办员 (meetings.policies).
    ("POST", "/api/v1/meetings/tasks/{task_id}/done"): (WRITE, "staff", "task"),
    ("POST", "/api/v1/meetings/tasks/{task_id}/accept"): (WRITE, "meetings", "task"),
    ("POST", "/api/v1/meetings/tasks/{task_id}/supervise"): (WRITE, "supervise", "task"),
}

# Query strings a read needs to be answered at all.
QUERY = {("GET", "/api/v1/org/units"): "area=320902000000"}

# Groups used only by writes (their members, for reading the table).
GROUPS.update({
    "supervise": {"city_supervisor", "city_leader", "east_leader"},
    "alerts": {"city_leader", "city_supervisor", "city_analyst", "east_leader", "east_housing_leader"},
    "plans": {"city_leader", "city_admin", "east_leader", "east_housing_leader"},
    # 联席会议: convened by a city or county bureau's leaders and 督办员; recorded also by its registrars.
    "convene": {"city_leader", "city_supervisor", "east_leader"},
    "meetings": {"city_registrar", "city_leader", "city_supervisor", "east_registrar", "east_leader", "west_registrar"},
    # Marking 重大紧急 and drafting reports: handlers, leaders, supervisors, analysts (upward.policies.WORK_ROLES).
    "upward_work": {"city_leader", "city_supervisor", "city_analyst", "east_leader", "east_housing_handler",
                    "east_housing_leader", "city_housing_handler", "east_hr_handler", "east_discipline_handler",
                    "east_legal_handler", "east1_handler", "west1_handler"},
})
# 稳评: every case-working role (not 系统管理员); 审定 by leaders (审核/领导).
GROUPS["stability_work"] = set(PERSONAS) - {"city_admin", "grid1_worker"}
GROUPS["stability_approve"] = {"city_leader", "east_leader", "east_housing_leader"}
# 系统管理员: tokens of the units in their area, webhook subscriptions.
GROUPS["administer"] = {"city_admin"}


def allowed(group: str, persona: str, kind: str | None = None, obj: str | None = None) -> bool:
    if persona not in GROUPS[group]:
        return False
    return kind is None or obj in OBJECT_VISIBLE[kind][persona]
