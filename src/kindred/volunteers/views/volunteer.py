"""The volunteer's own portal: only their own profile, ever.

Every page gets the signed-in volunteer's profile from `queries.own_profile` (through
`with_own_profile`), never from an id in the URL, so there is nothing to change to reach someone
else's. Every change goes through an action (audited); a refusal from the action (a capacity above
the program's cap, a pause date in the past) is shown next to the field it concerns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format

from kindred.accounts.middleware import has_second_factor
from kindred.accounts.models import AuthenticatedRequest, Role
from kindred.confidential.access import allow, roles
from kindred.support.queries import matches_on_volunteer_home
from kindred.volunteers import actions, queries
from kindred.volunteers.forms.volunteer import (
    AgreementForm,
    CapacityForm,
    DebriefForm,
    PauseForm,
    ProfileForm,
    WellbeingForm,
    active_topics,
)
from kindred.volunteers.matchability import evaluate
from kindred.volunteers.models import Agreement, VolunteerProfile, WellbeingCheck
from kindred.volunteers.pipeline import Status

PortalView = Callable[[AuthenticatedRequest, VolunteerProfile], HttpResponse]
View = Callable[[AuthenticatedRequest], HttpResponse]

# The pipeline status, as the volunteer reads it.
STATUS_IN_WORDS = {
    Status.APPLIED: "The program has your application and will be in touch about the next step.",
    Status.SCREENING: (
        "The program is going through your screening: an interview, your references and your "
        "standing with the Law Society."
    ),
    Status.TRAINING: (
        "You are in training. When it is complete, your coordinator makes you an active volunteer."
    ),
    Status.ACTIVE: "You are an active volunteer.",
    Status.PAUSED: (
        "Your coordinator has put your volunteering on hold. Talk with them whenever you would "
        "like to come back."
    ),
    Status.RETIRED: (
        "You have stepped back from volunteering. Thank you. If you would like to come back, "
        "talk with your coordinator."
    ),
    Status.DECLINED: (
        "The program is not going ahead with your application. Your coordinator can tell you more."
    ),
}


def with_own_profile(view: PortalView) -> View:
    """Hand the view the signed-in volunteer's own profile. Someone with the volunteer role whose
    profile is not set up yet gets a calm "not ready yet" page (a 404)."""

    @wraps(view)
    def wrapped(request: AuthenticatedRequest) -> HttpResponse:
        try:
            profile = queries.own_profile(request)
        except Http404:
            return render(request, "volunteers/portal/no_profile.html", status=404)
        return view(request, profile)

    return wrapped


def capacity_cap(profile: VolunteerProfile) -> int:
    return min(3, profile.program.capacity_cap)


def current_agreement(profile: VolunteerProfile) -> Agreement | None:
    return Agreement.objects.filter(program_id=profile.program_id).order_by("-version").first()


def signed_versions(profile: VolunteerProfile) -> dict[int, datetime]:
    """{version: signed_at} for the versions of their program's agreement they have signed."""
    return {
        signature.agreement.version: signature.signed_at
        for signature in profile.signatures.all()
        if signature.agreement.program_id == profile.program_id
    }


def agreement_state(profile: VolunteerProfile, current: Agreement | None) -> str:
    """none (nothing published), signed (the current version), new_version (an older one only),
    or unsigned (never)."""
    if current is None:
        return "none"
    versions = signed_versions(profile)
    if current.version in versions:
        return "signed"
    return "new_version" if versions else "unsigned"


# --- Home -------------------------------------------------------------------------------------


@allow(roles(Role.VOLUNTEER))
@with_own_profile
def home(request: AuthenticatedRequest, profile: VolunteerProfile) -> HttpResponse:
    return home_page(request, profile)


