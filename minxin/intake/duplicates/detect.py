"""The four duplicate/repeat findings at registration, as suggestions with reasons.

(a) 重复信访   the same petitioner (identity blind index) raised the same matter before;
(b) 联名/集体  the same matter raised by several different petitioners;
(c) 越级       the same matter is open at a lower body → 不予受理 (第十九条第三款);
(d) 不再受理   the same petitioner's matter already ended by 复核 → 不再受理 (第三十六条第三款).

Every case shown has passed Case.objects.visible_to(staff); a match the registrar
may not see is dropped without a trace (not even a count).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from minxin.cases.models import OPEN_STATES, Case, CaseParty, CaseState, Petitioner
from minxin.core import crypto

from .index import TEXT_FIELDS, matter_text
from .lookup import Match, compare_texts, find_similar
from .text import HASHED, shared_phrases
from .verifier import current_model

COLLECTIVE_MIN_OTHERS = 2  # the draft plus two other petitioners' cases make a 联名/集体 suggestion
MAX_SHOWN = 10


def petitioner_hashes(petitioners: list[dict]) -> tuple[set[str], set[str]]:
    """Blind-index hashes of the draft's 信访人 (ID numbers, and phones of people without one)."""
    ids, phones = set(), set()
    for p in petitioners or []:
        id_number = str(p.get("id_number") or "").strip().upper()
        phone = str(p.get("phone") or "").strip()
        if id_number:
            ids.add(crypto.blind_index("id", id_number))
        elif phone:
            phones.add(crypto.blind_index("phone", phone))
    return ids, phones


def _petitioner_ids(id_hashes: set[str], phone_hashes: set[str]) -> set[int]:
    found = set()
    if id_hashes:
        found |= set(Petitioner.objects.filter(id_hash__in=id_hashes).values_list("pk", flat=True))
    if phone_hashes:
        found |= set(Petitioner.objects.filter(phone_hash__in=phone_hashes).values_list("pk", flat=True))
    return found


def _confidence(score: float) -> float:
    # The verifier's score is a probability fitted on read pairs of real messages.
    return round(min(0.99, max(0.01, score)), 2)


def _case_brief(case: Case) -> dict:
    return {
        "id": case.pk,
        "number": case.number,
        "subject": case.subject,
        "state": case.state,
        "state_label": str(case.get_state_display()),
        "current_unit": case.current_unit.name if case.current_unit_id else "",
        "area": case.area.name,
        "received_on": case.received_at.date().isoformat(),
    }


def _explain(m: Match, draft_text: str, case: Case) -> tuple[list[str], list[str]]:
    phrases = shared_phrases(draft_text, matter_text({f: getattr(case, f) for f in TEXT_FIELDS}))
    return explain(m, draft_text), phrases


def explain(m: Match, text: str = "", other: str = "") -> list[str]:
    """The reasons shown beside a candidate: what identifies the matter first, then the wording.

    With the texts at hand, a name head is shown as written there (丽发 → 丽发新城小区).
    """
    from .verifier import name_of

    def shown(heads):
        return "、".join(dict.fromkeys(name_of(h, text) if name_of(h, text) != h else name_of(h, other) for h in heads[:6]))

    reasons = []
    if m.shared_names:
        reasons.append(_("相同的地点或单位：%(n)s") % {"n": shown(m.shared_names)})
    reasons.append(_("标题或首句的 %(c).0f%% 见于对方文字") % {"c": m.opening_cover * 100})
    reasons.append(_("文字相似度 %(j).0f%%（二字片段 Jaccard）；同一事项可能性 %(s).2f") % {"j": m.jaccard * 100, "s": m.score})
    if m.differing_names:
        reasons.append(_("只在一方出现的地点或单位：%(n)s（请核对是否同一地点）") % {"n": shown(m.differing_names)})
    figures = [n for n in m.shared_numbers if not n.startswith(HASHED)]
    if figures:
        reasons.append(_("相同的数字（金额、日期、人数等，不同信访人常有出入，仅供参考）：%(n)s") % {"n": "、".join(figures[:8])})
    if len(figures) < len(m.shared_numbers):
        reasons.append(_("相同的长号码（电话、证件或账号）%(n)d 个") % {"n": len(m.shared_numbers) - len(figures)})
    return reasons


