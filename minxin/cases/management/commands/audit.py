from django.core.management.base import BaseCommand, CommandError

from minxin.cases.audit import verify_all
from minxin.cases.models import Case


class Command(BaseCommand):
    help = "信访件办理记录审计：verify 校验哈希链，发现被修改、删除或重排的记录"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="校验所有（或指定）信访件的办理记录链")
        verify.add_argument("--case", dest="numbers", action="append", default=[], help="只校验该编号的信访件，可重复")

    def handle(self, *args, action, numbers, **opts):
        qs = Case.objects.all()
        if numbers:
            qs = qs.filter(number__in=numbers)
            missing = sorted(set(numbers) - set(qs.values_list("number", flat=True)))
            if missing:
                raise CommandError(f"未找到信访件：{'、'.join(missing)}")
        problems = 0
        for problem in verify_all(qs):
            problems += 1
            self.stdout.write(str(problem))
        checked = qs.count()
        if problems:
            raise CommandError(f"审计失败：{checked} 件中发现 {problems} 处问题")
        self.stdout.write(self.style.SUCCESS(f"审计通过：{checked} 件信访件的办理记录链完整"))
