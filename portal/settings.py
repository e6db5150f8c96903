"""One settings module, driven by environment variables.

With no environment set the portal runs embedded (SQLite, eager Celery, console
e-mail, files under var/). Production sets DATABASE_URL, REDIS_URL and friends;
see README.md for the full list.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from portal.configuration import (
    REDIS_SCHEMES,
    database_url,
    email_address,
    env_or_exit,
    existing_file,
    json_mapping,
    log_level,
    network_list,
    redis_caches,
    strict_bool,
    url_reader,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("PORTAL_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

DEBUG = env_or_exit(strict_bool, "DEBUG", default=False)
TESTING = env_or_exit(strict_bool, "PORTAL_TESTING", default="pytest" in sys.modules)
_default_secret = "embedded-demo-secret-key-not-for-production-use-0123456789"  # noqa: S105 - embedded demo only
SECRET_KEY = env_or_exit(env.str, "SECRET_KEY", default="")
if not SECRET_KEY:
    if DEBUG or TESTING or not env.str("DATABASE_URL", default=""):
        SECRET_KEY = _default_secret
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY: this environment variable is required in production (DEBUG off, "
            "DATABASE_URL set); use 50 or more random characters."
        )

EMBEDDED = not env.str("DATABASE_URL", default="")
ALLOWED_HOSTS = env_or_exit(
    env.list, "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_or_exit(env.list, "CSRF_TRUSTED_ORIGINS", default=[])
PORTAL_BASE_URL = env_or_exit(
    url_reader({"http", "https"}), "PORTAL_BASE_URL", default="http://127.0.0.1:8000"
)
PORTAL_BRAND = env.str("PORTAL_BRAND", default="IBM Customer Service Online")
PORTAL_ID_NAME = env.str("PORTAL_ID_NAME", default="IBM ID")
# Home figures and list totals kept this long per company, dropped as soon as a row of
# the company changes (portal.company_cache). 0: computed on every page (the default
# for the test suite, whose tests enable it where they test it).
COMPANY_CACHE_SECONDS = env_or_exit(env.int, "COMPANY_CACHE_SECONDS", default=0 if TESTING else 60)
# The signed-in user, memberships and authorizations kept this long in the shared cache,
# re-read as soon as one of them changes (portal.identity). Only with Redis (a cache
# shared by every process) or in the test suite (one process); 0: read from the
# database on every request.
IDENTITY_CACHE_SECONDS = env_or_exit(
    env.int,
    "IDENTITY_CACHE_SECONDS",
    default=300 if (env.str("REDIS_URL", default="") or TESTING) else 0,
)
ADMIN_PATH = env.str("ADMIN_PATH", default="agents/").strip("/") + "/"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "portal.static_files.PortalStaticFilesConfig",  # django.contrib.staticfiles, without PDF-only files
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "django_filters",
    "csp",
    "portal",
    "requests_inbox",
    "orders",
    "invoices",
    "statements",
    "contracts",
    "inventory",
]

MIDDLEWARE = [
    "portal.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.middleware.PrivateResponsesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "portal.middleware.RejectNullCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "portal.identity.IdentityAuthenticationMiddleware",  # Django's, user read from the identity entry
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "portal.middleware.UserLanguageMiddleware",
    "portal.middleware.ActiveCompanyMiddleware",
    "portal.middleware.IdRangeMiddleware",
    "portal.time_zones.UserTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.middleware.PortalCSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

FORM_RENDERER = "portal.form_rendering.PortalFormRenderer"  # <select> without per-option templates
ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
if EMBEDDED:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "portal.sqlite3",
            "OPTIONS": {"timeout": 20},
        }
    }
else:
    DATABASES = {"default": env_or_exit(database_url, "DATABASE_URL")}
    # DB_POOL_SIZE > 0: each process keeps a psycopg 3 pool of up to that many connections
    # (one per thread serving requests is enough); a request takes one and gives it back,
    # without the "is it still alive?" round trip persistent connections cost on every
    # request. The web tier sets it (gunicorn.conf.py); 0 (Celery, commands): Django's
    # persistent connections (CONN_MAX_AGE), which survive the worker's fork.
    DB_POOL_SIZE = env_or_exit(env.int, "DB_POOL_SIZE", default=0)
    if DB_POOL_SIZE > 0 and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {  # type: ignore[index]
            "min_size": 1,
            "max_size": DB_POOL_SIZE,
            "timeout": env_or_exit(env.int, "DB_POOL_TIMEOUT", default=10),
        }
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env_or_exit(env.int, "CONN_MAX_AGE", default=60)
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A streaming replica (portal.db_router): list and detail pages read it while it is no more
# than DATABASE_REPLICA_MAX_LAG seconds behind; a user who has just written reads the
# primary for DATABASE_REPLICA_PIN_SECONDS (at least the lag bound).
DATABASE_REPLICA_MAX_LAG = env_or_exit(env.float, "DATABASE_REPLICA_MAX_LAG", default=5.0)
DATABASE_REPLICA_PIN_SECONDS = max(
    env_or_exit(env.int, "DATABASE_REPLICA_PIN_SECONDS", default=15),
    int(DATABASE_REPLICA_MAX_LAG + 1),
)
if not EMBEDDED and env.str("DATABASE_REPLICA_URL", default=""):
    replica = env_or_exit(database_url, "DATABASE_REPLICA_URL")
    DATABASES["replica"] = {
        **replica,
        "OPTIONS": {**replica.get("OPTIONS", {}), "connect_timeout": 2},
        "CONN_MAX_AGE": env_or_exit(env.int, "CONN_MAX_AGE", default=60),
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["portal.db_router.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.LoginRequiredMiddleware") + 1,
        "portal.db_router.ReplicaReadsMiddleware",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery -----------------------------------------------------------
REDIS_URL = env_or_exit(url_reader(REDIS_SCHEMES), "REDIS_URL", default="")
if REDIS_URL:
    CACHES = redis_caches(REDIS_URL)
    if TESTING:
        # Parallel test processes (and earlier runs) share the Redis server: each run and
        # process gets its own keys, so rate-limit counters never leak between them.
        prefix = "test-{}-{}".format(
            os.environ.get("PYTEST_XDIST_TESTRUNUID", os.getpid()),
            os.environ.get("PYTEST_XDIST_WORKER", "main"),
        )
        for alias in CACHES.values():
            alias["BACKEND"] = "portal.cache_backends.PrefixedRedisCache"
            alias["KEY_PREFIX"] = prefix
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "limits": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "limits",
        },
    }

CELERY_BROKER_URL = REDIS_URL or "memory://"
# Embedded mode and the test suite run tasks in process; the worker tests start a
# real worker on Redis and switch eager mode off for themselves.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL or TESTING
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# max_retries 0: with Redis down, publishing fails at once (the outbox row waits for the
# sweep) instead of kombu retrying for ~6 s inside every request that sends an e-mail.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": 2,
    "max_retries": 0,
}
CELERY_TIMEZONE = "Europe/Paris"
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "portal.tasks.outbox_sweep", "schedule": timedelta(minutes=1)},
    "jobs-sweep": {"task": "portal.tasks.jobs_sweep", "schedule": timedelta(minutes=5)},
}
# Beat keeps its schedule in Redis (celery-redbeat) and holds a Redis lock while it runs:
# a second beat process started by mistake (two replicas, a rollout overlapping the old
# pod) waits for the lock instead of publishing every periodic task a second time. The
# lock lapses CELERY_REDBEAT_LOCK_TIMEOUT seconds after its holder died (it is renewed at
# least every CELERY_BEAT_MAX_LOOP_INTERVAL seconds).
if REDIS_URL:
    CELERY_BEAT_SCHEDULER = "redbeat.RedBeatScheduler"
    CELERY_REDBEAT_REDIS_URL = REDIS_URL
    CELERY_BEAT_MAX_LOOP_INTERVAL = 30
    CELERY_REDBEAT_LOCK_TIMEOUT = 150
# Apps add their periodic tasks here, next to the one above (kept in one place).
CELERY_BEAT_SCHEDULE.update(
    {
        "requests-due-reminders": {
            "task": "requests_inbox.tasks.due_reminders",
            "schedule": timedelta(minutes=15),
        },
        "requests-auto-close": {
            "task": "requests_inbox.tasks.auto_close",
            "schedule": crontab(minute=10, hour=3),
        },
        "orders-scheduled-reports": {
            "task": "orders.tasks.scheduled_reports",
            "schedule": crontab(minute=0, hour=6),
        },
        "invoices-overdue-scan": {
            "task": "invoices.tasks.overdue_scan",
            "schedule": crontab(minute=30, hour=5),
        },
        "statements-monthly": {
            "task": "statements.tasks.monthly_statements",
            "schedule": crontab(minute=0, hour=7),
        },
        "contracts-expiry-notices": {
            "task": "contracts.tasks.expiry_notices",
            "schedule": crontab(minute=0, hour=6),
        },
    }
)

# --- Auth and allauth -----------------------------------------------------------
AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_ADAPTER = "portal.accounts.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# Password sign-ins are limited by portal.accounts (per client and per (client, account),
# allowed through while Redis is down); allauth's "login_failed" here guards the second
# factor only (its key is the user), and, like sign-up and resets, refuses while Redis is
# down (its lock cannot be taken).
ACCOUNT_RATE_LIMITS = {
    "login": "",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
}
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Password, e-mail and two-step verification changes are told to the user by e-mail.
ACCOUNT_EMAIL_NOTIFICATIONS = True
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = PORTAL_ID_NAME

SESSION_COOKIE_AGE = 30 * 60  # idle limit: pushed forward by activity (portal.middleware)
SESSION_REFRESH_SECONDS = 60  # ... at most once a minute, not one write per page
SESSION_ABSOLUTE_MAX_AGE = 12 * 60 * 60
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)

# --- Internationalisation ---------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
# Date-time formats name the zone; each user sees their own (portal.time_zones).
FORMAT_MODULE_PATH = ["portal.formats"]
USE_I18N = True
USE_TZ = True

# --- Static and files ---------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = DEBUG or EMBEDDED or TESTING
WHITENOISE_AUTOREFRESH = WHITENOISE_USE_FINDERS
# Each parallel test process (pytest-xdist) keeps its files apart from the others'.
_TEST_FILES = VAR_DIR / "test-files" / os.environ.get("PYTEST_XDIST_WORKER", "main")
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(_TEST_FILES if TESTING else VAR_DIR / "files"))
AWS_STORAGE_BUCKET_NAME = env_or_exit(env.str, "S3_BUCKET", default="")
if AWS_STORAGE_BUCKET_NAME:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env_or_exit(
                url_reader({"http", "https"}), "S3_ENDPOINT_URL", default=""
            )
            or None,
            "access_key": env_or_exit(env.str, "S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env_or_exit(env.str, "S3_SECRET_ACCESS_KEY", default="") or None,
            "region_name": env_or_exit(env.str, "S3_REGION", default="") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 60,
            "signature_version": "s3v4",
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": None},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if (DEBUG or TESTING or EMBEDDED)
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
PORTAL_UPLOAD_MAX_BYTES = env_or_exit(env.int, "UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
PORTAL_MESSAGE_MAX_BYTES = env_or_exit(env.int, "MESSAGE_MAX_BYTES", default=25 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Optional malware scan of uploads by ClamAV (portal/malware.py): tcp://host:3310 or
# unix:///path/to/clamd.sock. Empty: no scan.
CLAMD_URL = env.str("CLAMD_URL", default="")
CLAMD_TIMEOUT = env_or_exit(env.float, "CLAMD_TIMEOUT", default=10.0)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- E-mail ------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Customer Service Online <no-reply@example.com>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env_or_exit(env.int, "EMAIL_TIMEOUT", default=10)
if env.str("EMAIL_URL", default=""):
    vars().update(env_or_exit(env.email_url, "EMAIL_URL"))
    EMAIL_TIMEOUT = env_or_exit(env.int, "EMAIL_TIMEOUT", default=10)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
NOTIFY_RETRY_FOR = timedelta(hours=env_or_exit(env.int, "NOTIFY_RETRY_HOURS", default=2))
NOTIFY_BACKOFF_CAP = timedelta(minutes=10)

# --- Security ---------------------------------------------------------------------
SECURE = not (DEBUG or EMBEDDED or TESTING)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = SECURE and env_or_exit(strict_bool, "SECURE_SSL_REDIRECT", default=True)
# The container health check asks over plain HTTP from inside the container.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# No SECURE_PROXY_SSL_HEADER: Django would believe X-Forwarded-Proto from any client.
# The scheme comes from the WSGI server, and gunicorn (gunicorn.conf.py) takes it from
# X-Forwarded-Proto only when the connection comes from FORWARDED_ALLOW_IPS (the proxy).
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Browser features the portal never uses (portal.middleware.PrivateResponsesMiddleware).
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)
# Pages are never framed; inline documents (PDF previews) allow same-origin frames
# themselves in portal.files.serve_storage.
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    }
}

# --- Client address and rate limits (portal.client_address, portal.ratelimits) -------
# Addresses or networks of the reverse proxies in front of the application: only a
# connection from one of them has its X-Forwarded-For believed (portal.client_address).
TRUSTED_PROXIES = env_or_exit(network_list, "TRUSTED_PROXIES", default="")
GUEST_LOOKUP_LIMIT_PER_IP = env_or_exit(env.int, "GUEST_LOOKUP_LIMIT_PER_IP", default=10)
GUEST_LOOKUP_LIMIT_PER_CUSTOMER = env_or_exit(
    env.int, "GUEST_LOOKUP_LIMIT_PER_CUSTOMER", default=10
)
INVOICE_SHARE_LINK_DAYS = env_or_exit(env.int, "INVOICE_SHARE_LINK_DAYS", default=14)
# The selling entity per country of the customer (invoices, credit notes, statements):
# a JSON object keyed by ISO country code whose values override invoices/sellers.py.
INVOICE_SELLERS = env_or_exit(json_mapping, "INVOICE_SELLERS", default={})
# Up to this many PDFs a ZIP of invoices streams in the response; more go to the worker.
INVOICE_ZIP_DIRECT_MAX = env_or_exit(env.int, "INVOICE_ZIP_DIRECT_MAX", default=5)
CONTRACT_EXPIRY_THRESHOLDS = env_or_exit(
    lambda name, default: env.list(name, cast=int, default=default),
    "CONTRACT_EXPIRY_THRESHOLDS",
    default=[90, 30, 7],
)
# The PKCS#12 certificate sealing signed contracts (none: a throwaway one, see contracts.signing).
CONTRACT_SIGNING_P12 = env_or_exit(existing_file, "CONTRACT_SIGNING_P12", default="")
CONTRACT_SIGNING_P12_PASSWORD = env_or_exit(env.str, "CONTRACT_SIGNING_P12_PASSWORD", default="")
# My requests: Reply-To of request e-mails (answers by e-mail) and the reminders' queue address.
REQUESTS_REPLY_TO = env_or_exit(email_address, "REQUESTS_REPLY_TO", default="")
INBOUND_IMAP_URL = env_or_exit(url_reader({"imap", "imaps"}), "INBOUND_IMAP_URL", default="")
# The authserv-id of our own mail server's Authentication-Results header: a reply whose
# sender passed DKIM/DMARC/SPF there is trusted even without the per-request address.
INBOUND_AUTHSERV_ID = env.str("INBOUND_AUTHSERV_ID", default="")
if INBOUND_IMAP_URL:  # answers by e-mail are read every two minutes
    CELERY_BEAT_SCHEDULE["requests-fetch-replies"] = {
        "task": "requests_inbox.tasks.fetch_replies",
        "schedule": timedelta(minutes=2),
    }
REQUESTS_QUEUE_EMAIL = env_or_exit(email_address, "REQUESTS_QUEUE_EMAIL", default="")

# --- Long work (portal/jobs.py) -------------------------------------------------------
# Running or waiting jobs (ZIPs, large exports, report e-mails, statement PDFs) allowed at
# once per user and per company; beyond, the request is refused with a clear message.
JOBS_MAX_ACTIVE_PER_USER = env_or_exit(env.int, "JOBS_MAX_ACTIVE_PER_USER", default=2)
JOBS_MAX_ACTIVE_PER_COMPANY = env_or_exit(env.int, "JOBS_MAX_ACTIVE_PER_COMPANY", default=5)
# A finished job's file is kept this long, and a user keeps at most this many jobs.
JOBS_KEEP_HOURS = env_or_exit(env.int, "JOBS_KEEP_HOURS", default=24)
JOBS_KEEP_PER_USER = env_or_exit(env.int, "JOBS_KEEP_PER_USER", default=20)
# Exports of more rows than this are built by a worker instead of inside the request.
EXPORT_DIRECT_MAX_ROWS = env_or_exit(env.int, "EXPORT_DIRECT_MAX_ROWS", default=5000)
# A list printed with ?print=all shows its whole selection up to this many rows (portal.printing).
PRINT_MAX_ROWS = env_or_exit(env.int, "PRINT_MAX_ROWS", default=1000)
# "E-mail this report": sends allowed per hour per user and per company.
REPORT_EMAILS_PER_HOUR_USER = env_or_exit(env.int, "REPORT_EMAILS_PER_HOUR_USER", default=5)
REPORT_EMAILS_PER_HOUR_COMPANY = env_or_exit(env.int, "REPORT_EMAILS_PER_HOUR_COMPANY", default=30)

# --- Logging ------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "portal.observability.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env_or_exit(log_level, "LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "portal.security": {"level": "INFO"},
        # WeasyPrint logs every rendering step at INFO; keep its warnings and errors.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