def detect(draft: dict, *, staff, exclude_case_id: int | None = None) -> dict:
    """Findings for a draft (or a just-registered case, excluded from its own matches)."""
    text = matter_text(draft)
    exclude = {exclude_case_id} if exclude_case_id else set()
    id_hashes, phone_hashes = petitioner_hashes(draft.get("petitioners") or [])
    own = _petitioner_ids(id_hashes, phone_hashes)

    matches = {m.case_id: m for m in find_similar(text, exclude=exclude, limit=50)} if text else {}
    own_case_ids: set[int] = set()
    if own:
        own_case_ids = set(CaseParty.objects.filter(petitioner_id__in=own).values_list("case_id", flat=True)) - exclude
    visible = {
        c.pk: c
        for c in Case.objects.visible_to(staff).filter(pk__in=set(matches) | own_case_ids).select_related("current_unit__area", "area")
    }
    # The petitioner's own earlier cases are few: compare them directly, so a case indexed
    # under an older scheme (or not yet) is still found.
    for cid in own_case_ids & set(visible):
        if cid not in matches:
            case = visible[cid]
            m = compare_texts(text, matter_text({f: getattr(case, f) for f in TEXT_FIELDS}), case_id=cid, weigh=True)
            if m.score >= current_model().related:
                matches[cid] = m
    parties = {}
    for case_id, pet_id in CaseParty.objects.filter(case_id__in=[c for c in matches if c in visible]).values_list("case_id", "petitioner_id"):
        parties.setdefault(case_id, set()).add(pet_id)

    items = []
    # Same-matter candidates first, then the related ones, each by score.
    for cid, m in sorted(matches.items(), key=lambda kv: (not kv[1].same, -kv[1].score)):
        case = visible.get(cid)
        if case is None:
            continue
        reasons, phrases = _explain(m, text, case)
        same_person = bool(own & parties.get(cid, set()))
        item = {
            "case": _case_brief(case),
            "score": m.score,
            "confidence": _confidence(m.score),
            "same_petitioner": same_person,
            # Above the verifier's threshold: 可能同一事项; below it (but close): 相关.
            "relation": "same" if m.same else "related",
            "relation_label": _("可能同一事项") if m.same else _("相关"),
            "kinds": [],
            "reasons": reasons,
            "shared_phrases": phrases,
            "suggestion": "",
            "legal_basis": "",
        }
        if not m.same:  # a close case below the threshold: shown as 相关, never a finding of the regulation
            item["kinds"].append("related")
            items.append(item)
            continue
        if same_person:
            item["kinds"].append("repeat")
            item["reasons"].insert(0, _("同一信访人（身份证号或电话一致）此前反映过相似事项：重复信访"))
        if same_person and case.state == CaseState.FINAL:
            item["kinds"].append("not_reaccept")
            item["suggestion"] = _("原事项已经复核终结；如本次仍是同一事实和理由，建议不再受理")
            item["legal_basis"] = "《信访工作条例》第三十六条第三款"
        elif _handled_lower(case, staff):
            item["kinds"].append("not_accept_lower")
            item["suggestion"] = _("同一事项正由下级机关%(unit)s受理或办理中，建议不予受理并告知信访人向其反映") % {"unit": case.current_unit.name}
            item["legal_basis"] = "《信访工作条例》第十九条第三款"
        if not same_person:
            item["kinds"].append("similar")
        items.append(item)

    same_ids = {i["case"]["id"] for i in items if i["relation"] == "same"}
    others = {pid for cid, pets in parties.items() if cid in same_ids for pid in pets} - own
    collective = None
    similar_by_others = [i for i in items if not i["same_petitioner"] and i["relation"] == "same"]
    if len(others) >= COLLECTIVE_MIN_OTHERS and similar_by_others:
        collective = {
            "people": len(others) + max(1, len(draft.get("petitioners") or [])),
            "cases": [i["case"]["number"] for i in similar_by_others[:MAX_SHOWN]],
            "confidence": round(max(i["confidence"] for i in similar_by_others), 2),
            "reasons": [
                _("另有 %(n)d 名信访人在 %(c)d 件信访事项中反映了相似内容，可能为联名或集体反映的同一事项")
                % {"n": len(others), "c": len(similar_by_others)}
            ],
            "suggestion": _("建议关联为同一事项，按集体访处理并推选代表（不超过5人，第二十条第三款）"),
        }
    return {
        "items": items[:MAX_SHOWN],
        "collective": collective,
        "repeat": any("repeat" in i["kinds"] for i in items),
        "not_reaccept": next((i for i in items if "not_reaccept" in i["kinds"]), None),
        "not_accept_lower": next((i for i in items if "not_accept_lower" in i["kinds"]), None),
    }


def _handled_lower(case: Case, staff) -> bool:
    """Open at another body inside the registrar's jurisdiction: the same test refuse_case applies."""
    if case.state not in OPEN_STATES or case.current_unit_id is None or case.current_unit_id == staff.unit_id:
        return False
    return case.current_unit.area.path.startswith(staff.unit.area.path)
