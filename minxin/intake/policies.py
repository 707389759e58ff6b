"""Who may use the registration aids (登记辅助): stated once, called by the registration page's
suggestions, the intake API, the feedback recorder and the classifier commands.

- Suggestions (classification, routing, 诉访分离, duplicates, risk signals) serve the
  registration form, so they follow the one "may register" rule (`cases.policies`): a
  信访部门's registrars and leaders. Duplicates and routing history come only from the cases
  the caller may see; routing never proposes the accused unit (第四十六条).
- Recording which suggestion the registrar kept: the same people, on a case they may see.
- Training and activating classifier models: 系统管理员 or 分析员, or the operator's command
  acting as `org.policies.SYSTEM`; None is refused.
"""

from django.utils.translation import gettext as _

from minxin.cases.policies import check_register, may_register, visible_cases
from minxin.core.errors import NotFound, PermissionDenied
from minxin.org.models import Role
from minxin.org.policies import is_active, is_system, require_actor

SUGGEST_REFUSED = _("只有信访部门的登记员或领导可以查看登记辅助建议")
MODEL_ROLES = (Role.ADMIN, Role.ANALYST)


def may_suggest(staff) -> bool:
    return may_register(staff)


def check_suggest(staff) -> None:
    require_actor(staff)
    check_register(staff, SUGGEST_REFUSED)


def case_for_feedback(staff, case_id: int):
    """The case whose suggestions `staff` records the outcome of: may register, and may see it."""
    check_suggest(staff)
    case = visible_cases(staff).filter(pk=case_id).first()
    if case is None:
        raise NotFound(_("未找到该信访事项，或您无权查看"))
    return case


def may_manage_models(actor) -> bool:
    require_actor(actor)
    return is_system(actor) or (is_active(actor) and actor.has_role(*MODEL_ROLES))


def check_manage_models(actor) -> None:
    if not may_manage_models(actor):
        raise PermissionDenied(_("只有系统管理员或分析员可以训练或启用分类模型"))
