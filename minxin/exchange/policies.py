"""Who may import and export which spreadsheets; built on the cases, org and risk policies.

- Historical cases: a 信访部门's leaders (审核/领导) import into their own area; anyone may
  export the cases they can see, with personal data masked. A full export (names, ID numbers,
  phones in clear) is for the registering bureau's registrars and leaders (cases.policies),
  is logged (SpreadsheetJob) and shows in clear only the cases that bureau registered.
- Areas, units and staff: 系统管理员 (org.policies).
- Ledger: the ledger's writers (risk.policies).
- Opinion items (舆情): whoever may feed them (opinion.policies); exported by whoever may read them.
- SYSTEM (`manage.py import/export`, run by the operator on the server) may do all of it.
"""

from django.utils.translation import gettext as _

from minxin.cases import policies as case_policies
from minxin.core.errors import PermissionDenied
from minxin.org.models import Role
from minxin.org.policies import SYSTEM, bureau_with_role, is_active, may_administer, require_actor
from minxin.opinion import policies as opinion_policies
from minxin.risk import policies as risk_policies

CASE_IMPORT_ROLES = (Role.REVIEWER,)


def may_import(actor, kind: str) -> bool:
    require_actor(actor)
    if actor is SYSTEM:
        return True
    if kind == "cases":
        return bureau_with_role(actor, *CASE_IMPORT_ROLES)
    if kind in ("areas", "units", "staff"):
        return may_administer(actor)
    if kind == "ledger":
        return is_active(actor) and actor.has_role(*risk_policies.LEDGER_WRITE_ROLES)
    if kind == "opinion":
        return opinion_policies.may_intake(actor)
    return False


def check_import(actor, kind: str) -> None:
    if not may_import(actor, kind):
        raise PermissionDenied({
            "cases": _("只有信访部门的领导可以导入历史信访事项"),
            "ledger": _("您没有导入排查台账的权限"),
            "opinion": _("只有信访部门的登记员、分析员、督办员或领导可以导入舆情信息"),
        }.get(kind, _("只有系统管理员可以导入区域、单位和工作人员")))


def may_export(actor, kind: str) -> bool:
    require_actor(actor)
    if actor is SYSTEM:
        return True
    if kind in ("cases", "ledger", "upward"):
        return is_active(actor)
    if kind == "opinion":
        return opinion_policies.may_read(actor)
    return may_administer(actor)


def check_export(actor, kind: str) -> None:
    if not may_export(actor, kind):
        raise PermissionDenied(_("您没有导出该数据的权限"))


def may_export_full(actor) -> bool:
    """A full export of petitioners' identities: the bureaus' registrars and leaders, or SYSTEM."""
    require_actor(actor)
    return actor is SYSTEM or bureau_with_role(actor, *case_policies.IDENTITY_ROLES)


def check_export_full(actor) -> None:
    if not may_export_full(actor):
        raise PermissionDenied(_("只有信访部门的登记员或领导可以导出完整的信访人身份信息"))


def shows_identity(actor, case, *, full: bool) -> bool:
    """Whether this case's petitioners go out in clear: only in a full export, only where allowed."""
    if not full:
        return False
    return actor is SYSTEM or case_policies.may_see_identity(actor, case)


def in_scope(actor, area) -> bool:
    """Imported cases and ledger lines must lie in the importer's area (属地管理)."""
    return actor is SYSTEM or area.path.startswith(actor.unit.area.path)
