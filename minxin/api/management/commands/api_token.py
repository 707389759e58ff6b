from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from minxin.api.models import ApiToken
from minxin.api.tokens import issue_token, revoke_token
from minxin.core.errors import DomainError


class Command(BaseCommand):
    help = "管理接口访问令牌：create 签发（令牌只显示一次）、revoke 吊销、list 列出"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="为工作人员签发令牌")
        create.add_argument("--user", required=True, help="工作人员的用户名")
        create.add_argument("--name", required=True, help="用途，例如“12345热线对接”")
        create.add_argument("--days", type=int, default=None, help="有效天数；不填则长期有效，直到吊销")
        revoke = sub.add_parser("revoke", help="吊销令牌")
        revoke.add_argument("prefix", help="令牌前缀（list 中显示，例如 mx_AbCdEfGh）")
        listing = sub.add_parser("list", help="列出令牌（不含令牌本身）")
        listing.add_argument("--user", default=None, help="只列出该用户名的令牌")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except DomainError as exc:
            raise CommandError(exc.message) from None

    def _create(self, *, user, name, days, **_):
        token, raw = issue_token(username=user, name=name, days=days)
        self.stdout.write(raw)
        expiry = timezone.localtime(token.expires_at).strftime("%Y-%m-%d %H:%M") if token.expires_at else "长期有效"
        self.stderr.write(f"已签发令牌 {token.prefix}（{token.name}，到期：{expiry}）。令牌只显示这一次，请妥善保存。")

    def _revoke(self, *, prefix, **_):
        token = revoke_token(prefix=prefix)
        self.stdout.write(f"已吊销令牌 {token.prefix}（{token.name}）")

    def _list(self, *, user, **_):
        qs = ApiToken.objects.select_related("staff__user")
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
            self.stdout.write(f"{t.prefix}\t{t.staff.user.username}\t{t.name}\t{state}\t最近使用：{last}")