def home_page(
    request: AuthenticatedRequest,
    profile: VolunteerProfile,
    *,
    capacity_form: CapacityForm | None = None,
    pause_form: PauseForm | None = None,
) -> HttpResponse:
    """The home page, with a refused capacity or pause form shown as it was typed."""
    today = timezone.localdate()
    cache = queries.RulesCache()
    matchability = queries.is_matchable(profile, rules=cache)
    rules = cache.for_program(profile.program)
    # Would they be matchable but for what they can do here themselves (resume, sign)? Then the
    # page points at that, not at the coordinator.
    facts = queries.volunteer_facts(profile, rules)
    fixable_here = evaluate(
        replace(facts, paused_until=None, signed_agreement=facts.current_agreement), today
    ).ok
    paused = profile.paused_until is not None and today < profile.paused_until
    return render(
        request,
        "volunteers/portal/home.html",
        {
            "profile": profile,
            "status_in_words": STATUS_IN_WORDS[Status(profile.status)],
            "matchability": matchability,
            "ask_coordinator": not matchability.ok and not fixable_here,
            "paused": paused,
            "can_pause": not paused and profile.status == Status.ACTIVE,
            "agreement_state": agreement_state(profile, rules.current_agreement),
            "wellbeing_due": not WellbeingCheck.objects.filter(
                volunteer=profile, month=today.replace(day=1)
            ).exists(),
            "has_second_factor": has_second_factor(request.user),
            "capacity_form": capacity_form
            or CapacityForm(initial={"capacity": profile.capacity}, cap=capacity_cap(profile)),
            "pause_form": pause_form or PauseForm(today=today),
            "home_matches": matches_on_volunteer_home(request),
        },
    )


@allow(roles(Role.VOLUNTEER))
@with_own_profile
def capacity(request: AuthenticatedRequest, profile: VolunteerProfile) -> HttpResponse:
    if request.method != "POST":
        return redirect("volunteers:home")
    form = CapacityForm(request.POST, cap=capacity_cap(profile))
    if form.is_valid():
        try:
            actions.set_capacity(profile, form.cleaned_data["capacity"], by=request.user)
        except ValidationError as error:
            form.add_error("capacity", error)
        else:
            people = "person" if profile.capacity == 1 else "people"
            messages.success(
                request, f"Saved. You can support up to {profile.capacity} {people} at once."
            )
            return redirect("volunteers:home")
    return home_page(request, profile, capacity_form=form)


