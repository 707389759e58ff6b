"""登记辅助建议 on the registration form: an htmx partial, and recording what the registrar chose.

The partial re-reads the form as typed so far and asks minxin.intake.suggest for
classification, routing, 诉访分离 hints, duplicates and danger signals. The category
and domain suggestions it showed travel back with the form as signed hidden fields,
so that on a successful registration `record_shown_choices` can store suggested vs
chosen without trusting anything the browser could have edited.
"""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpResponseForbidden
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from minxin.cases.models import Category, Domain
from minxin.core.errors import DomainError, PermissionDenied, ValidationFailed
from minxin.intake.suggest import CLASSIFIERS, record_registrar_choice, suggest_for_draft
from minxin.org.models import Unit
from minxin.web.cases import areas, forms

logger = logging.getLogger("minxin.web.cases")

SALT = "minxin.web.cases.suggestions"
FIELD_PREFIX = "suggestion_"
# A form left open over a long visit is still recorded; an old token replayed later is not.
MAX_AGE = 12 * 3600
DUPLICATE_KIND_LABELS = {
    "repeat": gettext_lazy("重复信访"),
    "not_accept_lower": gettext_lazy("不予受理（第十九条第三款）"),
    "not_reaccept": gettext_lazy("不再受理（第三十六条第三款）"),
    "similar": gettext_lazy("他人反映"),
}
PERSON_FIELDS = ("name", "id_number", "phone")


def _draft(staff, post) -> dict:
    draft = {k: (post.get(k) or "").strip() for k in ("subject", "content", "request", "facts", "reasons")}
    draft["area"] = areas.chosen_area(staff, post)
    dom = (post.get("domain") or "").strip()
    if dom.isdigit():
        draft["domain"] = Domain.objects.filter(pk=int(dom)).first()
    cat = (post.get("category") or "").strip()
    if cat in Category.values:
        draft["category"] = cat
    draft["is_litigation"] = post.get("is_litigation") == "on"
    accused = (post.get("accused_unit") or "").strip()
    if accused.isdigit():  # never suggested as the receiving unit (第三十条第三款)
        draft["accused_unit"] = Unit.objects.filter(pk=int(accused)).first()
    people = []
    for i in range(forms.MAX_PETITIONER_ROWS):
        row = {k: (post.get(f"p-{i}-{k}") or "").strip() for k in PERSON_FIELDS}
        if any(row.values()):
            people.append(row)
    draft["petitioners"] = people
    return draft


def _option_value(kind: str, label: str) -> str:
    """The <select> value a suggested label stands for ('' when the form has no such option)."""
    if kind == "category":
        if label in Category.values:
            return label
        return next((v for v, lbl in Category.choices if str(lbl) == label), "")
    dom = Domain.objects.filter(name=label).first() or Domain.objects.filter(code=label).first()
    return str(dom.pk) if dom else ""


def _display(kind: str, label: str) -> str:
    if kind == "category" and label in Category.values:
        return str(Category(label).label)
    return label


def _classification_rows(classification: dict) -> list[dict]:
    rows = []
    for kind in CLASSIFIERS:
        c = classification.get(kind) or {}
        title = _("信访类别") if kind == "category" else _("领域")
        if not c.get("available"):
            rows.append({"kind": kind, "title": title, "available": False, "note": c.get("note") or ""})
            continue
        token = signing.dumps(
            {"kind": kind, "label": c["label"], "confidence": c["confidence"], "model": c["model"],
             "version": c["version"], "top": c["top"]},
            salt=SALT,
        )
        rows.append({
            "kind": kind, "title": title, "available": True, "token": token, "field": FIELD_PREFIX + kind,
            "select_id": f"id_{kind}", "top_terms": c.get("top_terms") or [],
            "options": [
                {"label": _display(kind, t["label"]), "percent": round(t["confidence"] * 100),
                 "value": _option_value(kind, t["label"])}
                for t in c.get("top") or []
            ],
        })
    return rows


def _duplicate_rows(dupes: dict) -> list[dict]:
    return [
        {**item, "kind_labels": [str(DUPLICATE_KIND_LABELS[k]) for k in item["kinds"] if k in DUPLICATE_KIND_LABELS],
         "percent": round(item["confidence"] * 100)}
        for item in dupes.get("items") or []
    ]


@login_required
@require_POST
def suggestions(request):
    """htmx partial: 智能建议 for the registration form as typed so far."""
    from minxin.intake import policies
    from minxin.web.cases.views import _staff_or_404

    staff = _staff_or_404(request)
    if not policies.may_suggest(staff):
        return HttpResponseForbidden(policies.SUGGEST_REFUSED)
    context = {"error": ""}
    try:
        result = suggest_for_draft(_draft(staff, request.POST), staff=staff)
    except PermissionDenied as exc:
        return HttpResponseForbidden(exc.message)
    except (ValidationFailed, DomainError) as exc:
        context["error"] = exc.message
    else:
        context.update({
            "result": result,
            "classification": _classification_rows(result["classification"]),
            "duplicates": _duplicate_rows(result["duplicates"]),
        })
    return render(request, "web/cases/_suggestions.html", context)


def record_shown_choices(case, post, *, staff) -> int:
    """After a registration: store, per classifier kind shown, what was suggested and what was chosen.

    Absent, forged or expired tokens are skipped: suggestions are advice, never a reason to fail a
    registration. Returns how many choices were recorded.
    """
    chosen = {"category": case.category, "domain": case.domain.name if case.domain_id else ""}
    recorded = 0
    for kind in CLASSIFIERS:
        token = post.get(FIELD_PREFIX + kind)
        if not token:
            continue
        try:
            suggestion = signing.loads(token, salt=SALT, max_age=MAX_AGE)
        except signing.BadSignature:
            logger.warning("ignored invalid suggestion token kind=%s case_id=%s", kind, case.pk)
            continue
        if not isinstance(suggestion, dict) or suggestion.get("kind") != kind:
            continue
        try:
            record_registrar_choice(case, suggestion, _chosen_as_label(kind, suggestion, chosen[kind]), staff=staff)
        except DomainError:
            logger.warning("suggestion choice not recorded kind=%s case_id=%s", kind, case.pk)
            continue
        recorded += 1
    return recorded


def _chosen_as_label(kind: str, suggestion: dict, chosen: str) -> str:
    # The model may speak in Chinese labels or codes; compare in the model's own vocabulary.
    label = str(suggestion.get("label") or "")
    if kind == "category" and label not in Category.values:
        return next((str(lbl) for v, lbl in Category.choices if v == chosen), chosen)
    if kind == "domain" and chosen and label and label != chosen:
        dom = Domain.objects.filter(name=chosen).first()
        if dom is not None and dom.code == label:
            return dom.code
    return chosen
