"""Risk pages, included under /risk/ in the `web` namespace (names start with risk_)."""

from django.urls import path

from minxin.risk.web import views

urlpatterns = [
    path("", views.overview, name="risk_overview"),
    path("ledger/", views.ledger_list, name="risk_ledger"),
    path("ledger/export/", views.ledger_export, name="risk_ledger_export"),
    path("ledger/import/", views.ledger_import, name="risk_ledger_import"),
    path("rounds/", views.rounds, name="risk_rounds"),
    path("rounds/<int:pk>/", views.round_detail, name="risk_round"),
    path("alerts/", views.alert_inbox, name="risk_alerts"),
    path("alerts/<int:pk>/", views.alert_detail, name="risk_alert"),
    path("alerts/<int:pk>/<str:action>/", views.alert_action, name="risk_alert_action"),
    path("hotspots/", views.hotspots, name="risk_hotspots"),
]
