"""National default deadline rules of the 信访工作条例 (in force 2022-05-01).

Frozen here as data: later changes are new rows (new effective date or a
province/city scope) entered by an administrator, never edits of this file.
Rows with is_statutory=False carry a local default for a limit the regulation
leaves without a number; see the note on each.
"""

import datetime as dt

from django.db import migrations

IN_FORCE = dt.date(2022, 5, 1)

# code, name, legal basis, trigger, action, amount, unit, statutory, extendable, note
RULES = [
    ("register_route_15d", "登记并转送交办", "《信访工作条例》第二十二条第一款", "信访部门收到信访事项", "登记，并转送、交办有权处理的机关、单位", 15, "day", True, False, ""),
    ("accept_notice_15d", "书面告知接收情况", "《信访工作条例》第二十三条第二款、第三款", "收到信访事项（直接收到或收到转送、交办）", "书面告知信访人接收情况以及处理途径和程序", 15, "day", True, False, "姓名（名称）、住址不清的除外；涉诉、检举控告事项可按其规定关闭本规则。"),
    ("objection_5wd", "对转送交办提出异议", "《信访工作条例》第二十三条第三款", "收到转送、交办的信访事项", "不属于本机关、单位职权范围的，提出异议并详细说明理由", 5, "workday", True, False, ""),
    ("objection_verify", "核实异议", "《信访工作条例》第二十三条第三款", "收到责任单位的异议", "转送、交办的信访部门或上级机关核实并作出同意与否的决定", 5, "workday", False, False, "条例未规定核实期限，默认5个工作日，可由本地调整。"),
    ("assigned_report", "交办事项办结报告", "《信访工作条例》第二十二条第一款第（三）项", "信访事项交办", "在指定办理期限内反馈结果并提交办结报告", None, "day", False, False, "期限由交办机关在交办时逐件指定。"),
    ("handle_60d", "办理期限", "《信访工作条例》第三十四条", "受理信访事项（依法分类处理第（六）项）", "办结并出具信访处理意见书", 60, "day", True, True, "情况复杂的，经本机关、单位负责人批准可适当延长，延长期限不得超过30日，并告知信访人延期理由。"),
    ("extension_max_30d", "延长办理期限上限", "《信访工作条例》第三十四条", "批准延期", "延长期限不得超过该天数（含本数）", 30, "day", True, False, "这是延期上限，不是计时规则。"),
    ("review_request_30d", "请求复查", "《信访工作条例》第三十五条", "信访人收到书面答复", "信访人向原办理机关、单位的上一级机关、单位请求复查", 30, "day", True, False, ""),
    ("review_decide_30d", "出具复查意见", "《信访工作条例》第三十五条", "收到复查请求", "提出复查意见并予以书面答复", 30, "day", True, False, ""),
    ("recheck_request_30d", "请求复核", "《信访工作条例》第三十六条第一款", "信访人收到复查书面答复", "信访人向复查机关、单位的上一级机关、单位请求复核", 30, "day", True, False, ""),
    ("recheck_decide_30d", "出具复核意见", "《信访工作条例》第三十六条第一款、第二款", "收到复核请求", "提出复核意见", 30, "day", True, False, "举行听证的，听证所需时间不计算在内（暂停计时）。"),
    ("entry_deadline", "录入信访信息系统", "《信访工作条例》第二十一条", "收到信访事项", "将信访事项录入信访信息系统", 1, "workday", False, False, "条例要求“及时”录入，未规定期限，默认1个工作日，可由本地调整。"),
    ("rating_window", "信访人评价", "《信访工作条例》第二十一条", "办理结果（书面答复）送达信访人", "信访人对办理情况进行评价", 30, "day", False, False, "条例未规定评价期限。默认30日，与请求复查期限一致，使信访人在决定是否请求复查的同一期间内均可评价；可由本地调整。"),
    ("suggestion_reply", "建议意见回复", "《信访工作条例》第二十九条", "受理建议意见类事项", "研究论证并回复信访人", 60, "day", False, False, "条例未规定期限，默认参照第三十四条60日，可由本地调整。"),
    ("supervision_reply", "督办反馈", "《信访工作条例》第四十条第一款", "信访部门发出督办", "被督办单位反馈整改和办理情况", 10, "workday", False, False, "条例要求“及时督办”，未规定反馈期限，默认10个工作日，可由本地调整。"),
    ("proposal_feedback", "建议采纳情况反馈", "《信访工作条例》第四十条第四款", "收到改进工作、完善政策或追究责任的建议", "书面反馈建议采纳情况", 30, "day", False, False, "条例未规定期限，默认参照2005年《信访条例》第三十六条30日，可由本地调整。"),
    ("dispute_escalation", "管辖争议协商", "《信访工作条例》第二十四条", "两个以上机关、单位对受理发生争议", "协商不成的，提请共同的上一级机关、单位决定", 5, "workday", False, False, "条例未规定期限，默认5个工作日，可由本地调整。"),
]


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("rules", "DeadlineRule")
    for code, name, basis, trigger, action, amount, unit, statutory, extendable, note in RULES:
        DeadlineRule.objects.get_or_create(
            code=code,
            province_code="",
            area=None,
            effective_from=IN_FORCE,
            defaults={
                "name": name, "legal_basis": basis, "trigger": trigger, "action": action, "amount": amount,
                "unit": unit, "is_statutory": statutory, "extendable": extendable, "note": note, "is_active": True,
            },
        )


def unseed(apps, schema_editor):
    DeadlineRule = apps.get_model("rules", "DeadlineRule")
    DeadlineRule.objects.filter(code__in=[r[0] for r in RULES], province_code="", area=None, effective_from=IN_FORCE).delete()


class Migration(migrations.Migration):
    dependencies = [("rules", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
