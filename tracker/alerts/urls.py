from django.urls import path

from tracker.alerts import views

app_name = "alerts"

urlpatterns = [
    path("follow/<str:kind>/<str:key>/", views.follow, name="follow"),
    path("check-your-inbox/", views.check_inbox, name="check-inbox"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("following/", views.following_account, name="following-account"),
    path("following/<str:token>/", views.following, name="following"),
    path("following/<str:token>/frequency/", views.change_frequency, name="frequency"),
    path("following/<str:token>/<int:pk>/unfollow/", views.unfollow, name="unfollow"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
