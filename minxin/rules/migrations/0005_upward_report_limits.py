"""Limits of urgent upward reports (重大紧急信访信息, minxin.upward), and the 小时 unit they count in.

The 信访工作条例 (第二十五条) says only "及时"; these rows are local defaults (is_statutory=False)
that a city or province replaces with its own rows, like every other limit.
"""

import datetime as dt

from django.db import migrations, models

IN_FORCE = dt.date(2022, 5, 1)

# code, name, legal basis, trigger, action, amount, unit, note
RULES = [
    ("upward_first_report", "重大紧急信息首报", "《信访工作条例》第二十五条", "信访事项被认定为重大、紧急",
     "向本级党委和政府、上一级信访部门报送首报", 2, "hour",
     "条例要求“及时报告”，未规定时限；默认认定后2小时内书面首报，可由本地调整。"),
    ("upward_follow_up", "重大紧急信息续报", "《信访工作条例》第二十五条", "上一次报告报出且事态尚未平息",
     "报送事态发展和处置情况（续报），直至终报", 24, "hour",
     "条例未规定续报时限；默认每24小时续报一次，可由本地调整。"),
    ("upward_instruction_feedback", "落实领导批示反馈", "《信访工作条例》第二十五条、第四十条", "收到上级领导或机关的批示",
     "落实批示并反馈办理情况", 5, "workday",
     "条例未规定期限；批示本身写明时限的以批示为准，否则默认5个工作日，可由本地调整。"),
]


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("rules", "DeadlineRule")
    for code, name, basis, trigger, action, amount, unit, note in RULES:
        DeadlineRule.objects.get_or_create(
            code=code, province_code="", area=None, effective_from=IN_FORCE,
            defaults={"name": name, "legal_basis": basis, "trigger": trigger, "action": action, "amount": amount,
                      "unit": unit, "is_statutory": False, "extendable": False, "note": note, "is_active": True},
        )


def unseed(apps, schema_editor):
    DeadlineRule = apps.get_model("rules", "DeadlineRule")
    DeadlineRule.objects.filter(code__in=[r[0] for r in RULES], province_code="", area=None, effective_from=IN_FORCE).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("rules", "0004_case_deadline_provisional"),
    ]

    operations = [
        migrations.AlterField(
            model_name="casedeadline",
            name="unit",
            field=models.CharField(choices=[("day", "自然日"), ("workday", "工作日"), ("hour", "小时")], max_length=10, verbose_name="单位"),
        ),
        migrations.AlterField(
            model_name="deadlinerule",
            name="unit",
            field=models.CharField(choices=[("day", "自然日"), ("workday", "工作日"), ("hour", "小时")], default="day", max_length=10, verbose_name="单位"),
        ),
        migrations.RunPython(seed, unseed),
    ]
