"""manage.py intake reindex|accuracy|export-training — duplicate index and registrar feedback."""

from __future__ import annotations

import csv
import sys
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minxin.intake.duplicates.index import TEXT_FIELDS, matter_text, reindex
from minxin.intake.models import SuggestionFeedback
from minxin.intake.suggest import accuracy


class Command(BaseCommand):
    help = "重复件检测索引的重建，以及登记建议的采纳率统计和训练数据导出"

    def add_arguments(self, parser: CommandParser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{reindex,accuracy,export-training}")
        p = sub.add_parser("reindex", help="为全部信访事项建立或更新文本签名（分批、可中断、可重复执行）")
        p.add_argument("--batch-size", type=int, default=1000)
        p.add_argument("--full", action="store_true", help="不论是否已是最新，全部重建，并重新统计地点、单位和数字的出现次数")
        p = sub.add_parser("accuracy", help="登记员采纳系统建议的比例（按建议类型和模型版本）")
        p.add_argument("--kind", default=None, help="只看一种建议，如 category")
        p = sub.add_parser("export-training", help="把登记员确认的标签导出为训练用 CSV（text,label）")
        p.add_argument("--label", required=True, help="建议类型，如 category、domain")
        p.add_argument("--output", required=True, help="输出 CSV 文件；- 为标准输出")

    def handle(self, *args, action, **opts):
        if action == "reindex":
            return self._reindex(opts)
        if action == "accuracy":
            return self._accuracy(opts)
        return self._export(opts)

    def _reindex(self, opts):
        if opts["batch_size"] < 1:
            raise CommandError("--batch-size 至少为 1")
        started = time.perf_counter()

        def progress(seen, rebuilt):
            self.stderr.write(f"\r已检查 {seen} 件，重建 {rebuilt} 件", ending="")
            self.stderr.flush()

        result = reindex(batch_size=opts["batch_size"], full=opts["full"], progress=progress)
        self.stderr.write("")
        self.stdout.write(f"完成：共 {result['cases']} 件，重建 {result['rebuilt']} 件，用时 {time.perf_counter() - started:.1f} 秒")

    def _accuracy(self, opts):
        rows = accuracy(opts["kind"])
        if not rows:
            self.stdout.write("还没有登记员采纳记录")
            return
        self.stdout.write(f"{'类型':<12}{'模型':<14}{'版本':>6}{'条数':>8}{'采纳':>8}{'采纳率':>9}")
        for r in rows:
            version = "" if r["model_version"] is None else str(r["model_version"])
            self.stdout.write(f"{r['kind']:<12}{r['model_name'] or '-':<14}{version:>6}{r['n']:>8}{r['kept']:>8}{r['accuracy']:>9.2%}")

    def _export(self, opts):
        rows = SuggestionFeedback.objects.filter(kind=opts["label"]).exclude(chosen="").select_related("case").order_by("case_id")
        out = sys.stdout if opts["output"] == "-" else open(opts["output"], "w", encoding="utf-8-sig", newline="")
        n = 0
        try:
            writer = csv.writer(out)
            writer.writerow(["text", "label"])
            for fb in rows.iterator(chunk_size=1000):
                writer.writerow([matter_text({f: getattr(fb.case, f) for f in TEXT_FIELDS}), fb.chosen])
                n += 1
        finally:
            if out is not sys.stdout:
                out.close()
        self.stderr.write(f"已导出 {n} 条（{opts['label']}）")
