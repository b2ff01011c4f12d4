from django.urls import path

from kindred.programs import views

app_name = "programs"
urlpatterns = [
    path("<int:program_id>/", views.program_detail, name="detail"),
]
