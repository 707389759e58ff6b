from django.contrib.auth import views as auth_views
from django.urls import include, path

from minxin.web import views
from minxin.web.exchange import views as exchange_views
from minxin.web.forms import LoginForm

app_name = "web"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="web/login.html", authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
    path("cases/", include("minxin.web.cases.urls")),
    path("oversight/", include("minxin.web.oversight.urls")),
    # The ledger's Excel pages belong to the exchange domain (risk may not import it).
    path("risk/ledger/export/", exchange_views.ledger_export, name="risk_ledger_export"),
    path("risk/ledger/import/", exchange_views.ledger_import, name="risk_ledger_import"),
    path("risk/", include("minxin.risk.web.urls")),
    path("stability/", include("minxin.stability.web.urls")),
    path("upward/", include("minxin.upward.web.urls")),
    path("grid/", include("minxin.grid.web.urls")),
    path("exchange/", include("minxin.web.exchange.urls")),
    path("reception/", include("minxin.reception.urls")),
    path("meetings/", include("minxin.meetings.web.urls")),
    path("opinion/", include("minxin.opinion.web.urls")),
]
