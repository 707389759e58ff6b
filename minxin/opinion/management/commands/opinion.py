from django.core.management.base import BaseCommand

from minxin.core import clock
from minxin.opinion.models import OpinionItem
from minxin.opinion.services import rematch
from minxin.opinion.warning import run_opinion_warnings


class Command(BaseCommand):
    help = ("舆情：manage.py opinion rematch [--all] 重新比对（默认只比对尚未比对成功的）；"
            "manage.py opinion warn [--on YYYY-MM-DD] 按周判断各区县各领域舆情量是否异常并生成预警。"
            "导入 Excel 用 manage.py import opinion FILE.xlsx。")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rematch", "warn"])
        parser.add_argument("--all", action="store_true", help="rematch：重新比对全部舆情信息")
        parser.add_argument("--on", default=None, help="warn：以该日期为“今天”（默认今天）")

    def handle(self, *args, action, all=False, on=None, **opts):
        if action == "rematch":
            qs = OpinionItem.objects.select_related("area", "unit__area", "received_by").order_by("pk")
            if not all:
                qs = qs.filter(matched_at__isnull=True)
            n = rematch(list(qs))
            self.stdout.write(self.style.SUCCESS(f"已比对 {n} 条舆情信息"))
            return
        import datetime as dt

        day = dt.date.fromisoformat(on) if on else clock.today()
        s = run_opinion_warnings(on=day)
        self.stdout.write(self.style.SUCCESS(f"舆情预警：序列 {s.series}，判断 {s.judged}，异常 {s.alarms}，新生成预警 {s.created}"))
