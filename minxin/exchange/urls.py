from django.urls import path

from minxin.exchange.webhooks import views

app_name = "exchange"

urlpatterns = [
    path("webhooks/", views.webhook_list, name="webhooks"),
    path("webhooks/<int:pk>/", views.webhook_detail, name="webhook"),
    path("webhooks/deliveries/<int:pk>/replay/", views.webhook_replay, name="webhook_replay"),
]
