"""Data exchange pages, included under /exchange/ in the `web` namespace (names start with exchange_)."""

from django.urls import path

from minxin.web.exchange import views

urlpatterns = [
    path("", views.index, name="exchange_index"),
    path("<str:kind>/template.xlsx", views.template, name="exchange_template"),
    path("<str:kind>/import/", views.upload, name="exchange_upload"),
    path("<str:kind>/export.xlsx", views.export, name="exchange_export"),
    path("jobs/<int:pk>/", views.job, name="exchange_job"),
]
