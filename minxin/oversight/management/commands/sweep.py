import time

from django.core.management.base import BaseCommand, CommandError

from minxin.oversight.sweeps import SWEEPS, run_sweep, schedule_due


class Command(BaseCommand):
    help = "定时任务调度：按周期将巡检任务（提醒、超期督办建议、评价期限、汇总等）加入后台任务队列；可多实例同时运行"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="只调度当前周期一次后退出（供 cron/systemd timer 调用）")
        parser.add_argument("--inline", action="store_true", help="在本进程内直接执行，不经任务队列")
        parser.add_argument("--run", metavar="NAME", help="立即执行指定巡检一次（不受周期限制）：" + "、".join(SWEEPS))
        parser.add_argument("--tick", type=float, default=30.0, help="调度循环的检查间隔（秒）")

    def handle(self, *args, once, inline, run, tick, **options):
        if run:
            if run not in SWEEPS:
                raise CommandError(f"未知的巡检：{run}（可选：{'、'.join(SWEEPS)}）")
            items = run_sweep(run)
            self.stdout.write(f"{SWEEPS[run].label}：处理 {items} 项")
            return
        while True:
            for name, period in schedule_due(enqueue=not inline):
                self.stdout.write(f"{'已执行' if inline else '已加入队列'}：{SWEEPS[name].label}（{period}）")
            if once:
                return
            time.sleep(tick)
