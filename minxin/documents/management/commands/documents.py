import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from minxin.documents.maintenance import prune_orphan_files, verify_documents
from minxin.documents.models import Document


class Command(BaseCommand):
    help = "文书文件维护：verify 校验文件哈希；prune 清理事务回滚后遗留的孤立文件"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="校验所有文书文件是否存在且未被篡改")
        prune = sub.add_parser("prune", help="删除没有对应文书记录的文件")
        prune.add_argument("--older-than-minutes", type=int, default=60, help="只删除早于该分钟数的文件（默认60）")

    def handle(self, *args, action, **opts):
        if action == "verify":
            problems = 0
            for doc, problem in verify_documents():
                problems += 1
                self.stdout.write(f"{doc.pk} {doc.number}：{problem}")
            checked = Document.objects.count()
            if problems:
                raise CommandError(f"校验失败：{checked} 份文书中有 {problems} 份文件缺失或被篡改")
            self.stdout.write(self.style.SUCCESS(f"校验通过：{checked} 份文书文件完整"))
        else:
            minutes = opts["older_than_minutes"]
            if minutes < 1:
                raise CommandError("--older-than-minutes 至少为1，以免删除尚在事务中的文件")
            removed = prune_orphan_files(older_than=dt.timedelta(minutes=minutes))
            self.stdout.write(self.style.SUCCESS(f"已删除 {len(removed)} 个孤立文件"))
