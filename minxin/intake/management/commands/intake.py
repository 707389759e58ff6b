"""manage.py intake reindex|accuracy|export-training|match|neighbours — duplicate index, same-matter files, registrar feedback."""

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
        sub = parser.add_subparsers(dest="action", required=True, metavar="{reindex,accuracy,export-training,match,neighbours}")
        p = sub.add_parser("reindex", help="为全部信访事项建立或更新文本签名（分批、可中断、可重复执行）")
        p.add_argument("--batch-size", type=int, default=1000)
        p.add_argument("--full", action="store_true", help="不论是否已是最新，全部重建，并重新统计地点、单位和数字的出现次数")
        p = sub.add_parser("accuracy", help="登记员采纳系统建议的比例（按建议类型和模型版本）")
        p.add_argument("--kind", default=None, help="只看一种建议，如 category")
        p = sub.add_parser("export-training", help="把登记员确认的标签导出为训练用 CSV（text,label）")
        p.add_argument("--label", required=True, help="建议类型，如 category、domain")
        p.add_argument("--output", required=True, help="输出 CSV 文件；- 为标准输出")
        p = sub.add_parser("match", help="逐对判断 CSV 中两列文字是否同一事项（是否、得分、理由）")
        p.add_argument("--input", required=True, help="输入 CSV 文件（UTF-8，首行为列名）")
        p.add_argument("--a-col", required=True, help="第一段文字所在的列名")
        p.add_argument("--b-col", required=True, help="第二段文字所在的列名")
        p.add_argument("--output", required=True, help="输出 CSV 文件；- 为标准输出")
        p.add_argument("--rarity", choices=("file", "cases"), default="file",
                       help="地点、单位名称的罕见程度按本文件的文字统计（file，默认）或按本系统已登记的信访事项统计（cases）")
        p = sub.add_parser("neighbours", help="为 CSV 中每一行找出最相似的其他行（得分与判断）")
        p.add_argument("--input", required=True, help="输入 CSV 文件（UTF-8，首行为列名）")
        p.add_argument("--id-col", required=True, help="编号所在的列名")
        p.add_argument("--text-col", required=True, help="文字所在的列名")
        p.add_argument("--top", type=int, default=5, help="每行列出的最相似行数（默认 5）")
        p.add_argument("--output", required=True, help="输出 CSV 文件；- 为标准输出")
        p.add_argument("--rarity", choices=("file", "cases"), default="file",
                       help="地点、单位名称的罕见程度按本文件统计（file，默认）或按本系统已登记的信访事项统计（cases）")

    def handle(self, *args, action, **opts):
        if action == "match":
            return self._match(opts)
        if action == "neighbours":
            return self._neighbours(opts)
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

    # -- same-matter files -----------------------------------------------------------------------------------

    def _read(self, path: str, columns: list[str]) -> list[dict]:
        try:
            with open(path, encoding="utf-8-sig", newline="") as fh:
                reader = csv.DictReader(fh)
                header = reader.fieldnames or []
                missing = [c for c in columns if c not in header]
                if missing:
                    raise CommandError(
                        f"输入文件缺少列：{'、'.join(missing)}（文件中的列：{'、'.join(header) if header else '无，文件为空'}）"
                    )
                rows = list(reader)
        except FileNotFoundError:
            raise CommandError(f"找不到输入文件：{path}") from None
        except IsADirectoryError:
            raise CommandError(f"输入路径是一个目录，不是文件：{path}") from None
        except UnicodeDecodeError:
            raise CommandError(f"输入文件不是 UTF-8 编码：{path}（请另存为 UTF-8 的 CSV）") from None
        if not rows:
            raise CommandError(f"输入文件没有数据行：{path}")
        return rows

    def _write(self, path: str, header: list[str], rows: list[list]) -> None:
        try:
            out = sys.stdout if path == "-" else open(path, "w", encoding="utf-8-sig", newline="")
        except OSError as exc:
            raise CommandError(f"无法写入输出文件：{path}（{exc.strerror}）") from None
        try:
            writer = csv.writer(out)
            writer.writerow(header)
            writer.writerows(rows)
        finally:
            if out is not sys.stdout:
                out.close()

    def _match(self, opts):
        from minxin.intake.duplicates.files import match_pairs

        a_col, b_col = opts["a_col"], opts["b_col"]
        rows = self._read(opts["input"], [a_col, b_col])
        results = match_pairs(((r[a_col] or "", r[b_col] or "") for r in rows), source=opts["rarity"])
        header = list(rows[0].keys())
        extra = ["same", "score", "decision", "reasons"]
        self._write(opts["output"], header + [c for c in extra if c not in header],
                    [[r[h] for h in header] + [res[c] for c in extra if c not in header] for r, res in zip(rows, results)])
        same = sum(res["same"] == "是" for res in results)
        self.stderr.write(f"已判断 {len(results)} 对：可能同一事项 {same} 对")

    def _neighbours(self, opts):
        from minxin.intake.duplicates.files import neighbours, reasons_text

        if opts["top"] < 1:
            raise CommandError("--top 至少为 1")
        id_col, text_col = opts["id_col"], opts["text_col"]
        rows = self._read(opts["input"], [id_col, text_col])
        ids = [r[id_col] for r in rows]
        from collections import Counter

        dup = sorted(i for i, n in Counter(ids).items() if n > 1)
        if dup:
            raise CommandError(f"编号列 {id_col} 有重复的编号：{'、'.join(dup[:10])}")
        found = neighbours([r[text_col] or "" for r in rows], top=opts["top"], source=opts["rarity"])
        out = []
        for i, items in enumerate(found):
            for rank, (j, m, decision) in enumerate(items, 1):
                out.append([ids[i], rank, ids[j], m.score, decision, reasons_text(m, rows[i][text_col], rows[j][text_col])])
        self._write(opts["output"], ["id", "rank", "neighbour_id", "score", "decision", "reasons"], out)
        self.stderr.write(f"已处理 {len(rows)} 行，列出 {len(out)} 个近邻")
