"""Grid pages, included under /grid/ in the `web` namespace (names start with grid_)."""

from django.urls import path

from minxin.grid.web import views

urlpatterns = [
    path("", views.home, name="grid_home"),
    path("report/", views.report_new, name="grid_report_new"),
    path("items/<int:pk>/", views.item, name="grid_item"),
    path("items/<int:pk>/visits/", views.item_visit, name="grid_item_visit"),
    path("items/<int:pk>/resolve/", views.item_resolve, name="grid_item_resolve"),
    path("items/<int:pk>/case/", views.item_register, name="grid_item_register"),
    path("items/<int:pk>/photo/", views.item_photo, name="grid_item_photo"),
]
