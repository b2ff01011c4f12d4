"""Kindred's one settings module, configured from the environment (see README's table)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from kindred.confidential import keyfile as keyring_file
from kindred.config import env_bool, env_int, env_list, env_path, env_secret, env_str

PACKAGE_DIR = Path(__file__).resolve().parent

DEBUG = env_bool("KINDRED_DEBUG", default=False)
DATA_DIR = env_path("KINDRED_DATA_DIR", Path("var"))


def _generated_secret(path: Path, make: str) -> str:
    """Debug/demo only: a secret made once and kept under the data directory (mode 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        with path.open("x", encoding="utf-8") as handle:
            path.chmod(0o600)
            handle.write(make)
    return path.read_text(encoding="utf-8").strip()


# --- Secrets -------------------------------------------------------------------------------
SECRET_KEY = env_secret("KINDRED_SECRET_KEY") or ""
KEYRING_PATH = env_path("KINDRED_KEYRING", DATA_DIR / "keyring.json")
if DEBUG:
    if not SECRET_KEY:
        SECRET_KEY = _generated_secret(DATA_DIR / "secret_key", secrets.token_urlsafe(64))
    if "KINDRED_KEYRING" in os.environ:
        # A keyring someone named is never replaced: a typo in the path, or a keyring not yet
        # restored from backup, would otherwise start the app with fresh keys that open nothing
        # already stored, and sign new audit entries no one can check against the real key.
        try:
            keyring_file.load(KEYRING_PATH)
        except keyring_file.KeyringError as error:
            raise ImproperlyConfigured(
                f"KINDRED_KEYRING: {error}. Kindred makes a keyring only at the default path "
                "under KINDRED_DATA_DIR, never at one you named (use `kindred create_keyring`)."
            ) from None
    elif not KEYRING_PATH.exists():
        keyring_file.create(KEYRING_PATH)
else:
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "KINDRED_SECRET_KEY (or KINDRED_SECRET_KEY_FILE) must hold a random secret of at "
            "least 50 characters when KINDRED_DEBUG is off."
        )
    if "KINDRED_KEYRING" not in os.environ:
        raise ImproperlyConfigured(
            "KINDRED_KEYRING must name the keyring file when KINDRED_DEBUG is off "
            "(create one with `kindred create_keyring PATH`)."
        )
    try:
        keyring_file.load(KEYRING_PATH)
    except keyring_file.KeyringError as error:
        raise ImproperlyConfigured(f"KINDRED_KEYRING: {error}") from None
    if KEYRING_PATH.stat().st_mode & 0o077:
        raise ImproperlyConfigured(
            "KINDRED_KEYRING: the keyring file is readable by other users; `chmod 600` it."
        )

# --- Hosts and proxies ---------------------------------------------------------------------
ALLOWED_HOSTS = env_list(
    "KINDRED_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("KINDRED_ALLOWED_HOSTS must list the host names Kindred serves.")
CSRF_TRUSTED_ORIGINS = env_list("KINDRED_CSRF_TRUSTED_ORIGINS", [])
# How many reverse proxies stand in front of the app; their X-Forwarded-For entries are trusted
# for the client address (used by sign-in throttling) and X-Forwarded-Proto for HTTPS.
TRUSTED_PROXY_COUNT = env_int("KINDRED_TRUSTED_PROXY_COUNT", 0, minimum=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
if TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Applications --------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",  # allauth's session and security-key lists use it
    "django.forms",  # the form renderer reads widget templates through TEMPLATES
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "kindred.web",
    "kindred.confidential",
    "kindred.programs",
    "kindred.accounts",
    "kindred.topics",
    "kindred.volunteers",
    "kindred.intake",
    "kindred.matching",
    "kindred.support",
    "kindred.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kindred.confidential.logging.ForgetDecryptedValuesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "kindred.web.middleware.PrivacyHeadersMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "kindred.accounts.middleware.UserActivityMiddleware",  # allauth usersessions, throttled
    "kindred.accounts.middleware.SessionLifetimeMiddleware",
    "kindred.accounts.middleware.StaffTwoFactorMiddleware",
    "kindred.intake.participant_access.ParticipantAccessMiddleware",
    "kindred.confidential.access.AccessPolicyMiddleware",
]

ROOT_URLCONF = "kindred.urls"
WSGI_APPLICATION = "kindred.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Project templates first, so they override allauth's defaults.
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kindred.web.context_processors.site",
            ],
        },
    }
]
FORM_RENDERER = "kindred.web.forms.AccessibleFormRenderer"

