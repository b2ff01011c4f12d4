"""People who sign in (volunteers and staff) and the roles they hold in each program.

Participants never have a row here: they reach their own request with a reference and
passphrase (the Intake issue), so asking for help leaves no account behind.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from kindred.confidential.fields import EncryptedCharField, EncryptedModel
from kindred.programs.models import Program


class Role(models.TextChoices):
    VOLUNTEER = "volunteer", "Volunteer"
    COORDINATOR = "coordinator", "Coordinator"
    EXECUTIVE_DIRECTOR = "executive_director", "Executive Director"
    REPORTING_VIEWER = "reporting_viewer", "Reporting viewer"
    OPERATOR = "operator", "Operator"


STAFF_ROLES = frozenset(
    {Role.COORDINATOR, Role.EXECUTIVE_DIRECTOR, Role.REPORTING_VIEWER, Role.OPERATOR}
)
# Roles that run a program day to day (the Executive Director is also a coordinator).
PROGRAM_STAFF_ROLES = frozenset({Role.COORDINATOR, Role.EXECUTIVE_DIRECTOR})


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user


class User(EncryptedModel, AbstractBaseUser):
    # The sign-in address is a plain column because allauth looks it up; it says only that
    # someone volunteers or works for the program. Everything personal beyond it is encrypted.
    email = models.EmailField("email address", max_length=254, unique=True)
    full_name = EncryptedCharField("full name", blank=True, default="")
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    def __str__(self) -> str:
        return self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def _memberships(self) -> list[tuple[str, int | None]]:
        """(role, program id) of every membership, read once per request and kept on the user."""
        cached: list[tuple[str, int | None]] | None = getattr(self, "_kindred_memberships", None)
        if cached is None:
            cached = list(self.memberships.values_list("role", "program_id"))
            self._kindred_memberships = cached
        return cached

    def role_names(self) -> list[str]:
        """Every role this person holds, in any program (cached for the request)."""
        return sorted({role for role, _ in self._memberships()})

    def roles_in(self, program_id: int) -> list[str]:
        """The roles this person holds in one program (from the same cached read)."""
        return sorted({role for role, program in self._memberships() if program == program_id})

    def has_role(self, *roles: str) -> bool:
        return bool(set(roles) & set(self.role_names()))

    @property
    def is_staff_member(self) -> bool:
        return self.has_role(*STAFF_ROLES)

    def programs_with_role(self, *roles: str) -> models.QuerySet[Program]:
        return Program.objects.filter(
            memberships__user=self, memberships__role__in=roles
        ).distinct()


class AuthenticatedRequest(HttpRequest):
    """For type checking views that the access policy only lets signed-in people reach."""

    user: User


class Membership(models.Model):
    """A role held in a program. Operators run the installation, so theirs has no program."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    role = models.CharField(max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "program", "role"], name="membership_unique_role"
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(program__isnull=True),
                name="membership_unique_operator",
            ),
            models.CheckConstraint(
                condition=(Q(role="operator") & Q(program__isnull=True))
                | (~Q(role="operator") & Q(program__isnull=False)),
                name="membership_program_unless_operator",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} in {self.program or 'the installation'}"
