"""Settings for the test suite: production's, except that tests speak plain HTTP.

With DEBUG off, production redirects every request to https and marks cookies Secure;
the test client and live servers speak http (browsers and requests would not send a
Secure cookie back over it), so those three are turned off here. tests/test_security.py
checks production's values.
"""

from kapso_dashboard.settings import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