@allow(roles(Role.VOLUNTEER))
@with_own_profile
def pause(request: AuthenticatedRequest, profile: VolunteerProfile) -> HttpResponse:
    if request.method != "POST":
        return redirect("volunteers:home")
    form = PauseForm(request.POST, today=timezone.localdate())
    if form.is_valid():
        try:
            actions.pause(
                profile,
                until=form.cleaned_data["until"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error("until", error)
        else:
            until = date_format(form.cleaned_data["until"], "j F Y")
            messages.success(
                request,
                f"Your pause is set until {until}. No one new will be matched with you before "
                "then. You can resume at any time.",
            )
            return redirect("volunteers:home")
    return home_page(request, profile, pause_form=form)


@allow(roles(Role.VOLUNTEER))
@with_own_profile
def resume(request: AuthenticatedRequest, profile: VolunteerProfile) -> HttpResponse:
    if request.method != "POST":
        return redirect("volunteers:home")
    actions.resume(profile, by=request.user)
    messages.success(request, "Welcome back. Your pause has ended.")
    return redirect("volunteers:home")


# --- Profile ------------------------------------------------------------------------------------


@allow(roles(Role.VOLUNTEER))
@with_own_profile
def profile(request: AuthenticatedRequest, profile: VolunteerProfile) -> HttpResponse:
    if request.method == "POST":
        form = ProfileForm(request.POST, volunteer=profile)
        if form.is_valid():
            data = form.cleaned_data
            actions.update_profile(
                profile,
                by=request.user,
                topics=form.chosen_topics(),
                languages=data["languages"],
                recovery_years=form.recovery_years(),
                about_me=data["about_me"],
                availability_note=data["availability_note"],
                region=data["region"],
                firm=data["firm"],
                practice_areas=data["practice_areas"],
            )
            messages.success(request, "Your profile is saved.")
            return redirect("volunteers:home")
    else:
        form = ProfileForm(
            volunteer=profile,
            initial={
                "topics": list(
                    active_topics()
                    .filter(slug__in=profile.topic_slugs or [])
                    .values_list("pk", flat=True)
                ),
                "about_me": profile.about_me,
                "availability_note": profile.availability_note,
                "languages": ", ".join(profile.languages),
                "region": profile.region,
                "firm": profile.firm or "",
                "practice_areas": ", ".join(profile.practice_areas or []),
            },
        )
    return render(request, "volunteers/portal/profile.html", {"profile": profile, "form": form})


# --- Agreement ----------------------------------------------------------------------------------


@allow(roles(Role.VOLUNTEER))
@with_own_profile
def agreement(request: AuthenticatedRequest, profile: VolunteerProfile) -> HttpResponse:
    current = current_agreement(profile)
    if request.method == "POST":
        form = AgreementForm(request.POST)
        if form.is_valid():
            # They sign the version they read: if another was published meanwhile, they read it.
            if current is None or form.cleaned_data["version"] != current.version:
                messages.warning(
                    request,
                    "The agreement changed while you were reading it. Please read this version, "
                    "then sign it.",
                )
                return redirect("volunteers:agreement")
            try:
                signature = actions.sign_agreement(
                    profile, by=request.user, version=form.cleaned_data["version"]
                )
            except ValidationError:
                messages.warning(
                    request,
                    "The agreement changed while you were reading it. Please read this version, "
                    "then sign it.",
                )
                return redirect("volunteers:agreement")
            messages.success(
                request,
                f"Thank you. You signed version {signature.agreement.version} of the agreement.",
            )
            return redirect("volunteers:home")
    else:
        form = AgreementForm(initial={"version": current.version if current else None})
    return render(
        request,
        "volunteers/portal/agreement.html",
        {
            "profile": profile,
            "agreement": current,
            "state": agreement_state(profile, current),
            "signed_at": signed_versions(profile).get(current.version) if current else None,
            "form": form,
        },
    )


# --- Support for the volunteer ------------------------------------------------------------------


@allow(roles(Role.VOLUNTEER))
@with_own_profile
def debrief(request: AuthenticatedRequest, profile: VolunteerProfile) -> HttpResponse:
    if request.method == "POST":
        form = DebriefForm(request.POST)
        if form.is_valid():
            actions.request_debrief(profile, note=form.cleaned_data["note"], by=request.user)
            messages.success(
                request,
                "Your coordinator has your request and will contact you to find a time to talk.",
            )
            return redirect("volunteers:home")
    else:
        form = DebriefForm()
    waiting = profile.debrief_requests.filter(resolved_at__isnull=True).order_by("requested_at")
    return render(
        request,
        "volunteers/portal/debrief.html",
        {"form": form, "waiting": [waiting_request.requested_at for waiting_request in waiting]},
    )


@allow(roles(Role.VOLUNTEER))
@with_own_profile
def wellbeing(request: AuthenticatedRequest, profile: VolunteerProfile) -> HttpResponse:
    this_month = profile.wellbeing_checks.filter(month=timezone.localdate().replace(day=1)).first()
    if request.method == "POST":
        form = WellbeingForm(request.POST)
        if form.is_valid():
            actions.record_wellbeing(profile, form.cleaned_data["score"], by=request.user)
            messages.success(request, "Thank you for telling us how you are doing.")
            return redirect("volunteers:home")
    else:
        form = WellbeingForm(initial={"score": this_month.score} if this_month else None)
    return render(
        request, "volunteers/portal/wellbeing.html", {"form": form, "this_month": this_month}
    )
