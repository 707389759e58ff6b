import time

from django.core.management.base import BaseCommand, CommandError

from minxin.core.errors import DomainError
from minxin.exchange.kinds import KINDS
from minxin.exchange.sheets import ImportFailed
from minxin.exchange.management.actors import actor_for


class Command(BaseCommand):
    help = ("从 Excel 导入：manage.py import KIND FILE.xlsx [--dry-run]；manage.py import template KIND OUT.xlsx 生成导入模板。"
            "KIND：" + "、".join(f"{k}（{v.label}）" for k, v in KINDS.items()) + "。全部正确才导入，有任何错误时不写入任何数据。")

    def add_arguments(self, parser):
        parser.add_argument("kind", help="数据类型，或 template")
        parser.add_argument("files", nargs="+", help="FILE.xlsx；template 时为 KIND OUT.xlsx")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument("--as", dest="username", help="以该账号的身份和权限导入（默认：系统）")
        parser.add_argument("--max-rows", type=int, default=None,
                            help="每张表最多读取的行数（默认取 MINXIN_XLSX_MAX_ROWS）；命令行导入大文件时可放宽")

    def handle(self, *_args, kind, files, dry_run=False, username=None, max_rows=None, **opts):
        args = files
        if kind == "template":
            if len(args) != 2 or args[0] not in KINDS:
                raise CommandError("用法：manage.py import template KIND OUT.xlsx；KIND 为 " + "、".join(KINDS))
            with open(args[1], "wb") as fh:
                fh.write(KINDS[args[0]].template())
            self.stdout.write(self.style.SUCCESS(f"已生成{KINDS[args[0]].label}导入模板：{args[1]}"))
            return
        if kind not in KINDS:
            raise CommandError("未知的数据类型“%s”，应为：%s" % (kind, "、".join(KINDS)))
        if len(args) != 1:
            raise CommandError("用法：manage.py import KIND FILE.xlsx [--dry-run]")
        actor = actor_for(username)
        verbosity = opts.get("verbosity", 1)

        def progress(phase, rows):
            if verbosity > 1:
                self.stdout.write(f"  {phase}: {rows:,}")

        started = time.perf_counter()
        kwargs = {"actor": actor, "dry_run": dry_run, "name": args[0]}
        if max_rows:
            kwargs["max_rows"] = max_rows
        if kind == "cases":
            kwargs["progress"] = progress
        try:
            n = KINDS[kind].import_(args[0], **kwargs)
        except ImportFailed as exc:
            for e in exc.errors:
                self.stderr.write(str(e))
            raise CommandError(f"共{len(exc.errors)}处错误，未导入任何数据。") from None
        except DomainError as exc:
            raise CommandError(exc.message) from None
        seconds = time.perf_counter() - started
        what = "检查通过，未写入" if dry_run else "已导入"
        self.stdout.write(self.style.SUCCESS(f"{what}：{KINDS[kind].label} {n:,} 条，用时 {seconds:.1f} 秒"))
