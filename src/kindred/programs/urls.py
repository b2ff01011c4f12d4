from django.urls import path

from kindred.programs.views import staff

app_name = "programs"
urlpatterns = [
    path("<int:program_id>/", staff.program_detail, name="detail"),
]
