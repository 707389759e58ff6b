"""The security audit chain: append and verify.

One linear chain over SecurityEvent rows, sealed like the case chains (HMAC under
MINXIN_AUDIT_KEY, key id per row; see minxin.core.sealing). Appending locks the
single head row, so concurrent writers queue instead of forking the chain; the
head also keeps the newest hash, so a deleted tail is noticed.
"""

import contextvars
import datetime as dt
import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from minxin.accounts.models import SecurityChainHead, SecurityEvent
from minxin.core import clock, sealing

# Who is acting and from where, for writes that happen inside a request (set by
# minxin.accounts.middleware.AuditContextMiddleware); commands run with neither.
_request_user = contextvars.ContextVar("minxin_audit_user", default=None)
_request_ip = contextvars.ContextVar("minxin_audit_ip", default="")


def bind_request(user, ip: str):
    return _request_user.set(user), _request_ip.set(ip)


def unbind_request(tokens) -> None:
    _request_user.reset(tokens[0])
    _request_ip.reset(tokens[1])


def client_ip(request) -> str:
    # REMOTE_ADDR only, like django-axes and the portal throttle: a TLS proxy in front
    # must set it (e.g. gunicorn --forwarded-allow-ips), X-Forwarded-For is client-controlled.
    return (request.META.get("REMOTE_ADDR") or "")[:45] if request is not None else ""


def _canonical_time(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _parts(ev: SecurityEvent, prev_hash: str) -> list:
    return [
        ev.seq, _canonical_time(ev.at), ev.action, ev.actor_user_id, ev.actor, ev.username, ev.ip,
        ev.target_type, ev.target_id, ev.target_label, ev.payload, prev_hash,
    ]


def _user_of(actor):
    """A User from a User, a Staff or None."""
    if actor is None:
        return None
    return actor if hasattr(actor, "get_username") else actor.user


def record(action: str, *, actor=None, request=None, username: str = "", target=None, target_label: str = "", payload: dict | None = None) -> SecurityEvent:
    """Append one event. `actor` is a User or Staff (default: the signed-in user of the request
    being served, if any); `target` a model instance the event is about."""
    user = _user_of(actor)
    if user is None and request is not None and getattr(request, "user", None) is not None and request.user.is_authenticated:
        user = request.user
    if user is None:
        user = _request_user.get()
    ip = client_ip(request) if request is not None else _request_ip.get()
    payload = json.loads(json.dumps(payload or {}, cls=DjangoJSONEncoder, ensure_ascii=False))
    ev = SecurityEvent(
        at=clock.now(),
        action=action,
        actor_user_id=user.pk if user is not None else None,
        actor=user.get_username() if user is not None else "",
        username=(username or "")[:150],
        ip=ip,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=(target_label or (str(target) if target is not None else ""))[:200],
        payload=payload,
    )
    with transaction.atomic():
        head, _ = SecurityChainHead.objects.select_for_update().get_or_create(pk=1)
        ev.seq, ev.prev_hash = head.seq + 1, head.hash
        ev.key_id, ev.hash = sealing.seal(_parts(ev, ev.prev_hash))
        ev.save(force_insert=True)
        SecurityChainHead.objects.filter(pk=1).update(seq=ev.seq, hash=ev.hash)
    return ev


@dataclass(frozen=True)
class SecurityChainProblem:
    seq: int | None
    problem: str

    def __str__(self):
        where = f"第{self.seq}条记录" if self.seq is not None else "记录链末端"
        return f"安全审计 {where}：{self.problem}"


def verify() -> list[SecurityChainProblem]:
    problems: list[SecurityChainProblem] = []
    prev_hash, expected_seq = "", 1
    for ev in SecurityEvent.objects.order_by("seq").iterator(chunk_size=2000):
        if ev.seq != expected_seq:
            problems.append(SecurityChainProblem(ev.seq, f"序号不连续（应为{expected_seq}），记录可能被删除或重排"))
        if ev.prev_hash != prev_hash:
            problems.append(SecurityChainProblem(ev.seq, "前序哈希不符，记录可能被删除、插入或重排"))
        reason = sealing.check(_parts(ev, ev.prev_hash), key_id=ev.key_id, digest=ev.hash)
        if reason:
            problems.append(SecurityChainProblem(ev.seq, reason))
        prev_hash, expected_seq = ev.hash, ev.seq + 1
    head = SecurityChainHead.objects.filter(pk=1).first()
    if (head.hash if head else "") != prev_hash or (head.seq if head else 0) != expected_seq - 1:
        problems.append(SecurityChainProblem(None, "链尾与记录的最新哈希不符，末尾记录可能被删除或追加"))
    return problems


@transaction.atomic
def reseal() -> int | None:
    """Re-sign the whole security chain with the current key, if it verifies now; else None."""
    SecurityChainHead.objects.select_for_update().get_or_create(pk=1)
    if verify():
        return None
    current = sealing.current_key_id()
    events = list(SecurityEvent.objects.order_by("seq"))
    if all(ev.key_id == current for ev in events):
        return 0
    prev = ""
    for ev in events:
        ev.prev_hash = prev
        ev.key_id, ev.hash = sealing.seal(_parts(ev, prev))
        prev = ev.hash
    SecurityEvent.objects.bulk_update(events, ["prev_hash", "key_id", "hash"], batch_size=500)
    SecurityChainHead.objects.filter(pk=1).update(hash=prev)
    return len(events)
