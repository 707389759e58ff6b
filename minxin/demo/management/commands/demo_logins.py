from django.core.management.base import BaseCommand

from minxin.demo.city import CITY_CODE, DEMO_PASSWORD
from minxin.org.models import Area, Role, Staff


class Command(BaseCommand):
    help = "列出演示城市的登录账号、角色、单位和演示密码（仅限演示环境）"

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="列出全部账号（默认只列市、区县信访局和市级部门及禾城区的账号）")

    def handle(self, *args, all, **opts):
        city = Area.objects.filter(code=CITY_CODE).first()
        if city is None:
            self.stdout.write("尚未创建演示城市，请先运行 manage.py demo。")
            return
        labels = dict(Role.choices)
        qs = (
            Staff.objects.filter(unit__area__path__startswith=city.path)
            .select_related("user", "unit")
            .prefetch_related("roles")
            .order_by("user__username")
        )
        rows = []
        for s in qs:
            username = s.user.username
            if not all and not (username.startswith("city_") or username.startswith("county1_") or username.count("_") == 1):
                continue
            roles = "、".join(str(labels[r.role]) for r in sorted(s.roles.all(), key=lambda r: r.role))
            rows.append((username, roles, s.unit.name))
        width = max(len(r[0]) for r in rows) + 2
        self.stdout.write(f"演示账号（共 {qs.count()} 个，此处列出 {len(rows)} 个；--all 列出全部）")
        self.stdout.write(f"统一演示密码：{DEMO_PASSWORD}   —— 仅用于演示，切勿在生产环境使用")
        self.stdout.write(f"{'用户名'.ljust(width - 3)}{'角色'.ljust(7, '　')}单位")
        for username, roles, unit in rows:
            self.stdout.write(f"{username.ljust(width)}{roles.ljust(8, '　')}{unit}")
