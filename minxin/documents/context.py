"""Checking and normalising the fields a document renders.

The normalised context is JSON-safe (dates as ISO strings) because it is stored
on the Document row as the record of what was printed.
"""

import datetime as dt

from django.utils.translation import gettext as _

from minxin.core.errors import ValidationFailed
from minxin.documents.kinds import DATE_FIELDS, OUTCOME_ALIASES, PETITIONER_FIELDS, KindSpec, OpinionOutcome, spec_for

# Filled in by issue_document, not by the caller; render_docx needs the first two.
SYSTEM_FIELDS = ("issuer", "date", "number", "case_number")


def _as_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple)):
        return not any(isinstance(v, str) and v.strip() for v in value)
    return False


def _clean_text(value):
    if isinstance(value, (list, tuple)):
        return [v.strip() for v in value if isinstance(v, str) and v.strip()]
    return str(value).strip()


def normalise_context(kind: str, context: dict, *, system_required: tuple[str, ...] = ()) -> dict:
    """Return the JSON-safe context for `kind`, or raise ValidationFailed naming every missing field."""
    spec: KindSpec = spec_for(kind)
    context = context or {}
    missing, bad, out = [], {}, {}
    for key in system_required:
        if _blank(context.get(key)):
            missing.append(key)
    for key in spec.required:
        if _blank(context.get(key)):
            missing.append(key)
    if missing:
        names = "、".join(spec.label(k) if k in spec.required else k for k in missing)
        raise ValidationFailed(
            _("出具%(title)s缺少：%(names)s") % {"title": spec.title, "names": names},
            fields={k: _("必填") for k in missing},
        )
    allowed = (*SYSTEM_FIELDS, *spec.required, *spec.optional, "cc", "provisional")
    if spec.petitioner_facing:
        allowed += PETITIONER_FIELDS
    for key in allowed:
        value = context.get(key)
        if _blank(value):
            continue
        if key in DATE_FIELDS or key == "date":
            parsed = _as_date(value)
            if parsed is None:
                bad[key] = _("%(label)s应为日期（如2026-11-25）") % {"label": spec.label(key)}
                continue
            out[key] = parsed.isoformat()
        elif key == "outcome":
            outcome = OUTCOME_ALIASES.get(str(value).strip(), str(value).strip())
            if outcome not in OpinionOutcome.values:
                bad[key] = _("处理结论应为“予以支持”“解释说明”或“不予支持”之一（《信访工作条例》第三十二条）")
                continue
            out[key] = str(outcome)
        else:
            out[key] = _clean_text(value)
    if bad:
        raise ValidationFailed(
            _("%(title)s的内容有误：%(problems)s") % {"title": spec.title, "problems": "；".join(bad.values())},
            fields=bad,
        )
    return out


def date_value(context: dict, key: str) -> dt.date | None:
    return _as_date(context.get(key))


def due_date(ctx: dict, key: str) -> str:
    """A time limit's date as printed: 2027年2月9日, with （暂定） when counted before that year's holidays were published."""
    text = chinese_date(ctx.get(key))
    return f"{text}（暂定）" if text and key in (ctx.get("provisional") or []) else text


def chinese_date(value) -> str:
    """成文日期 style: 2026年11月25日 (Arabic numerals, no leading zeros, per GB/T 9704-2012 7.3.5.1)."""
    d = _as_date(value)
    return f"{d.year}年{d.month}月{d.day}日" if d else ""
