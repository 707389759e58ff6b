"""Opinion pages, included under /opinion/ in the `web` namespace (names start with opinion_)."""

from django.urls import path

from minxin.opinion.web import views

urlpatterns = [
    path("", views.item_list, name="opinion_list"),
    path("<int:pk>/", views.item_detail, name="opinion_detail"),
]
