"""Intake pages, by audience: public forms, the participant's own request (/my/), and staff."""

from django.urls import path

from kindred.intake.views import participant, public, staff

app_name = "intake"
urlpatterns = [
    # Public (no account): ask for support, or raise a concern about someone else.
    path("ask/", public.ask, name="ask"),
    path("ask/next/", public.submitted, name="submitted"),
    path("concern/", public.concern, name="concern"),
    path("concern/thank-you/", public.concern_sent, name="concern_sent"),
    # The participant's own request: sign in with reference and passphrase, or an emailed code.
    path("my/", participant.sign_in, name="my_sign_in"),
    path("my/code/", participant.code_request, name="my_code"),
    path("my/code/enter/", participant.code_enter, name="my_code_enter"),
    path("my/request/", participant.home, name="my_home"),
    path("my/contact/", participant.contact, name="my_contact"),
    path("my/email/", participant.sign_in_email, name="my_email"),
    path("my/withdraw/", participant.withdraw, name="my_withdraw"),
    path("my/copy/", participant.copy, name="my_copy"),
    path("my/download/", participant.download, name="my_download"),
    path("my/delete/", participant.delete, name="my_delete"),
    path("my/sign-out/", participant.sign_out, name="my_sign_out"),
    # Staff: the queue, phone intake, a request's file, concerns.
    path("staff/requests/", staff.queue, name="staff_queue"),
    path("staff/requests/new/", staff.phone_intake, name="staff_new"),
    path("staff/requests/<uuid:request_id>/", staff.request_detail, name="staff_detail"),
    path("staff/requests/<uuid:request_id>/status/", staff.change_status, name="staff_status"),
    path("staff/concerns/", staff.concerns, name="staff_concerns"),
    path("staff/concerns/<uuid:concern_id>/", staff.concern_detail, name="staff_concern"),
    path(
        "staff/concerns/<uuid:concern_id>/status/",
        staff.change_concern_status,
        name="staff_concern_status",
    ),
]
