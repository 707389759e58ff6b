"""Risk pages, included under /risk/ in the `web` namespace (names start with risk_)."""

from django.urls import path

from minxin.risk.web import pages, views

urlpatterns = [
    path("", views.overview, name="risk_overview"),
    path("ledger/", views.ledger_list, name="risk_ledger"),
    path("ledger/new/", pages.entry_new, name="risk_entry_new"),
    path("ledger/<int:pk>/", pages.entry_detail, name="risk_entry"),
    path("plans/", pages.plan_list, name="risk_plans"),
    path("plans/new/", pages.plan_new, name="risk_plan_new"),
    path("plans/<int:pk>/", pages.plan_detail, name="risk_plan"),
    path("plans/<int:pk>/activate/", pages.plan_activate, name="risk_plan_activate"),
    path("plans/<int:pk>/tasks/<int:task_pk>/done/", pages.plan_task_done, name="risk_plan_task_done"),
    path("plans/<int:pk>/drills/", pages.plan_drill, name="risk_plan_drill"),
    path("rounds/", views.rounds, name="risk_rounds"),
    path("rounds/<int:pk>/", views.round_detail, name="risk_round"),
    path("alerts/", views.alert_inbox, name="risk_alerts"),
    path("alerts/<int:pk>/", views.alert_detail, name="risk_alert"),
    path("alerts/<int:pk>/<str:action>/", views.alert_action, name="risk_alert_action"),
    path("hotspots/", views.hotspots, name="risk_hotspots"),
]
