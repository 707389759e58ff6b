from django.core.management.base import BaseCommand

from minxin.accounts import twofactor
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
        rows, totp_rows = [], []
        for s in qs:
            username = s.user.username
            if not all and not (username.startswith("city_") or username.startswith("county1_") or username.count("_") == 1):
                continue
            roles = "、".join(str(labels[r.role]) for r in sorted(s.roles.all(), key=lambda r: r.role))
            rows.append((username, roles, s.unit.name))
            if twofactor.needs_second_factor(s.user):
                # Leaders and administrators sign in with a second factor even in the demo:
                # each gets a TOTP secret once, printed below for an authenticator app.
                device = twofactor.confirmed_device(s.user) or twofactor.enrol_device(s.user)
                code = twofactor.current_code(device)
                totp_rows.append((username, twofactor.secret_of(device), device.config_url, code))
        width = max(len(r[0]) for r in rows) + 2
        self.stdout.write(f"演示账号（共 {qs.count()} 个，此处列出 {len(rows)} 个；--all 列出全部）")
        self.stdout.write(f"统一演示密码：{DEMO_PASSWORD}   —— 仅用于演示，切勿在生产环境使用")
        self.stdout.write(f"{'用户名'.ljust(width - 3)}{'角色'.ljust(7, '　')}单位")
        for username, roles, unit in rows:
            self.stdout.write(f"{username.ljust(width)}{roles.ljust(8, '　')}{unit}")
        if totp_rows:
            self.stdout.write("")
            self.stdout.write("领导和系统管理员账号登录后还需输入动态口令（TOTP）。请把下面的密钥加入验证器应用")
            self.stdout.write("（FreeOTP、Google/Microsoft Authenticator 等，或扫描 otpauth 链接生成的二维码）；")
            self.stdout.write("没有验证器时：开发模式（MINXIN_DEBUG=1）下动态口令页面会显示此刻的口令；也可再次运行本命令查看")
            for username, secret, url, code in totp_rows:
                self.stdout.write(f"{username.ljust(width)}{secret}   当前口令 {code}")
                self.stdout.write(f"{''.ljust(width)}{url}")
