"""The public pages about the program, at the top of the site (no namespace: short names)."""

from django.urls import path

from kindred.programs.views import public

urlpatterns = [
    path("contact/", public.contact, name="contact"),
    path("privacy/", public.privacy, name="privacy"),
    path("accessibility/", public.accessibility, name="accessibility"),
    path("leave-safely/", public.leave_safely, name="leave_safely"),
]
