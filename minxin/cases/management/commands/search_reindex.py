from django.core.management.base import BaseCommand

from minxin.cases.models import Case
from minxin.cases.searchdoc import reindex


class Command(BaseCommand):
    help = "重建全部信访件的搜索索引（单位、区域改名后运行；新登记和流转的信访件会自动更新）"

    def handle(self, *args, **opts):
        count = reindex(Case)
        self.stdout.write(f"已重建 {count} 件信访件的搜索索引。")
