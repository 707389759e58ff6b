"""联席会议 pages, included under /meetings/ in the `web` namespace (names start with meetings_)."""

from django.urls import path

from minxin.meetings.web import views

urlpatterns = [
    path("", views.meeting_list, name="meetings_list"),
    path("<int:pk>/", views.meeting_detail, name="meetings_detail"),
    path("<int:pk>/<str:action>/", views.meeting_action, name="meetings_action"),
    path("tasks/<int:pk>/<str:action>/", views.task_action, name="meetings_task_action"),
]
