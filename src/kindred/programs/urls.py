from django.urls import path

from kindred.programs.views import staff

app_name = "programs"
urlpatterns = [
    path("<int:program_id>/", staff.program_detail, name="detail"),
    path("<int:program_id>/contact/", staff.contact_edit, name="contact_edit"),
    path("<int:program_id>/crisis-lines/", staff.crisis_lines, name="crisis_lines"),
    path("<int:program_id>/crisis-lines/new/", staff.crisis_line_new, name="crisis_line_new"),
    path(
        "<int:program_id>/crisis-lines/<int:line_id>/",
        staff.crisis_line_edit,
        name="crisis_line_edit",
    ),
    path(
        "<int:program_id>/crisis-lines/<int:line_id>/remove/",
        staff.crisis_line_remove,
        name="crisis_line_remove",
    ),
    path(
        "<int:program_id>/crisis-lines/<int:line_id>/move/",
        staff.crisis_line_move,
        name="crisis_line_move",
    ),
]
