"""Keyed hash chain over CaseEvent rows.

Each event's hash is an HMAC (MINXIN_AUDIT_KEY, see minxin.core.sealing) over its
own content and the previous event's hash, and the case row keeps the newest hash
(`audit_head`). Editing, deleting or reordering any event — including the last
one — breaks the chain at a place that `verify_case` names; so does rebuilding
the chain without the key.
"""

import datetime as dt
import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from minxin.cases.models import Case, CaseEvent
from minxin.core import sealing


def _canonical_time(at: dt.datetime) -> str:
    utc = at.astimezone(dt.UTC)
    if utc.year >= 1000:  # isoformat is the same text (and several times faster than strftime)
        return utc.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"
    return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_parts(*, case_id: int, seq: int, at: dt.datetime, actor_id, action: str, from_state: str, to_state: str, payload: dict, prev_hash: str) -> list:
    return [case_id, seq, _canonical_time(at), actor_id, action, from_state, to_state, payload, prev_hash]


def _parts_of(ev: CaseEvent, *, prev_hash: str) -> list:
    return event_parts(
        case_id=ev.case_id, seq=ev.seq, at=ev.at, actor_id=ev.actor_id, action=ev.action,
        from_state=ev.from_state, to_state=ev.to_state, payload=ev.payload, prev_hash=prev_hash,
    )


def build_event(case: Case, *, seq: int, prev_hash: str, at: dt.datetime, actor, action: str, from_state: str = "", to_state: str = "", payload: dict | None = None) -> CaseEvent:
    """An unsaved event chained after `prev_hash`."""
    actor_id = actor.pk if actor is not None else None
    text, key_id, digest = sealed_event_values(
        case_id=case.pk, seq=seq, prev_hash=prev_hash, at=at, actor_id=actor_id, action=action,
        from_state=from_state, to_state=to_state, payload=payload,
    )
    return CaseEvent(
        case=case, seq=seq, at=at, actor=actor, actor_label=str(actor.display_name) if actor is not None else "",
        action=action, from_state=from_state, to_state=to_state, payload=json.loads(text), prev_hash=prev_hash, hash=digest,
        key_id=key_id,
    )


_PAYLOAD_JSON = DjangoJSONEncoder(ensure_ascii=False)  # json.dumps(…, cls=DjangoJSONEncoder, ensure_ascii=False), built once


def sealed_event_values(*, case_id: int, seq: int, prev_hash: str, at: dt.datetime, actor_id, action: str,
                        from_state: str = "", to_state: str = "", payload: dict | None = None,
                        sealer=None) -> tuple[str, str, str]:
    """(payload as the JSON text stored, key id, hash) of an event chained after `prev_hash`.

    The payload is sealed as it reads back from the database (JSON: dates become text), so
    verification recomputes the same hash. Bulk loaders write these values without a model object,
    passing one `sealing.Sealer` for the whole batch.
    """
    text = _PAYLOAD_JSON.encode(payload or {})
    key_id, digest = (sealer or sealing.seal)(event_parts(
        case_id=case_id, seq=seq, at=at, actor_id=actor_id, action=action,
        from_state=from_state, to_state=to_state, payload=json.loads(text), prev_hash=prev_hash,
    ))
    return text, key_id, digest


def append_event(case: Case, *, at: dt.datetime, actor, action: str, from_state: str = "", to_state: str = "", payload: dict | None = None) -> CaseEvent:
    """Append to the chain. The caller holds the case row (version lock) in its transaction."""
    last = case.events.order_by("-seq").values("seq", "hash").first()
    seq, prev = (last["seq"] + 1, last["hash"]) if last else (1, "")
    event = build_event(case, seq=seq, prev_hash=prev, at=at, actor=actor, action=action, from_state=from_state, to_state=to_state, payload=payload)
    event.save(force_insert=True)
    Case.objects.filter(pk=case.pk).update(audit_head=event.hash)
    case.audit_head = event.hash
    return event


@dataclass(frozen=True)
class ChainProblem:
    case_number: str
    seq: int | None
    problem: str

    def __str__(self):
        where = f"第{self.seq}条记录" if self.seq is not None else "记录链末端"
        return f"{self.case_number} {where}：{self.problem}"


def verify_case(case: Case) -> list[ChainProblem]:
    problems: list[ChainProblem] = []
    prev_hash, expected_seq = "", 1
    for ev in case.events.order_by("seq").iterator():
        if ev.seq != expected_seq:
            problems.append(ChainProblem(case.number, ev.seq, f"序号不连续（应为{expected_seq}），记录可能被删除或重排"))
        if ev.prev_hash != prev_hash:
            problems.append(ChainProblem(case.number, ev.seq, "前序哈希不符，记录可能被删除、插入或重排"))
        reason = sealing.check(_parts_of(ev, prev_hash=ev.prev_hash), key_id=ev.key_id, digest=ev.hash)
        if reason:
            problems.append(ChainProblem(case.number, ev.seq, reason))
        prev_hash, expected_seq = ev.hash, ev.seq + 1
    if prev_hash != case.audit_head:
        problems.append(ChainProblem(case.number, None, "链尾与信访件记录的最新哈希不符，末尾记录可能被删除或追加"))
    return problems


def verify_all(queryset=None):
    """Yield problems across cases; streams so it works on millions of cases."""
    qs = (queryset if queryset is not None else Case.objects.all()).only("pk", "number", "audit_head").order_by("pk")
    for case in qs.iterator(chunk_size=2000):
        yield from verify_case(case)


@dataclass
class ResealResult:
    cases: int = 0
    events: int = 0
    skipped: list[str] | None = None


def _intact_before_reseal(case: Case, events: list[CaseEvent]) -> bool:
    """Whether the chain is whole as it stands: legacy rows by their plain SHA-256, keyed rows by the ring."""
    prev = ""
    for expected_seq, ev in enumerate(events, start=1):
        if ev.seq != expected_seq or ev.prev_hash != prev:
            return False
        parts = _parts_of(ev, prev_hash=prev)
        if ev.key_id == sealing.LEGACY_KEY_ID:
            if sealing.legacy_digest(parts) != ev.hash:
                return False
        elif sealing.check(parts, key_id=ev.key_id, digest=ev.hash):
            return False
        prev = ev.hash
    return prev == case.audit_head


def reseal_case(case: Case) -> int | None:
    """Re-sign one intact chain with the current key; None (nothing written) when it is broken.

    Used to migrate chains from plain SHA-256 and after a key rotation. A broken chain is
    left exactly as found, so `audit verify` keeps reporting it.
    """
    current = sealing.current_key_id()
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        events = list(case.events.order_by("seq"))
        if not _intact_before_reseal(case, events):
            return None
        if all(ev.key_id == current for ev in events):
            return 0
        prev = ""
        for ev in events:
            ev.prev_hash = prev
            ev.key_id, ev.hash = sealing.seal(_parts_of(ev, prev_hash=prev))
            prev = ev.hash
        CaseEvent.objects.bulk_update(events, ["prev_hash", "key_id", "hash"], batch_size=500)
        Case.objects.filter(pk=case.pk).update(audit_head=prev)
        return len(events)


def reseal_all(queryset=None) -> ResealResult:
    result = ResealResult(skipped=[])
    qs = (queryset if queryset is not None else Case.objects.all()).only("pk", "number").order_by("pk")
    for case in qs.iterator(chunk_size=500):
        done = reseal_case(case)
        if done is None:
            result.skipped.append(case.number)
        elif done:
            result.cases += 1
            result.events += done
    return result
