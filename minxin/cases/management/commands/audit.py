from django.core.management.base import BaseCommand, CommandError

from minxin.accounts import audit as security_audit
from minxin.accounts.models import SecurityAction
from minxin.cases.audit import reseal_all, verify_all
from minxin.cases.models import Case
from minxin.core import sealing


class Command(BaseCommand):
    help = (
        "审计链：verify 用审计密钥（MINXIN_AUDIT_KEY）校验信访件办理记录链和安全审计链，发现被修改、删除、重排"
        "或无密钥重建的记录；reseal 在更换密钥后用当前密钥重新签名所有完好的链"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="校验所有（或指定）信访件的办理记录链，以及安全审计链")
        verify.add_argument("--case", dest="numbers", action="append", default=[], help="只校验该编号的信访件，可重复")
        sub.add_parser("reseal", help="用当前 MINXIN_AUDIT_KEY 重新签名所有完好的链（更换密钥后运行；损坏的链保持原样）")

    def handle(self, *args, action, numbers=(), **opts):
        if action == "reseal":
            return self._reseal()
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
        if not numbers:
            for problem in security_audit.verify():
                problems += 1
                self.stdout.write(str(problem))
        checked = qs.count()
        if problems:
            raise CommandError(f"审计失败：{checked} 件信访件及安全审计链中发现 {problems} 处问题")
        scope = "" if numbers else "，安全审计链完整"
        self.stdout.write(self.style.SUCCESS(f"审计通过：{checked} 件信访件的办理记录链完整{scope}（密钥编号 {sealing.current_key_id()}）"))

    def _reseal(self):
        result = reseal_all()
        security = security_audit.reseal()
        security_audit.record(
            SecurityAction.AUDIT_RESEALED, target_label="审计链以当前密钥重新签名",
            payload={"key_id": sealing.current_key_id(), "cases": result.cases, "events": result.events,
                     "skipped_broken": result.skipped[:1000], "skipped_count": len(result.skipped),
                     "security_events": security if security is not None else "chain broken, left as is"},
        )
        self.stdout.write(f"已重新签名：{result.cases} 件信访件的 {result.events} 条办理记录；安全审计链 {security if security is not None else 0} 条")
        if result.skipped or security is None:
            broken = "、".join(result.skipped[:20]) + ("……" if len(result.skipped) > 20 else "")
            raise CommandError(
                f"以下链校验不通过，未重新签名（请先用 audit verify 查明原因）：{broken or ''}{'；安全审计链' if security is None else ''}"
            )
        self.stdout.write(self.style.SUCCESS(f"完成：所有链现由密钥 {sealing.current_key_id()} 签名，旧密钥可从 MINXIN_AUDIT_OLD_KEYS 中移除"))