# --- Database ------------------------------------------------------------------------------
SQLITE_PATH = DATA_DIR / "kindred.sqlite3"
_database_url = env_str("DATABASE_URL")
if _database_url:
    try:
        # Health checks: a connection kept open (CONN_MAX_AGE) is tested before a request uses
        # it, so a restarted PostgreSQL costs a reconnect instead of a 500 on the next request.
        DATABASES = {
            "default": dj_database_url.parse(
                _database_url, conn_max_age=60, conn_health_checks=True
            )
        }
    except ValueError:
        raise ImproperlyConfigured(
            "DATABASE_URL is not a database URL Kindred understands."
        ) from None
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(SQLITE_PATH),
            "OPTIONS": {
                # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock
                # when a transaction starts, so concurrent writers queue instead of failing.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                    # Freed pages are zeroed: a passphrase or session that was deleted does not
                    # linger in the file.
                    "PRAGMA secure_delete=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # Connections are not kept between requests on SQLite (CONN_MAX_AGE 0); the check
            # is on anyway, so both databases behave alike if that ever changes.
            "CONN_HEALTH_CHECKS": True,
        }
    }
    # The database file and its -wal/-shm companions are made readable by their owner only:
    # kindred.confidential.database_files does it each time a connection opens.
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared between processes (rate limits, allauth's stashes): the database, so nothing that
# another process needs lives in one process's memory.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "kindred_cache",
        # The default (300 entries) would let a flood of requests cull rate-limit counters and
        # idempotency tokens early.
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
}

# --- Accounts and sign-in ------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    # Django's bundled list of about 20,000 common breached passwords.
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # How guessable it is (zxcvbn): refuses "Summer2026!!" and "P@ssw0rd2026" with advice.
    {"NAME": "kindred.accounts.passwords.GuessabilityValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "start"
ACCOUNT_ADAPTER = "kindred.accounts.adapter.KindredAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"  # accounts are made by staff, never by sign-up
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
# A password reset for an address with no account sends nothing (allauth would otherwise email
# the address to say it has no account): the page reads the same either way, and no mail goes to
# a stranger's inbox because someone typed their address.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Kindred: "
# Per client address, and per (client address, account): see KindredAccountAdapter for why there
# is deliberately no limit on an account alone. (The linters mistake a rate for a password.)
_RESET_PASSWORD_RATE = "20/m/ip,5/m/key"  # noqa: S105  # nosec B105
ACCOUNT_RATE_LIMITS = {
    "login_failed": "20/10m/ip,5/5m/key",
    "reset_password": _RESET_PASSWORD_RATE,
}
MFA_ADAPTER = "kindred.accounts.mfa_adapter.KindredMFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "Kindred"
MFA_PASSKEY_LOGIN_ENABLED = False
# allauth refuses a new authenticator while an address is unverified, against someone signing up
# with another person's address. There is no sign-up here (staff create accounts), and with the
# refusal a staff member whose address allauth lists as unverified could never set up the second
# factor StaffTwoFactorMiddleware demands, and so could open no page at all.
MFA_ALLOW_UNVERIFIED_EMAIL = True
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
USERSESSIONS_ADAPTER = "kindred.accounts.usersessions_adapter.KindredUserSessionsAdapter"
USERSESSIONS_TRACK_ACTIVITY = True

# Session lifetime: staff are signed out after this many idle minutes; everyone after the
# absolute maximum. Sessions also end when the browser closes (shared computers).
STAFF_IDLE_MINUTES = env_int("KINDRED_STAFF_IDLE_MINUTES", 30, minimum=1)
SESSION_MAX_HOURS = env_int("KINDRED_SESSION_MAX_HOURS", 12, minimum=1)
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
# Flash messages live in the session (the database), never in a cookie of their own: one cookie
# fewer to prefix, and a message never travels in the browser's cookie jar.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
# Cookie names get this prefix in production (below). Any cookie Kindred sets itself should be
# named f"{COOKIE_PREFIX}kindred-…" and be Secure, on path "/", with no Domain.
COOKIE_PREFIX = ""

# --- Transport and headers -----------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("KINDRED_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("KINDRED_HSTS_SECONDS", 63072000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("KINDRED_HSTS_PRELOAD", default=False)
    # __Host- cookies: Secure, path /, no Domain: no sibling host can set or read them. Every
    # cookie the app can set is named here, including those no page sets today (the language
    # cookie, allauth's "trust this browser" cookie), so none can appear later without the prefix.
    COOKIE_PREFIX = "__Host-"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = f"{COOKIE_PREFIX}kindred-session"
    CSRF_COOKIE_NAME = f"{COOKIE_PREFIX}kindred-csrf"
    LANGUAGE_COOKIE_NAME = f"{COOKIE_PREFIX}kindred-language"
    LANGUAGE_COOKIE_HTTPONLY = True
    LANGUAGE_COOKIE_SAMESITE = "Lax"
    MFA_TRUST_COOKIE_NAME = f"{COOKIE_PREFIX}kindred-mfa-trust"
    MFA_TRUST_COOKIE_SECURE = True
    MFA_TRUST_COOKIE_PATH = "/"
    MFA_TRUST_COOKIE_DOMAIN = None
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# HSTS preload is opt-in (KINDRED_HSTS_PRELOAD): a domain on the browsers' preload list is slow to
# take off it, so the deployer decides, and `check --deploy` does not fail on the default.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        # allauth shows the TOTP QR code as an inline SVG data: URI.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
        "manifest-src": [SELF],
    }
}

