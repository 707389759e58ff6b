"""manage.py risk warn [--date YYYY-MM-DD] [--enqueue] | risk score [--since-days N] | risk hotspots [--days N]"""

import datetime as dt
from dataclasses import asdict

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "风险预警：warn 运行统计预警；score 计算事项风险评分；hotspots 列出近期热点"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        warn = sub.add_parser("warn", help="对所有启用的监测序列判断最近一个完整周期（可重复运行）")
        warn.add_argument("--date", help="以该日为“今天”（YYYY-MM-DD），默认今天")
        warn.add_argument("--enqueue", action="store_true", help="交给后台任务队列执行")
        score = sub.add_parser("score", help="计算在办事项风险评分并生成高风险预警")
        score.add_argument("--since-days", type=int, default=365)
        hot = sub.add_parser("hotspots", help="列出近期热点问题")
        hot.add_argument("--days", type=int, default=30)
        hot.add_argument("--top", type=int, default=10)

    def handle(self, *args, action, **opts):
        if action == "warn":
            on = None
            if opts["date"]:
                try:
                    on = dt.date.fromisoformat(opts["date"])
                except ValueError:
                    raise CommandError("--date 应为 YYYY-MM-DD") from None
            if opts["enqueue"]:
                from minxin.risk.tasks import run_warnings_task

                result = run_warnings_task.enqueue(on.isoformat() if on else None)
                self.stdout.write(f"queued {result.id}")
                return
            from minxin.risk.warn import run_warnings

            s = run_warnings(on=on)
            self.stdout.write(" ".join(f"{k}={v}" for k, v in asdict(s).items()))
        elif action == "score":
            from minxin.risk.signals import score_open_cases

            r = score_open_cases(since_days=opts["since_days"])
            self.stdout.write(" ".join(f"{k}={v}" for k, v in r.items()))
        elif action == "hotspots":
            from minxin.org.policies import SYSTEM
            from minxin.risk.hotspots import hotspots_for_cases

            # The command-line operator reads the whole city's topics, as a job would.
            for t in hotspots_for_cases(staff=SYSTEM, days=opts["days"])[: opts["top"]]:
                where = "、".join(f"{name}{count}" for name, count in t.places)
                self.stdout.write(f"{t.heat:6.1f} n={t.size} {t.title} | {'、'.join(t.keywords[:6])}" + (f" | {where}" if where else ""))
