"""Django settings, built from the validated environment (see rowbook/config.py)."""

from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from rowbook import config

_result = config.load()
if _result.problems:
    # The CLI and wsgi.py validate first and print these one per line; this
    # only fires for other entry points (e.g. a bare django-admin).
    raise ImproperlyConfigured("\n".join(_result.problems))
ENV = _result.values
CONFIG_WARNINGS = _result.warnings
# What a secret's NAME_FILE ends with after the value (config.file_ending), by NAME.
SECRET_FILE_ENDINGS = _result.file_endings

BASE_DIR = Path(__file__).resolve().parent

SECRET_KEY = ENV["SECRET_KEY"]
# Old keys: sessions signed with them stay valid, and stored database passwords
# encrypted with them stay readable (rowbook/connections/crypto.py).
SECRET_KEY_FALLBACKS = list(ENV["SECRET_KEY_FALLBACKS"] or ())
DEBUG = ENV["ROWBOOK_DEBUG"]
# Its error page shows no secret, not even a stored database's password (rowbook/core/debug.py).
DEFAULT_EXCEPTION_REPORTER_FILTER = "rowbook.core.debug.SecretsHidden"
DOMAIN_NAME = ENV["DOMAIN_NAME"]
EXTRA_HOSTS = ENV["ROWBOOK_EXTRA_HOSTS"] or []
# Any other Host gets rowbook.core.unknown_host's 400 page.
ALLOWED_HOSTS = [DOMAIN_NAME, *EXTRA_HOSTS, "localhost", "127.0.0.1"]
# Behind a TLS proxy (ROWBOOK_TRUST_PROXY) forms come from https:// pages only:
# trusting http://DOMAIN too would let a page served in clear post as the user.
CSRF_TRUSTED_ORIGINS = [f"{scheme}://{host}" for host in (DOMAIN_NAME, *EXTRA_HOSTS)
                        for scheme in (("https",) if ENV["ROWBOOK_TRUST_PROXY"] else ("https", "http"))]
# A refused form: a page that says why and what to do, not "CSRF verification failed".
CSRF_FAILURE_VIEW = "rowbook.core.csrf.failure"

# Parsed connection params of the 0.1.1 single user database, or None.
ROWBOOK_USER_DATABASE = ENV["ROWBOOK_USER_DATABASE_URL"]

# The About page: how this Rowbook was installed, and where to look for releases.
ROWBOOK_INSTALL_METHOD = ENV["ROWBOOK_INSTALL_METHOD"]
ROWBOOK_UPDATE_CHECK = ENV["ROWBOOK_UPDATE_CHECK"]
ROWBOOK_RELEASE_FEED_URL = ENV["ROWBOOK_RELEASE_FEED_URL"]

INSTALLED_APPS = [
    "rowbook.core",
    "rowbook.connections",
    "rowbook.browser",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
]

MIDDLEWARE = [
    "rowbook.core.unknown_host.UnknownHostMiddleware",  # first: before anything asks for the host
    "rowbook.core.database_down.DatabaseBackMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before the middlewares that set cookies: a response passes it after them.
    "rowbook.core.middleware.SecureCookiesOnHttpsMiddleware",
    "rowbook.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a paused sign-in into its 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "rowbook.urls"
WSGI_APPLICATION = "rowbook.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rowbook.core.context.rowbook",
            ],
        },
    },
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": ENV["POSTGRES_HOST"],
        "PORT": ENV["POSTGRES_PORT"],
        "USER": ENV["POSTGRES_USER"],
        "PASSWORD": ENV["POSTGRES_PASSWORD"],
        "NAME": ENV["POSTGRES_DB"],
        "OPTIONS": {"connect_timeout": 5, "application_name": "rowbook"},
    }
}
# Per-process memory cache: holds the release feed (see rowbook/core/release_feed.py).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                      "LOCATION": "rowbook"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed sign-ins are limited per user name and per client address
# (rowbook/core/sign_in.py; django-axes, its failures stored in this database).
AUTHENTICATION_BACKENDS = [
    "rowbook.core.sign_in.SignInLimit",  # first: a paused client's password is not even checked
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = ENV["ROWBOOK_SIGN_IN_ATTEMPTS"]
AXES_COOLOFF_TIME = timedelta(minutes=ENV["ROWBOOK_SIGN_IN_PAUSE_MINUTES"])
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one reaching the limit pauses
# A success must not clear the count: django-axes would clear the address's
# failures too, and an attacker with an account could then guess on forever.
AXES_RESET_ON_SUCCESS = False
# Attempts during a pause do not prolong it: the real user can sign in after it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_DISABLE_ACCESS_LOG = True  # failures only; no table of every sign-in
AXES_ENABLE_ADMIN = False
AXES_CLIENT_IP_CALLABLE = "rowbook.core.sign_in.client_address"
AXES_CLIENT_STR_CALLABLE = "rowbook.core.sign_in.described"
AXES_LOCKOUT_CALLABLE = "rowbook.core.sign_in.paused"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Served by WhiteNoise straight from the package: no collectstatic step.
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Secure defaults. Cookies get the Secure flag per request when it is https
# (see SecureCookiesOnHttpsMiddleware), so plain-http installs still work.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # no JavaScript reads the token
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# HSTS: sent by SecurityMiddleware on https responses only, so plain-http
# installs are unaffected; after one https visit the browser never uses http
# for this host again (a year; not the subdomains, which are not Rowbook's).
SECURE_HSTS_SECONDS = 31536000
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if ENV["ROWBOOK_TRUST_PROXY"]:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {
            "()": "rowbook.core.logsafe.RedactingFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s: %(message)s",
        },
    },
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "filters": {
        "database_down": {"()": "rowbook.core.database_down.DatabaseDownTracebacks"},
    },
    "root": {"handlers": ["stderr"], "level": ENV["ROWBOOK_LOG_LEVEL"]},
    "loggers": {
        # One line per outage (rowbook.database), not a traceback per request.
        "django.request": {"filters": ["database_down"]},
        # Debug SQL would print query parameters; keep it out of the logs.
        "django.db.backends": {"level": "INFO"},
        # Each failed sign-in and each pause (WARNING); not every success.
        "axes": {"level": "WARNING"},
    },
}
