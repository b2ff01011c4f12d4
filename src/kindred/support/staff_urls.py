"""Staff pages for matches: a match's file (close, withdraw), and the coordinator's tasks."""

from django.urls import path

from kindred.support.views import staff

app_name = "support_staff"
urlpatterns = [
    path("staff/matches/<uuid:match_id>/", staff.match_file, name="match"),
    path("staff/matches/<uuid:match_id>/withdraw/", staff.withdraw, name="match_withdraw"),
    path("staff/matches/<uuid:match_id>/close/", staff.close, name="match_close"),
    path("staff/tasks/", staff.task_list, name="tasks"),
    path("staff/tasks/<uuid:task_id>/resolve/", staff.task_resolve, name="task_resolve"),
]
