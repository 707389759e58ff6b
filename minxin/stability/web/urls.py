"""稳评 pages, included under /stability/ in the `web` namespace (names start with stability_)."""

from django.urls import path

from minxin.stability.web import views

urlpatterns = [
    path("", views.decision_list, name="stability_list"),
    path("new/", views.decision_new, name="stability_new"),
    path("<int:pk>/", views.decision_detail, name="stability_decision"),
    path("<int:pk>/nearby/", views.nearby, name="stability_nearby"),
    path("<int:pk>/series/", views.follow_up_panel, name="stability_follow_up"),
    path("<int:pk>/<str:action>/", views.decision_action, name="stability_action"),
]
