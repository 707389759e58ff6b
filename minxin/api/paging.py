"""Paging for every list endpoint of the API: one schema per style, bounds checked by the
validation layer (422 with a Chinese message, never a 500 from an absurd page or offset).

    @router.get("", response=...)
    def list_things(request, paging: Query[PageParams]):
        items = paging.slice(qs)
"""

from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema

MAX_PAGE_SIZE = 100
MAX_LIMIT = 200
# Far beyond any real list, far below what a database integer or a slice can hold.
MAX_PAGE = 1_000_000
MAX_OFFSET = 100_000_000


class PageParams(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description=str(_("页码，从1开始")))
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE, description=str(_("每页条数")))

    def slice(self, qs):
        start = (self.page - 1) * self.page_size
        return qs[start:start + self.page_size]


class OffsetParams(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description=str(_("最多返回条数")))
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description=str(_("跳过的条数")))

    def slice(self, qs):
        return qs[self.offset:self.offset + self.limit]
