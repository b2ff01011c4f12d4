"""Test settings: Kindred's own settings, pointed at a throw-away data directory."""

import atexit
import os
import shutil
import tempfile

_DATA_DIR = tempfile.mkdtemp(prefix="kindred-test-")
atexit.register(shutil.rmtree, _DATA_DIR, ignore_errors=True)
os.environ["KINDRED_DATA_DIR"] = _DATA_DIR
# Debug mode only so that a secret key and a keyring are generated in the throw-away directory;
# Django's test runner turns DEBUG itself off.
os.environ["KINDRED_DEBUG"] = "1"
os.environ.pop("KINDRED_KEYRING", None)
os.environ.pop("KINDRED_SECRET_KEY", None)

from kindred.settings import *  # noqa: E402,F403
from kindred.settings import DATA_DIR, DATABASES  # noqa: E402

# Fast where it is safe: a cheap password hasher. Encryption stays real.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not :memory:, so tests can read what is really on disk and threads can share it.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# A model with every kind of encrypted field, for the tests of the confidential core only.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.confidential.testapp"]  # noqa: F405
