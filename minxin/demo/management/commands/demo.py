import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from minxin.demo.build import DEFAULT_BATCH, build_demo
from minxin.core import clock
from minxin.demo.city import CITY_NAME, FULL_CITY, SMALL_CITY, demo_city_exists
from minxin.demo.provisional_calendar import ensure_demo_calendar
from minxin.intake.duplicates.index import reindex


class Command(BaseCommand):
    help = "创建虚构的演示城市“青禾市”（区域、单位、演示账号）及一年的演示信访件。仅用于演示和测试。"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="随机种子：相同种子和截止日期生成相同数据（默认 1）")
        parser.add_argument("--cases", type=int, default=3000, help="生成的信访件数量（默认 3000）")
        parser.add_argument("--if-empty", action="store_true", help="演示城市已存在时什么也不做（供 make run 使用）")
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH, help=f"每批写入的信访件数（默认 {DEFAULT_BATCH}）")
        parser.add_argument("--end-date", type=dt.date.fromisoformat, default=None, help="历史截止日期 YYYY-MM-DD（默认今天）")
        parser.add_argument("--small", action="store_true", help="只建小规模城市（测试用）")
        parser.add_argument("--cases-only", action="store_true",
                            help="只写入历史信访件，不回放这一年的例行工作（汇总、督办、预警、台账、分类模型；压测用）")
        parser.add_argument("--no-index", action="store_true", help="不建立重复件检测索引（之后可运行 manage.py intake reindex）")

    def handle(self, *args, seed, cases, if_empty, batch_size, end_date, small, no_index=False, cases_only=False, **opts):
        if demo_city_exists():
            if if_empty:
                self.stdout.write(f"演示城市“{CITY_NAME}”已存在，跳过。")
                return
            raise CommandError(f"演示城市“{CITY_NAME}”已存在。请使用新的数据库，或加 --if-empty 跳过。")
        if cases < 0 or batch_size < 1:
            raise CommandError("--cases 不能为负数，--batch-size 至少为 1")
        verbosity = opts.get("verbosity", 1)
        step = max(batch_size, cases // 20)
        last = [0]

        def progress(done, total):
            if verbosity and (done - last[0] >= step or done == total):
                last[0] = done
                self.stdout.write(f"  已写入 {done:,}/{total:,} 件")

        # Before any case: the loader computes each case's clocks, and one running into next
        # year needs that year's calendar.
        for year in ensure_demo_calendar(end_date or clock.today()):
            self.stdout.write(
                self.style.WARNING(
                    f"注意：{year}年节假日安排尚未录入，落入该年的期限暂按法定节假日（不含调休）推算并标注“暂定”，"
                    "管理员录入国务院公布的安排后系统自动重算。"
                )
            )
        self.stdout.write(f"正在创建演示城市“{CITY_NAME}”（种子 {seed}）…")
        labels = {"sweeps": "超期检测、督办与复查/复核期满（每周）", "ratings": "评价期限与评价", "rollups": "每日汇总",
                  "warnings": "统计预警（每周）", "case_risk": "信访事项风险评分", "ledger": "矛盾纠纷台账与滚动排查",
                  "plan": "应急预案与演练", "classifiers": "训练并启用分类模型"}

        def say(step):
            if verbosity:
                self.stdout.write(f"  回放这一年：{labels.get(step, step)}…")

        result = build_demo(
            seed=seed, cases=cases, end_date=end_date, batch_size=batch_size, size=SMALL_CITY if small else FULL_CITY, progress=progress,
            work_year=not cases_only, say=say,
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"完成：城市 {result.seconds_city:.1f} 秒；信访件 {result.cases:,} 件，用时 {result.seconds_cases:.1f} 秒"
                f"（{result.cases_per_second:,.0f} 件/秒）。运行 manage.py demo_logins 查看演示账号。"
            )
        )
        if result.year is not None:
            y = result.year
            self.stdout.write(
                f"这一年的例行工作：用时 {sum(y.seconds.values()):.1f} 秒（"
                + "，".join(f"{labels.get(k, k)} {v:.1f}" for k, v in y.seconds.items()) + "）\n  "
                + "，".join(f"{k}={v:,}" for k, v in sorted(y.counts.items()))
            )
        if not no_index:
            # Cases are written in bulk, past the registration service that indexes them one by one.
            started = time.perf_counter()
            indexed = reindex(batch_size=2000)
            self.stdout.write(f"重复件检测索引：{indexed['rebuilt']:,} 件，用时 {time.perf_counter() - started:.1f} 秒")
        if not cases_only:
            # After the index: the feed's posts are matched against the cases, the ledger and the hotspots.
            from minxin.demo.opinion_feed import build_opinion_feed

            feed = build_opinion_feed(seed=seed, end_date=end_date)
            self.stdout.write(f"舆情信息：{feed.items} 条（{feed.matched_cases} 条与信访事项相关），舆情预警 {feed.alerts} 条")
