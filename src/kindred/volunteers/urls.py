"""Volunteer pages, by audience: the public application, the volunteer's portal, and staff."""

from django.urls import path

from kindred.volunteers.views import public, staff, volunteer

app_name = "volunteers"
urlpatterns = [
    # Public (no account): the "Volunteer with us" application.
    path("volunteer-with-us/", public.apply, name="apply"),
    path("volunteer-with-us/thank-you/", public.applied, name="applied"),
    # The volunteer's own portal.
    path("volunteer/", volunteer.home, name="home"),
    path("volunteer/profile/", volunteer.profile, name="profile"),
    path("volunteer/capacity/", volunteer.capacity, name="capacity"),
    path("volunteer/pause/", volunteer.pause, name="pause"),
    path("volunteer/resume/", volunteer.resume, name="resume"),
    path("volunteer/agreement/", volunteer.agreement, name="agreement"),
    path("volunteer/debrief/", volunteer.debrief, name="debrief"),
    path("volunteer/wellbeing/", volunteer.wellbeing, name="wellbeing"),
    # Staff: coordinators and Executive Directors of the volunteer's program.
    path("staff/volunteers/", staff.volunteer_list, name="staff_list"),
    path("staff/volunteers/<uuid:volunteer_id>/", staff.volunteer_detail, name="staff_detail"),
    path("staff/volunteers/<uuid:volunteer_id>/status/", staff.change_status, name="staff_status"),
    path(
        "staff/volunteers/<uuid:volunteer_id>/screening/",
        staff.record_screening,
        name="staff_screening",
    ),
    path(
        "staff/volunteers/<uuid:volunteer_id>/training/",
        staff.record_training,
        name="staff_training",
    ),
    path("staff/volunteers/<uuid:volunteer_id>/invite/", staff.invite, name="staff_invite"),
    path("staff/debriefs/<uuid:debrief_id>/resolve/", staff.resolve_debrief, name="staff_debrief"),
    # Executive Director: the program's agreement.
    path(
        "staff/programs/<int:program_id>/agreement/",
        staff.publish_agreement,
        name="staff_agreement",
    ),
]
