from django.urls import path

from minxin.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("submit/", views.submit, name="submit"),
    path("submit/done/", views.done, name="done"),
    path("areas/", views.area_partial, name="areas"),
    path("code/", views.send_code_partial, name="send_code"),
    path("follow/", views.follow, name="follow"),
    path("follow/progress/", views.progress, name="progress"),
    path("follow/rate/", views.rate, name="rate"),
    path("follow/appeal/", views.appeal, name="appeal"),
    path("follow/documents/<int:pk>/", views.document, name="document"),
    path("follow/end/", views.follow_end, name="follow_end"),
    path("staff/", views.staff_queue, name="staff_queue"),
    path("staff/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("staff/attachments/<int:pk>/", views.staff_attachment, name="staff_attachment"),
    path("staff/appeals/<int:pk>/record/", views.staff_record_appeal, name="staff_record_appeal"),
]
