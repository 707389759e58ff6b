"""The spreadsheet kinds: one table that the commands, the pages and the worker all read."""

from dataclasses import dataclass
from collections.abc import Callable

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    template: Callable[[], bytes]
    import_: Callable  # (fileobj, *, actor, dry_run, progress, max_rows, name) -> int (rows written or checked)
    export: Callable  # (*, actor, full, out) -> (bytes | None, rows)
    # Kinds with a JSON exchange format too: (*, actor, full, out) -> rows; `manage.py export KIND OUT.json`.
    export_json: Callable | None = None


def _cases_import(fileobj, **kw) -> int:
    from minxin.exchange.cases import import_cases

    return import_cases(fileobj, **kw).cases


def _cases_export(*, actor, full=False, out=None):
    from minxin.cases.policies import visible_cases
    from minxin.exchange.cases import export_cases

    return export_cases(visible_cases(actor), actor=actor, full=full, out=out)


def _cases_template():
    from minxin.exchange.cases import template

    return template()


def _ledger_import(fileobj, *, actor, dry_run=False, progress=None, max_rows=None, name=""):
    from minxin.exchange.ledger import import_ledger

    return len(import_ledger(fileobj, actor=actor, dry_run=dry_run)) if not dry_run else _ledger_dry(fileobj, actor)


def _ledger_dry(fileobj, actor) -> int:
    from minxin.exchange.ledger import import_ledger

    import_ledger(fileobj, actor=actor, dry_run=True)
    return 0


def _ledger_export(*, actor, full=False, out=None):
    from minxin.exchange.ledger import export_ledger

    data = export_ledger(actor)
    if out is not None:
        with open(out, "wb") if isinstance(out, str) else _nullctx(out) as fh:
            fh.write(data)
        return None, -1
    return data, -1


class _nullctx:
    def __init__(self, fh):
        self.fh = fh

    def __enter__(self):
        return self.fh

    def __exit__(self, *exc):
        return False


def _ledger_template():
    from minxin.exchange.ledger import template

    return template()


def _org(kind):
    def imp(fileobj, **kw):
        from minxin.exchange.organisation import import_org

        kw.pop("progress", None)
        return import_org(kind, fileobj, **kw)

    def exp(*, actor, full=False, out=None):
        from minxin.exchange.organisation import export_org

        data = export_org(kind, actor=actor)
        if out is not None:
            with open(out, "wb") if isinstance(out, str) else _nullctx(out) as fh:
                fh.write(data)
            return None, -1
        return data, -1

    def tpl():
        from minxin.exchange.organisation import org_template

        return org_template(kind)

    return tpl, imp, exp


def _opinion():
    def imp(fileobj, **kw):
        from minxin.exchange.opinion import import_opinion

        return import_opinion(fileobj, **kw)

    def exp(*, actor, full=False, out=None):
        from minxin.exchange.opinion import export_opinion

        return export_opinion(actor=actor, full=full, out=out)

    def tpl():
        from minxin.exchange.opinion import template

        return template()

    return tpl, imp, exp
def _upward_import(fileobj, **kw) -> int:
    from minxin.core.errors import ValidationFailed

    raise ValidationFailed(_("重大紧急信息报告交换格式只用于导出，不能导入"))


def _upward_export(*, actor, full=False, out=None):
    from minxin.exchange.upward import export_excel

    return export_excel(actor=actor, full=full, out=out)


def _upward_export_json(*, actor, full=False, out):
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    from minxin.exchange.upward import export_json

    data = export_json(actor, full=full)
    with open(out, "w", encoding="utf-8") as fh:
        # The encoder the API uses too: labels are lazy translations.
        json.dump(data, fh, ensure_ascii=False, indent=1, cls=DjangoJSONEncoder)
    return len(data["reports"])


def _upward_template():
    from minxin.exchange.upward import template

    return template()


KINDS: dict[str, Kind] = {
    "cases": Kind("cases", _("历史信访事项"), _cases_template, _cases_import, _cases_export),
    "ledger": Kind("ledger", _("矛盾纠纷排查台账"), _ledger_template, _ledger_import, _ledger_export),
    "areas": Kind("areas", _("行政区域"), *_org("areas")),
    "units": Kind("units", _("单位"), *_org("units")),
    "staff": Kind("staff", _("工作人员"), *_org("staff")),
    "opinion": Kind("opinion", _("舆情信息"), *_opinion()),
    "upward": Kind("upward", _("重大紧急信息报告（信访信息系统交换格式）"), _upward_template, _upward_import, _upward_export,
                   _upward_export_json),
}
