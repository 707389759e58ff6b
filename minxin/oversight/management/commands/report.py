"""manage.py report annual|weekly: the 年度信访情况报告 (第四十一条) or the 领导周报 as .docx."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from minxin.cases.models import Case
from minxin.org.models import Area


class Command(BaseCommand):
    help = "生成信访情况年度报告（annual）或领导周报（weekly），输出 .docx"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="kind", required=True)
        annual = sub.add_parser("annual", help="年度信访情况报告（《信访工作条例》第四十一条）")
        annual.add_argument("--year", type=int, required=True)
        weekly = sub.add_parser("weekly", help="领导周报")
        weekly.add_argument("--week", required=True, help="ISO 周次，如 2026-W10")
        for p in (annual, weekly):
            p.add_argument("--area", required=True, help="区划代码")
            p.add_argument("--output", required=True, help="输出文件 .docx")

    def handle(self, *args, kind, area, output, **opts):
        from minxin.oversight.reports import annual, weekly

        region = Area.objects.filter(code=area).first()
        if region is None:
            raise CommandError(f"区划代码{area}不存在")
        # An operator's command over the whole area: every case of the area is in scope.
        cases = Case.objects.filter(area__path__startswith=region.path)
        if kind == "annual":
            content = annual.render(annual.collect(year=opts["year"], area=region, cases=cases))
        else:
            try:
                monday = weekly.parse_week(opts["week"])
            except ValueError as exc:
                raise CommandError(str(exc))
            content = weekly.render(weekly.collect(monday=monday, area=region, cases=cases))
        Path(output).write_bytes(content)
        self.stdout.write(f"已生成 {output}（{len(content)} 字节）")
