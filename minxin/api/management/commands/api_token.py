from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from minxin.api.models import ALL_SCOPES, ApiToken
from minxin.api.tokens import issue_token, revoke_token
from minxin.core.errors import DomainError


class Command(BaseCommand):
    help = "管理接口访问令牌：create 签发（令牌只显示一次）、revoke 吊销、list 列出"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="为单位签发令牌（代表该单位的一个账号）")
        create.add_argument("--user", required=True, help="令牌代表的工作人员用户名（令牌属于其所在单位）")
        create.add_argument("--name", required=True, help="用途，例如“12345热线对接”")
        create.add_argument("--days", type=int, default=None,
                            help="有效天数；不填为 MINXIN_API_TOKEN_DEFAULT_DAYS，最多 MINXIN_API_TOKEN_MAX_DAYS")
        create.add_argument("--scope", action="append", dest="scopes", default=None,
                            help="权限范围，可重复：" + "、".join(ALL_SCOPES) + "；不填为全部")
        create.add_argument("--rate", type=int, default=None, help="每分钟请求上限；不填为 MINXIN_API_TOKEN_RATE")
        revoke = sub.add_parser("revoke", help="吊销令牌")
        revoke.add_argument("prefix", help="令牌前缀（list 中显示，例如 mx_AbCdEfGh）")
        listing = sub.add_parser("list", help="列出令牌（不含令牌本身）")
        listing.add_argument("--user", default=None, help="只列出该用户名的令牌")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except DomainError as exc:
            raise CommandError(exc.message) from None

    def _create(self, *, user, name, days, scopes, rate, **_):
        token, raw = issue_token(username=user, name=name, days=days, scopes=scopes, rate_per_minute=rate)
        self.stdout.write(raw)
        expiry = timezone.localtime(token.expires_at).strftime("%Y-%m-%d %H:%M")
        self.stderr.write(f"已签发令牌 {token.prefix}（{token.name}，单位：{token.unit.name}，范围：{'、'.join(token.scopes)}，"
                          f"到期：{expiry}）。令牌只显示这一次，请妥善保存。")

    def _revoke(self, *, prefix, **_):
        token = revoke_token(prefix=prefix)
        self.stdout.write(f"已吊销令牌 {token.prefix}（{token.name}）")

    def _list(self, *, user, **_):
        qs = ApiToken.objects.select_related("staff__user", "unit")
        if user:
            qs = qs.filter(staff__user__username=user)
        for t in qs:
            if t.is_revoked:
                state = "已吊销"
            elif t.is_expired:
                state = "已过期"
            else:
                state = "有效"
            last = timezone.localtime(t.last_used_at).strftime("%Y-%m-%d %H:%M") if t.last_used_at else "从未使用"
            expiry = timezone.localtime(t.expires_at).strftime("%Y-%m-%d")
            self.stdout.write(f"{t.prefix}\t{t.unit.code}\t{t.staff.user.username}\t{t.name}\t{','.join(t.scopes)}\t{state}"
                              f"\t到期：{expiry}\t最近使用：{last}")
