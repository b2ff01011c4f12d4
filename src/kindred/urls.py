from allauth import urls as allauth_urls
from django.urls import include, path

from kindred.accounts import views as account_views
from kindred.confidential import views as confidential_views
from kindred.confidential.access import PUBLIC, allow_patterns
from kindred.programs.views import public as program_public
from kindred.support.views import staff_home

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz", account_views.healthz, name="healthz"),
    path("start/", account_views.start, name="start"),
    path("account/", account_views.account_security, name="account_security"),
    # Replaces allauth's page for managing email addresses (see the view for why).
    path("account/email/", account_views.sign_in_email, name="account_email"),
    # allauth checks sign-in itself on the pages that need it (password change, two-step
    # sign-in, sessions); the access policy sees them declared as reachable by anyone.
    path(
        "account/",
        include(
            allow_patterns(allauth_urls.urlpatterns, PUBLIC, leave_out=frozenset({"account_email"}))
        ),
    ),
    path("staff/", staff_home.staff_home, name="staff_home"),
    path("staff/programs/", include("kindred.programs.urls")),
    # The public pages about the program (short names, no namespace: every footer links them).
    path("contact/", program_public.contact, name="contact"),
    path("privacy/", program_public.privacy, name="privacy"),
    path("accessibility/", program_public.accessibility, name="accessibility"),
    path("leave-safely/", program_public.leave_safely, name="leave_safely"),
    path("staff/audit/", confidential_views.audit_log, name="audit_log"),
    path("", include("kindred.volunteers.urls")),
    path("", include("kindred.intake.urls")),
    path("", include("kindred.matching.urls")),
    path("", include("kindred.support.urls")),
    path("", include("kindred.support.staff_urls")),
    path("staff/topics/", include("kindred.topics.urls")),
    path("reports/", account_views.reports_home, name="reports_home"),
    path("operator/", confidential_views.operator_status, name="operator_status"),
]
