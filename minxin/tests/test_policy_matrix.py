"""Every URL and API operation × every persona × objects in and out of their area, against
minxin/policies_table.py. A new route that is not in the table fails here."""

import re

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver

from minxin import policies_table as T
from minxin.api.urls import api
from minxin.cases.models import CaseEvent, Domain
from minxin.risk import alerts, ledger
from minxin.risk.models import AlertKind, RiskEvent, RiskLevel
from minxin.testing import make_case

MISSING = 999_999  # an id no object has: the route must answer 404 for everyone
DENIED_WRITE = {400, 401, 403, 404, 405, 409, 422}


def web_routes() -> dict[str, str]:
    """{name: pattern} for every named URL outside the API and the admin."""
    out = {}

    def walk(patterns, prefix="", ns=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern), p.namespace or ns)
            else:
                yield prefix + str(p.pattern), f"{ns}:{p.name}" if ns else p.name

    for pattern, name in walk(get_resolver().url_patterns):
        if pattern.startswith(("api/v1/", "admin/")):
            continue
        out[name] = pattern
    return out


def api_operations() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return {(method.upper(), path) for path, ops in schema["paths"].items() for method in ops}


@pytest.fixture
def world(city):
    cases = {key: make_case(city, **spec) for key, spec in T.CASES.items()}
    housing = Domain.objects.get(name="房地产")
    entries = {
        key: ledger.create_entry(
            actor=city.staff[spec["actor"]], source="grid", domain=housing, area=city.areas[spec["area"]],
            summary="业主与开发商就延期交房产生纠纷", level=RiskLevel.YELLOW, responsible_unit=city.units[spec["unit"]],
        )
        for key, spec in T.ENTRIES.items()
    }
    alert_rows = {
        key: alerts.raise_alert(dedupe_key=f"matrix:{key}", kind=AlertKind.STATISTICAL, level=RiskLevel.ORANGE,
                                title="异常", area=city.areas[spec["area"]])[0]
        for key, spec in T.ALERTS.items()
    }
    return {"case": cases, "entry": entries, "alert": alert_rows}


def _fill_web(pattern: str, kind: str | None, obj) -> str:
    def value(m):
        name = m.group(2)
        if name == "pk" and kind is not None:
            return str(obj.pk)
        return {"board": "volume", "action": "ack", "kind": "cases"}.get(name, str(MISSING))

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, pattern)


def _fill_api(path: str, kind: str | None, obj) -> str:
    def value(m):
        name = m.group(1)
        if kind is not None and name in ("case_id", "entry_id", "alert_id"):
            return str(obj.pk)
        if kind == "case" and name == "number":
            return obj.number
        return {"board": "volume", "prefix": "nope"}.get(name, str(MISSING))

    return re.sub(r"\{(\w+)\}", value, path)


def _clients(city):
    out = {T.ANONYMOUS: Client()}
    for persona in T.PERSONAS:
        c = Client()
        c.force_login(city.staff[persona].user)
        out[persona] = c
    return out


def _targets(kind, world):
    """(object key, object) pairs a route is tried with: every object of its kind, or none."""
    return [(None, None)] if kind is None else list(world[kind].items())


def test_every_route_is_in_the_table():
    web = set(web_routes())
    ops = api_operations()
    assert web - set(T.WEB) == set(), "web URLs with no row in minxin/policies_table.py"
    assert set(T.WEB) - web == set(), "rows in minxin/policies_table.py for web URLs that no longer exist"
    assert ops - set(T.API) == set(), "API operations with no row in minxin/policies_table.py"
    assert set(T.API) - ops == set(), "rows in minxin/policies_table.py for API operations that no longer exist"
    assert set(T.PERSONAS) == set(T.CASE_VISIBLE) - {T.ANONYMOUS} == set(T.ENTRY_VISIBLE) - {T.ANONYMOUS}


def test_reads_allow_and_refuse_as_the_table_says(city, world):
    clients = _clients(city)
    routes = web_routes()
    wrong = []

    def check(label, url, group, kind, key):
        for persona, client in clients.items():
            status = client.get(url).status_code
            expected = T.allowed(group, persona, kind, key)
            if (status == 200) != expected:
                wrong.append(f"{label} {url} as {persona}: {status}, expected {'allow' if expected else 'deny'}")

    for name, (mode, group, kind) in T.WEB.items():
        if mode != T.READ:
            continue
        for key, obj in _targets(kind, world):
            check(name, _fill_web(routes[name], kind, obj), group, kind, key)
    for (method, path), (mode, group, kind) in T.API.items():
        if mode != T.READ:
            continue
        for key, obj in _targets(kind, world):
            query = T.QUERY.get((method, path))
            url = _fill_api(path, kind, obj) + (f"?{query}" if query else "")
            check(f"{method} {path}", url, group, kind, key)
    assert wrong == [], "\n".join(wrong)


def test_writes_on_objects_out_of_reach_are_refused_and_change_nothing(city, world):
    clients = _clients(city)
    routes = web_routes()
    before = (CaseEvent.objects.count(), RiskEvent.objects.count())
    wrong = []
    for name, (mode, group, kind) in T.WEB.items():
        if mode != T.WRITE or kind is None:
            continue
        for key, obj in _targets(kind, world):
            url = _fill_web(routes[name], kind, obj)
            for persona, client in clients.items():
                if key in T.OBJECT_VISIBLE[kind][persona]:
                    continue
                # Pages refuse a form either with 403/404 or by redirecting back with the reason.
                status = client.post(url, {}).status_code
                if status not in DENIED_WRITE and status != 302:
                    wrong.append(f"{name} {url} as {persona}: {status}")
    for (method, path), (mode, group, kind) in T.API.items():
        if mode != T.WRITE or kind is None:
            continue
        for key, obj in _targets(kind, world):
            url = _fill_api(path, kind, obj)
            for persona, client in clients.items():
                if key in T.OBJECT_VISIBLE[kind][persona]:
                    continue
                status = client.generic(method, url, "{}", content_type="application/json").status_code
                if status not in DENIED_WRITE:
                    wrong.append(f"{method} {url} as {persona}: {status}")
    assert wrong == [], "\n".join(wrong)
    assert (CaseEvent.objects.count(), RiskEvent.objects.count()) == before
