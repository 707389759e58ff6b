"""Workbench URLs, included under /cases/ in the `web` namespace (web:case_inbox, …)."""

from django.urls import path

from minxin.web.cases import suggestions, views

urlpatterns = [
    path("", views.inbox, name="case_inbox"),
    path("register/", views.register, name="case_register"),
    path("register/areas/", views.area_picker, name="case_area_picker"),
    path("register/suggestions/", suggestions.suggestions, name="case_suggestions"),
    path("<int:pk>/", views.detail, name="case_detail"),
    path("<int:pk>/actions/<slug:action>/", views.action, name="case_action"),
    path("<int:pk>/documents/<int:doc_pk>/", views.document, name="case_document"),
    path("<int:pk>/attachments/<int:att_pk>/", views.attachment, name="case_attachment"),
]
