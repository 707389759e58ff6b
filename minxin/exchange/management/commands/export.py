from django.core.management.base import BaseCommand, CommandError

from minxin.core.errors import DomainError
from minxin.exchange.jobs import log_export
from minxin.exchange.kinds import KINDS
from minxin.exchange.management.actors import actor_for


class Command(BaseCommand):
    help = ("导出为导入模板格式的 Excel：manage.py export KIND OUT.xlsx [--full] [--as 账号]；"
            "有 JSON 交换格式的种类（upward）以 .json 结尾的文件名导出为 JSON。"
            "信访人身份默认脱敏；--full 导出完整身份（仅限有权查看的事项），每次导出均有记录。")

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=list(KINDS))
        parser.add_argument("out")
        parser.add_argument("--full", action="store_true", help="导出完整的信访人身份信息（记录在案）")
        parser.add_argument("--as", dest="username", help="以该账号的身份和可见范围导出（默认：系统，全部）")

    def handle(self, kind, out, full=False, username=None, **opts):
        actor = actor_for(username)
        as_json = out.lower().endswith(".json")
        if as_json and KINDS[kind].export_json is None:
            raise CommandError(f"{KINDS[kind].label}没有 JSON 交换格式，请导出为 .xlsx 文件")
        try:
            if as_json:
                rows = KINDS[kind].export_json(actor=actor, full=full, out=out)
            else:
                _data, rows = KINDS[kind].export(actor=actor, full=full, out=out)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        log_export(kind, actor=actor, full=full, rows=rows, file_name=out)
        note = "（完整身份信息，已记录）" if full else ""
        self.stdout.write(self.style.SUCCESS(f"已导出{KINDS[kind].label}{'' if rows < 0 else f' {rows:,} 件'}到 {out}{note}"))
