"""Urgent-report pages, included under /upward/ in the `web` namespace (names start with upward_)."""

from django.urls import path

from minxin.upward.web import views

urlpatterns = [
    path("", views.matter_list, name="upward_list"),
    path("mark/", views.mark, name="upward_mark"),
    path("from-alert/<int:pk>/", views.mark_alert, name="upward_mark_alert"),
    path("<int:pk>/", views.matter_detail, name="upward_matter"),
    path("<int:pk>/<str:action>/", views.matter_action, name="upward_action"),
]
