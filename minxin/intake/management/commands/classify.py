"""manage.py classify train|eval|predict|list|activate — text classifiers on the bureau's own data."""

from __future__ import annotations

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from minxin.core.errors import DomainError
from minxin.intake.classify import service
from minxin.intake.classify.metrics import format_report
from minxin.intake.classify.tables import read_table


class Command(BaseCommand):
    help = "训练、评估、启用文本分类模型，并对文件中的留言批量分类"

    def add_arguments(self, parser: CommandParser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{train,eval,predict,list,activate}")

        p = sub.add_parser("train", help="用带标签的 CSV/Excel 训练新版本")
        p.add_argument("--input", required=True, help=".csv 或 .xlsx 文件")
        p.add_argument("--text-col", required=True, help="文本所在列名")
        p.add_argument("--label-col", required=True, help="标签所在列名")
        p.add_argument("--name", required=True, help="模型名称，如 category、domain")
        how = p.add_mutually_exclusive_group()
        how.add_argument("--eval-split", type=float, default=0.2, help="留出评估的比例（默认 0.2）")
        how.add_argument("--cv", type=int, default=None, help="改用 k 折交叉验证评估")
        p.add_argument("--seed", type=int, default=0)
        on = p.add_mutually_exclusive_group()
        on.add_argument("--activate", dest="activate", action="store_true", default=None, help="训练后立即启用")
        on.add_argument("--no-activate", dest="activate", action="store_false", help="训练后不启用（首个版本默认启用）")
        p.add_argument("--by", default=None, help="训练人的用户名（记入模型登记）")
        p.add_argument("--quiet-progress", action="store_true", help="不显示训练进度")

        p = sub.add_parser("eval", help="在带标签的文件上评估某个版本")
        p.add_argument("--name", required=True)
        p.add_argument("--version", type=int, default=None, help="默认评估启用的版本")
        p.add_argument("--input", required=True)
        p.add_argument("--text-col", required=True)
        p.add_argument("--label-col", required=True)
        p.add_argument("--json", action="store_true", help="以 JSON 输出全部指标")

        p = sub.add_parser("predict", help="对文件中的每行文本给出标签与置信度")
        p.add_argument("--name", required=True)
        p.add_argument("--version", type=int, default=None)
        p.add_argument("--input", required=True)
        p.add_argument("--text-col", required=True)
        p.add_argument("--output", required=True, help="输出 CSV 文件")
        p.add_argument("--top", type=int, default=3, help="输出前几个候选（默认 3）")
        p.add_argument("--no-reasons", action="store_true", help="不输出依据词（更快）")

        p = sub.add_parser("list", help="列出模型及其版本")
        p.add_argument("--name", default=None)

        p = sub.add_parser("activate", help="启用某个版本（同名的其他版本随之停用）")
        p.add_argument("--name", required=True)
        p.add_argument("--version", type=int, required=True)
        p.add_argument("--by", default=None)

    def handle(self, *args, action, **opts):
        try:
            getattr(self, f"do_{action}")(**opts)
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    # -- helpers --------------------------------------------------------------------------

    def _actor(self, username):
        if not username:
            from minxin.org.policies import SYSTEM

            return SYSTEM  # the operator's command, explicitly
        from minxin.org.models import Staff

        staff = Staff.objects.filter(user__username=username).first()
        if staff is None:
            raise CommandError(f"找不到用户名为 {username} 的工作人员")
        return staff

    def _progress(self, quiet):
        if quiet:
            return None
        err = self.stderr

        def say(message):
            err.write(f"… {message}")
            err.flush()

        return say

    # -- actions --------------------------------------------------------------------------

    def do_train(self, *, input, text_col, label_col, name, eval_split, cv, seed, activate, by, quiet_progress, **_):
        actor = self._actor(by)
        table = read_table(input, text_col=text_col, label_col=label_col)
        self.stdout.write(f"读取 {table.source}：{len(table.rows)} 行" + (f"（跳过文本或标签为空的 {table.skipped} 行）" if table.skipped else ""))
        row = service.train(
            name=name,
            texts=[r[text_col] for r in table.rows],
            labels=[r[label_col] for r in table.rows],
            eval_split=None if cv else eval_split,
            cv=cv,
            seed=seed,
            actor=actor,
            source=table.source,
            activate=activate,
            progress=self._progress(quiet_progress),
        )
        m = row.metrics
        self.stdout.write(f"评估方式：{m['method']}")
        self.stdout.write(format_report(m))
        self.stdout.write(
            f"已保存 {row.name} v{row.version}（{len(row.labels)} 个类别，{row.size / 1e6:.1f} MB，训练用时 {m['train_seconds']} 秒）"
            + ("，已启用" if row.is_active else "，未启用：确认指标后用 classify activate 启用")
        )

    def do_eval(self, *, name, version, input, text_col, label_col, json: bool, **_):
        table = read_table(input, text_col=text_col, label_col=label_col)
        row = service.get_version(name, version)
        metrics = service.evaluate(name, [r[text_col] for r in table.rows], [r[label_col] for r in table.rows], version=row.version)
        if json:
            import json as _json

            self.stdout.write(_json.dumps(metrics, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"模型 {row.name} v{row.version}，评估文件 {table.source}（{len(table.rows)} 行）")
        unknown = sorted(set(metrics["per_class"]) - set(row.labels))
        if unknown:
            self.stdout.write(f"注意：评估数据中有模型不认识的标签：{'、'.join(unknown)}")
        self.stdout.write(format_report(metrics))

    def do_predict(self, *, name, version, input, text_col, output, top, no_reasons, **_):
        table = read_table(input, text_col=text_col)
        out = Path(output)
        if out.suffix.lower() != ".csv":
            raise CommandError(f"输出文件必须是 .csv：{out}")
        row = service.get_version(name, version)
        predictions = service.predict(name, [r[text_col] for r in table.rows], k=top, explain=not no_reasons, version=row.version)
        out.parent.mkdir(parents=True, exist_ok=True)
        extra = ["预测标签", "置信度", f"前{top}候选", "依据词"]
        with out.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(table.columns + extra)
            for r, p in zip(table.rows, predictions):
                candidates = "；".join(f"{label}:{prob:.3f}" for label, prob in p.top_k)
                writer.writerow([r.get(c, "") for c in table.columns] + [p.label, f"{p.confidence:.4f}", candidates, "、".join(p.top_terms)])
        self.stdout.write(f"已用 {row.name} v{row.version} 对 {len(predictions)} 行分类，结果写入 {out}")

    def do_list(self, *, name, **_):
        rows = list(service.list_versions(name))
        if not rows:
            self.stdout.write("还没有训练过分类模型" if not name else f"没有名为 {name} 的分类模型")
            return
        self.stdout.write(f"{'名称':<12} {'版本':>4}  {'启用':<2}  {'macro-F1':>8}  {'类别数':>4}  {'训练时间':<19}  训练人")
        for r in rows:
            f1 = r.metrics.get("macro_f1")
            who = r.created_by.display_name if r.created_by else "-"
            self.stdout.write(
                f"{r.name:<12} {r.version:>4}  {'是' if r.is_active else '  ':<2}  {f1 if f1 is not None else '-':>8}  "
                f"{len(r.labels):>4}  {timezone.localtime(r.created_at):%Y-%m-%d %H:%M:%S}  {who}"
            )

    def do_activate(self, *, name, version, by, **_):
        row = service.activate(name=name, version=version, actor=self._actor(by))
        self.stdout.write(f"已启用 {row.name} v{row.version}（同名其他版本已停用）")
