from django.urls import path

from dailypapers.mail import views

app_name = "mail"
urlpatterns = [
    path("outbox/", views.outbox_list, name="outbox"),
    path("outbox/<str:name>/", views.outbox_message, name="outbox_message"),
]
