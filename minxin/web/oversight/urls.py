"""Oversight pages, included under /oversight/ in the `web` namespace."""

from django.urls import path

from minxin.web.oversight import views

urlpatterns = [
    path("metrics/", views.metric_definitions, name="oversight_metrics"),
    path("dashboards/", views.dashboard, name="oversight_dashboards"),
    path("dashboards/<slug:board>/", views.dashboard, name="oversight_dashboard"),
    path("dashboards/<slug:board>/data.json", views.dashboard_data, name="oversight_dashboard_data"),
    path("export/cases.xlsx", views.export_cases, name="oversight_export_cases"),
    path("export/metrics.xlsx", views.export_metrics, name="oversight_export_metrics"),
    path("export/scorecards.xlsx", views.export_scorecards, name="oversight_export_scorecards"),
    path("reports/annual.docx", views.report_annual, name="oversight_report_annual"),
    path("reports/weekly.docx", views.report_weekly, name="oversight_report_weekly"),
]
