"""Starting lexicons for 诉访分离 hints and escalation signals; administrators edit them in the admin."""

from django.db import migrations

# (phrase, route, channel, weight) — 第三十一条 routes (一)–(五).
HINTS = [
    ("判决", "litigation", "诉讼", 1.0), ("裁定", "litigation", "诉讼", 1.0), ("判决书", "litigation", "诉讼", 1.0),
    ("法院", "litigation", "诉讼", 1.0), ("起诉", "litigation", "诉讼", 1.0), ("上诉", "litigation", "诉讼", 1.0),
    ("再审", "litigation", "诉讼", 1.0), ("申请执行", "litigation", "诉讼", 1.0), ("强制执行", "litigation", "诉讼", 0.8),
    ("执行局", "litigation", "诉讼", 1.0), ("执行款", "litigation", "诉讼", 1.0), ("执行案件", "litigation", "诉讼", 1.0),
    ("立案庭", "litigation", "诉讼", 1.0), ("开庭", "litigation", "诉讼", 0.8), ("诉讼", "litigation", "诉讼", 1.0),
    ("检察院", "litigation", "检察", 1.0), ("抗诉", "litigation", "检察", 1.0), ("法律监督", "litigation", "检察", 0.8),
    ("报警", "litigation", "公安", 0.8), ("派出所", "litigation", "公安", 0.8), ("公安局", "litigation", "公安", 0.8),
    ("立案侦查", "litigation", "公安", 1.0), ("不予立案", "litigation", "公安", 1.0), ("刑事立案", "litigation", "公安", 1.0),
    ("诈骗", "litigation", "公安", 0.6),
    ("劳动仲裁", "arbitration", "仲裁", 1.0), ("仲裁委", "arbitration", "仲裁", 1.0), ("仲裁委员会", "arbitration", "仲裁", 1.0),
    ("仲裁裁决", "arbitration", "仲裁", 1.0), ("申请仲裁", "arbitration", "仲裁", 1.0), ("仲裁", "arbitration", "仲裁", 0.8),
    ("党员申诉", "party_appeal", "党员申诉", 1.0), ("党纪处分", "party_appeal", "党员申诉", 1.0), ("开除党籍", "party_appeal", "党员申诉", 1.0),
    ("申请复审", "party_appeal", "党员申诉", 1.0), ("留党察看", "party_appeal", "党员申诉", 1.0),
    ("行政复议", "administrative", "行政复议", 1.0), ("复议决定", "administrative", "行政复议", 1.0), ("申请复议", "administrative", "行政复议", 1.0),
    ("处罚决定", "administrative", "行政程序", 1.0), ("行政处罚", "administrative", "行政程序", 1.0), ("罚款决定", "administrative", "行政程序", 0.8),
    ("行政许可", "administrative", "行政程序", 1.0), ("行政裁决", "administrative", "行政程序", 1.0), ("行政确认", "administrative", "行政程序", 1.0),
    ("工伤认定", "administrative", "行政程序", 0.8), ("不动产登记", "administrative", "行政程序", 0.6), ("征收决定", "administrative", "行政程序", 0.8),
    ("申请查处", "perform_duty", "依法履职", 1.0), ("要求查处", "perform_duty", "依法履职", 0.8), ("举报违法", "perform_duty", "依法履职", 0.8),
    ("劳动监察", "perform_duty", "依法履职", 0.8), ("责令改正", "perform_duty", "依法履职", 0.6), ("履行职责", "perform_duty", "依法履职", 0.8),
]

# (phrase, category, weight) — a total of >= 3 reads 高, >= 1.5 中, > 0 低.
ESCALATION = [
    ("跳楼", "self_harm", 3.0), ("跳河", "self_harm", 3.0), ("自杀", "self_harm", 3.0), ("轻生", "self_harm", 3.0),
    ("喝农药", "self_harm", 3.0), ("不想活", "self_harm", 3.0), ("活不下去", "self_harm", 2.0), ("以死相逼", "self_harm", 3.0),
    ("同归于尽", "extreme", 3.0), ("报复社会", "extreme", 3.0), ("炸药", "extreme", 3.0), ("汽油", "extreme", 2.0),
    ("自焚", "extreme", 3.0), ("拼命", "extreme", 1.5), ("讨个说法", "extreme", 0.5), ("后果自负", "extreme", 1.5),
    ("集体上访", "gathering", 2.0), ("聚集", "gathering", 1.5), ("组织大家", "gathering", 1.5), ("一起去", "gathering", 1.0),
    ("拉横幅", "gathering", 2.0), ("静坐", "gathering", 2.0), ("串联", "gathering", 1.5), ("群里约好", "gathering", 2.0),
    ("堵路", "blocking", 2.5), ("堵门", "blocking", 2.0), ("堵住", "blocking", 1.5), ("围堵", "blocking", 2.5),
    ("拦车", "blocking", 2.0), ("封路", "blocking", 2.0), ("围住政府", "blocking", 3.0),
    ("讨薪", "wage_arrears", 1.0), ("拖欠工资", "wage_arrears", 1.0), ("拖欠", "wage_arrears", 1.0), ("欠薪", "wage_arrears", 1.0), ("血汗钱", "wage_arrears", 1.0),
    ("农民工工资", "wage_arrears", 1.0), ("包工头跑路", "wage_arrears", 1.5),
    ("进京", "escalate_visit", 2.0), ("去北京", "escalate_visit", 2.0), ("上北京", "escalate_visit", 2.0), ("赴省", "escalate_visit", 1.5),
    ("到省里", "escalate_visit", 1.0), ("去省里", "escalate_visit", 1.0),
    ("发抖音", "publicity", 1.0), ("曝光", "publicity", 1.0), ("找媒体", "publicity", 1.0), ("上热搜", "publicity", 1.5), ("网上发帖", "publicity", 1.0),
]


def seed(apps, schema_editor):
    HintPhrase = apps.get_model("intake", "HintPhrase")
    EscalationPhrase = apps.get_model("intake", "EscalationPhrase")
    for phrase, route, channel, weight in HINTS:
        HintPhrase.objects.update_or_create(phrase=phrase, defaults={"route": route, "channel": channel, "weight": weight})
    for phrase, category, weight in ESCALATION:
        EscalationPhrase.objects.update_or_create(phrase=phrase, defaults={"category": category, "weight": weight})


class Migration(migrations.Migration):
    dependencies = [("intake", "0002_duplicates_lexicons")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
