"""Settings for the test suite: production's, except that tests speak plain HTTP.

With DEBUG off, production redirects every request to https and marks cookies Secure;
the test client and live servers speak http (browsers and requests would not send a
Secure cookie back over it), so those three are turned off here. tests/test_settings.py
checks production's values.
"""

import tempfile

from kapso_dashboard.settings import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

# The job queue in a file of this test run's own (tests run a real consumer against it).
TEAM_QUEUE_URL = f"sqlite:///{tempfile.mkdtemp(prefix='kapso-test-queue-')}/queue.sqlite3"

# Most tests sign staff in with force_login and test something else; the second-factor gate
# has its own tests (tests/accounts/), which turn it on. Production's default is on
# (tests/test_settings.py).
MFA_REQUIRED_FOR_MANAGERS = False
