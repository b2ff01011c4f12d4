from django.urls import path

from kindred.topics import views

app_name = "topics"
urlpatterns = [
    path("", views.topic_list, name="list"),
    path("new/", views.topic_edit, name="new"),
    path("<int:topic_id>/", views.topic_edit, name="edit"),
]
