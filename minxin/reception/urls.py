"""Reception URLs, included under /reception/ in the `web` namespace (web:reception_desk, …)."""

from django.urls import path

from minxin.reception import views

urlpatterns = [
    path("desk/", views.desk, name="reception_desk"),
    path("desk/lookup/", views.lookup_view, name="reception_lookup"),
    path("letter/", views.letter, name="reception_letter"),
    path("call/", views.call, name="reception_call"),
    path("attachments/<int:pk>/", views.attachment, name="reception_attachment"),
    path("days/", views.days, name="reception_days"),
    path("days/<int:pk>/", views.day_detail, name="reception_day"),
    path("days/<int:pk>/cancel/", views.day_cancel, name="reception_day_cancel"),
    path("days/<int:pk>/book/", views.day_book, name="reception_day_book"),
    path("bookings/<int:pk>/outcome/", views.booking_outcome, name="reception_booking_outcome"),
    path("bookings/<int:pk>/case/", views.booking_turn, name="reception_booking_turn"),
]