# --- Static files --------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- Email ---------------------------------------------------------------------------------
EMAIL_HOST = env_str("KINDRED_EMAIL_HOST", "") or ""
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("KINDRED_EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("KINDRED_EMAIL_HOST_USER", "") or ""
    EMAIL_HOST_PASSWORD = env_secret("KINDRED_EMAIL_HOST_PASSWORD") or ""
    EMAIL_USE_TLS = env_bool("KINDRED_EMAIL_USE_TLS", default=True)
    EMAIL_USE_SSL = env_bool("KINDRED_EMAIL_USE_SSL", default=False)
    EMAIL_TIMEOUT = 15
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "mail"
else:
    raise ImproperlyConfigured("KINDRED_EMAIL_HOST must name an SMTP server when debug is off.")
DEFAULT_FROM_EMAIL = env_str("KINDRED_DEFAULT_FROM_EMAIL", "Kindred <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS: list[tuple[str, str]] = []  # no error emails: they would carry request data

# --- Kindred -------------------------------------------------------------------------------
AUDIT_CHECKPOINT_DIR = env_path("KINDRED_AUDIT_CHECKPOINT_DIR", DATA_DIR / "audit-checkpoints")
QUICK_EXIT_URL = env_str("KINDRED_QUICK_EXIT_URL", "https://weather.gc.ca/") or ""
PROGRAM_NAME = env_str("KINDRED_PROGRAM_NAME", "Kindred Peer Support") or ""
# Who else hears of an urgent request when its program's own alert cannot be sent: every
# Executive Director of the installation, plus these addresses (a shared on-call inbox or pager).
ONCALL_EMAILS = env_list("KINDRED_ONCALL_EMAILS", [])

LANGUAGE_CODE = "en-ca"
TIME_ZONE = env_str("KINDRED_TIME_ZONE", "America/Edmonton") or "UTC"
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "confidential": {"()": "kindred.confidential.logging.RedactConfidentialFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["confidential"],
            "formatter": "plain",
        },
    },
    "root": {"handlers": ["console"], "level": env_str("KINDRED_LOG_LEVEL", "INFO")},
    "loggers": {
        # Request logging would print paths and, on errors, request bodies.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
