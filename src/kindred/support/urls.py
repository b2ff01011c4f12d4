"""A match as its two people see it: the volunteer's proposals and matches, and the
participant's proposal and peer under /my/."""

from django.urls import path

from kindred.support.views import participant, volunteer

app_name = "support"
urlpatterns = [
    # The volunteer's own matches (a match of anyone else's is a 404).
    path("volunteer/matches/<uuid:match_id>/", volunteer.match_page, name="volunteer_match"),
    path("volunteer/matches/<uuid:match_id>/answer/", volunteer.answer, name="volunteer_answer"),
    path(
        "volunteer/matches/<uuid:match_id>/contacts/",
        volunteer.log_contact,
        name="volunteer_contact",
    ),
    path(
        "volunteer/matches/<uuid:match_id>/check-in/", volunteer.checkin, name="volunteer_checkin"
    ),
    path("volunteer/matches/<uuid:match_id>/tell/", volunteer.flag, name="volunteer_flag"),
    path("volunteer/matches/<uuid:match_id>/change/", volunteer.change, name="volunteer_change"),
    # The participant's peer: their own request's, with no id in the URL.
    path("my/peer/", participant.peer, name="my_peer"),
    path("my/peer/answer/", participant.answer, name="my_peer_answer"),
    path("my/peer/check-in/", participant.checkin, name="my_peer_checkin"),
    path("my/peer/change/", participant.change, name="my_peer_change"),
]
