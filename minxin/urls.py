from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from minxin.api.open311 import urlpatterns as open311_urls
from minxin.api.urls import api
from minxin.notify.views import dev_outbox
from minxin.web import favicon, health

admin.site.site_header = _("民心信访工作平台 · 系统管理")
admin.site.site_title = _("民心 · 系统管理")
admin.site.index_title = _("系统管理")

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("favicon.ico", favicon.favicon, name="favicon"),
    path("dev/outbox/", dev_outbox, name="dev_outbox"),  # 404 unless DEBUG
    path("admin/", admin.site.urls),
    path("account/", include("minxin.accounts.urls")),
    path("api/v1/", api.urls),
    path("open311/v2/", include((open311_urls, "open311"))),  # Open311 GeoReport v2 (JSON and XML)
    path("exchange/", include("minxin.exchange.urls")),  # webhook subscriptions and delivery log (administrators)
    path("xf/", include("minxin.portal.urls")),  # public 网上信访 portal (no login) + registrars' queue
    path("", include("minxin.web.urls")),
]
