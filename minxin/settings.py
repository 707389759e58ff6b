"""Django settings for minxin. Every deployment knob is a MINXIN_* variable."""

import datetime
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from minxin.conf import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("MINXIN_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("MINXIN_DEBUG", True)

_DEV_SECRET = "dev-only-insecure-secret-key-change-me-in-production-0123456789"
_DEV_FIELD_KEY = "dev-only-insecure-field-key"
SECRET_KEY = env_str("MINXIN_SECRET_KEY") or (_DEV_SECRET if DEBUG else None)
# Encrypts petitioners' names, ID numbers and phones at rest and keys their blind index.
FIELD_KEY = env_str("MINXIN_FIELD_KEY") or (_DEV_FIELD_KEY if DEBUG else None)
if not SECRET_KEY:
    raise ImproperlyConfigured("MINXIN_SECRET_KEY must be set when MINXIN_DEBUG is off")
if not FIELD_KEY:
    raise ImproperlyConfigured("MINXIN_FIELD_KEY must be set when MINXIN_DEBUG is off")
# Keys the HMAC of every audit chain (case events, security events): without it, someone who
# can write to the database cannot rebuild a chain that `manage.py audit verify` accepts.
# Old keys stay readable after a rotation: MINXIN_AUDIT_OLD_KEYS="key1,key2" (see README, Security).
_DEV_AUDIT_KEY = "dev-only-insecure-audit-key"
AUDIT_KEY = env_str("MINXIN_AUDIT_KEY") or (_DEV_AUDIT_KEY if DEBUG else None)
AUDIT_OLD_KEYS = env_list("MINXIN_AUDIT_OLD_KEYS", [])
if not AUDIT_KEY:
    raise ImproperlyConfigured("MINXIN_AUDIT_KEY must be set when MINXIN_DEBUG is off")
if not DEBUG and len(AUDIT_KEY) < 32:
    raise ImproperlyConfigured("MINXIN_AUDIT_KEY must be at least 32 characters (e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))')")

ALLOWED_HOSTS = env_list("MINXIN_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("MINXIN_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "axes",  # login throttling and lockout, counted in the shared database
    "django_otp",
    "django_otp.plugins.otp_totp",  # TOTP second factor for administrators and leaders
    "ninja",  # serves the API docs' Swagger UI from local static files, not a CDN
    "minxin.core",
    "minxin.accounts",
    "minxin.org",
    "minxin.rules",
    "minxin.cases",
    "minxin.documents",
    "minxin.intake",
    "minxin.oversight",
    "minxin.risk",
    "minxin.stability",
    "minxin.upward",
    "minxin.exchange",
    "minxin.meetings",
    "minxin.portal",
    "minxin.notify",
    "minxin.reception",
    "minxin.opinion",
    "minxin.grid",
    "minxin.api",
    "minxin.web",
    "minxin.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "minxin.accounts.middleware.RequireTwoFactorMiddleware",
    "minxin.accounts.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so it can turn a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "minxin.urls"
WSGI_APPLICATION = "minxin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "minxin.web.context.navigation",
            ],
        },
    },
]

DATABASE_URL = env_str("MINXIN_DATABASE_URL", f"sqlite:///{VAR_DIR / 'minxin.sqlite3'}")
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("MINXIN_DB_CONN_MAX_AGE", 60, minimum=0))}
except Exception as exc:  # dj_database_url raises several types for a malformed URL
    raise ImproperlyConfigured(f"MINXIN_DATABASE_URL is not a valid database URL: {exc}") from exc
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default must work on a fresh checkout: create its folder.
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the worker and the web process use the embedded database at once.
    DATABASES["default"]["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
_test_db = env_str("MINXIN_TEST_DATABASE_NAME")
if _test_db:
    DATABASES["default"]["TEST"] = {"NAME": _test_db}
# A streaming replica of the primary (optional): dashboards and exports read from it (minxin.core.replica).
REPLICA_DATABASE_URL = env_str("MINXIN_REPLICA_DATABASE_URL")
MINXIN_READ_REPLICA = None
if REPLICA_DATABASE_URL:
    try:
        DATABASES["replica"] = dj_database_url.parse(REPLICA_DATABASE_URL, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"])
    except Exception as exc:
        raise ImproperlyConfigured(f"MINXIN_REPLICA_DATABASE_URL is not a valid database URL: {exc}") from exc
    # Tests never get a database of their own for the replica: it mirrors the test primary.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    MINXIN_READ_REPLICA = "replica"
DATABASE_ROUTERS = ["minxin.core.replica.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django's validators speak Chinese through its zh_Hans catalogue.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("MINXIN_PASSWORD_MIN_LENGTH", 12, minimum=8)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2id for new and changed passwords; the others only verify old hashes, which are
# rewritten as Argon2 the next time their owner signs in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out account or address before the password is even checked.
    "minxin.accounts.backends.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed sign-ins (web login, admin login) are counted per account and per address;
# reaching the limit locks that account or address for the cool-off time. An administrator
# unlocks earlier with `manage.py axes_reset_username NAME` / `axes_reset_ip ADDRESS`.
AXES_FAILURE_LIMIT = env_int("MINXIN_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("MINXIN_LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "minxin.accounts.views.locked_out"
AXES_DISABLE_ACCESS_LOG = True  # successes are in the security audit log instead
# Roles whose sessions need a second factor (TOTP) after the password; superusers and
# admin-site users always do. See minxin.accounts.twofactor.
MINXIN_TWO_FACTOR_ROLES = ("admin", "reviewer")
MINXIN_TWO_FACTOR_ENFORCED = True
OTP_TOTP_ISSUER = env_str("MINXIN_OTP_ISSUER", "民心信访")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "minxin" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("MINXIN_STATIC_ROOT", str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Uploaded attachments and generated documents live outside any web root and are
# only served through permission-checked views.
MEDIA_ROOT = Path(env_str("MINXIN_MEDIA_ROOT", str(VAR_DIR / "media")))

LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("MINXIN_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# A signed-in session lasts a working day by default, not Django's two weeks.
SESSION_COOKIE_AGE = env_int("MINXIN_SESSION_SECONDS", 9 * 3600, minimum=300)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("MINXIN_SESSION_EXPIRE_AT_BROWSER_CLOSE", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
BEHIND_TLS_PROXY = env_bool("MINXIN_BEHIND_TLS_PROXY", False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("MINXIN_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
# HSTS only where the site is really served over TLS (secure cookies or a TLS proxy):
# sent over plain HTTP it would lock browsers out of a development server.
if BEHIND_TLS_PROXY or SESSION_COOKIE_SECURE:
    SECURE_HSTS_SECONDS = env_int("MINXIN_HSTS_SECONDS", 365 * 24 * 3600, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("MINXIN_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("MINXIN_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading binds the whole domain and its subdomains to HTTPS in browsers for good:
        # a decision for the bureau's network team (MINXIN_HSTS_PRELOAD=1), not a default.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Every page: scripts only from our own static files (no inline <script>, no on*="" handlers,
# no eval), nothing from other origins. Inline style attributes stay allowed: they cannot
# run code, and ECharts and htmx set element styles.
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# A running deadline with this many days left or fewer is shown as 即将到期.
MINXIN_DUE_SOON_DAYS = env_int("MINXIN_DUE_SOON_DAYS", 3, minimum=0)

# Spreadsheet imports (minxin.core.spreadsheets): checked before anything is parsed.
MINXIN_XLSX_MAX_BYTES = env_int("MINXIN_XLSX_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
MINXIN_XLSX_MAX_UNPACKED_BYTES = env_int("MINXIN_XLSX_MAX_UNPACKED_BYTES", 100 * 1024 * 1024, minimum=1024)
MINXIN_XLSX_MAX_ROWS = env_int("MINXIN_XLSX_MAX_ROWS", 20000, minimum=1)

TASKS = {
    "default": {
        "BACKEND": env_str("MINXIN_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# A job RUNNING this long whose worker ran on another machine is taken to be orphaned (a worker on
# this machine is checked directly); one started this many times is failed, not retried (minxin.core.workers).
MINXIN_TASK_STALE_SECONDS = env_int("MINXIN_TASK_STALE_SECONDS", 3600, minimum=60)
MINXIN_TASK_MAX_STARTS = env_int("MINXIN_TASK_MAX_STARTS", 3, minimum=1)
MINXIN_WORKER_MAINTENANCE_SECONDS = env_int("MINXIN_WORKER_MAINTENANCE_SECONDS", 60, minimum=1)


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_pii": {"()": "minxin.core.logging.RedactPIIFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_pii"]}},
    "root": {"handlers": ["console"], "level": env_str("MINXIN_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Django's default adds an unfiltered console handler of its own (each line printed twice in
        # development); its records go to the root's redacting handler instead.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
    },
}


# --- Portal (网上信访) and notifications: minxin.portal, minxin.notify -------------------------
# SMS: a dotted backend path. OutboxBackend (default in DEBUG: terminal + the outbox file shown at
# /dev/outbox/), ConsoleBackend (default otherwise), FileBackend (writes JSON lines to
# MINXIN_SMS_FILE_PATH), LocmemBackend (tests), HttpGatewayBackend (production).
MINXIN_SMS_BACKEND = env_str(
    "MINXIN_SMS_BACKEND", "minxin.notify.backends.OutboxBackend" if DEBUG else "minxin.notify.backends.ConsoleBackend"
)
# Development outbox: every SMS and e-mail in full (recipients masked), one JSON object a line.
MINXIN_OUTBOX_PATH = env_str("MINXIN_OUTBOX_PATH", str(VAR_DIR / "outbox.jsonl"))
MINXIN_SMS_FILE_PATH = env_str("MINXIN_SMS_FILE_PATH", str(VAR_DIR / "sms.log"))
MINXIN_SMS_GATEWAY_URL = env_str("MINXIN_SMS_GATEWAY_URL", "")
MINXIN_SMS_APP_KEY = env_str("MINXIN_SMS_APP_KEY", "")
MINXIN_SMS_SIGNING_SECRET = env_str("MINXIN_SMS_SIGNING_SECRET", "")
MINXIN_SMS_TIMEOUT = env_int("MINXIN_SMS_TIMEOUT", 5, minimum=1)
MINXIN_SMS_RETRIES = env_int("MINXIN_SMS_RETRIES", 3, minimum=0)
try:
    MINXIN_SMS_BACKOFF_SECONDS = float(env_str("MINXIN_SMS_BACKOFF_SECONDS", "1.0"))
except ValueError as exc:
    raise ImproperlyConfigured("MINXIN_SMS_BACKOFF_SECONDS must be a number of seconds") from exc
MINXIN_SMS_SIGNATURE = env_str("MINXIN_SMS_SIGNATURE", "【民心信访】")
# A worker sending a message holds it this long; past that (or once that worker is seen dead) another
# worker sends it again with the same idempotency key, which the gateway deduplicates.
MINXIN_SMS_LEASE_SECONDS = env_int("MINXIN_SMS_LEASE_SECONDS", 120, minimum=5)
# Petitioners get SMS/e-mail at registration, transfer, acceptance, closure and the rating invitation.
MINXIN_NOTIFY_PETITIONERS = env_bool("MINXIN_NOTIFY_PETITIONERS", True)
# E-mail (Django 6.1 MAILERS): the outbox in DEBUG, else the console; MINXIN_EMAIL_HOST sends through SMTP.
DEFAULT_FROM_EMAIL = env_str("MINXIN_DEFAULT_FROM_EMAIL", "noreply@minxin.invalid")
if env_str("MINXIN_EMAIL_HOST"):
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": {
        "host": env_str("MINXIN_EMAIL_HOST"), "port": env_int("MINXIN_EMAIL_PORT", 25, minimum=1),
        "username": env_str("MINXIN_EMAIL_USER", ""), "password": env_str("MINXIN_EMAIL_PASSWORD", ""),
        "use_tls": env_bool("MINXIN_EMAIL_USE_TLS", False), "timeout": env_int("MINXIN_EMAIL_TIMEOUT", 10, minimum=1),
    }}}
else:
    MAILERS = {"default": {"BACKEND": "minxin.notify.backends.OutboxEmailBackend" if DEBUG
                           else "django.core.mail.backends.console.EmailBackend"}}
# Throttle counters (minxin.portal.throttle): "db" (default, a table shared by every process) or a
# redis:// URL. Never the cache below, which may be per-process and evicts keys.
MINXIN_THROTTLE_STORE = env_str("MINXIN_THROTTLE_STORE", "db")
if not (MINXIN_THROTTLE_STORE == "db" or MINXIN_THROTTLE_STORE.startswith(("redis://", "rediss://", "unix://"))):
    raise ImproperlyConfigured("MINXIN_THROTTLE_STORE must be db or a redis:// URL")
# Django's cache (nothing relies on it being shared); "db://minxin_cache" or "redis://…" if wanted.
_cache_url = env_str("MINXIN_CACHE_URL", "locmem://")
if _cache_url.startswith("redis://") or _cache_url.startswith("rediss://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}}
elif _cache_url.startswith("db://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": _cache_url[5:] or "minxin_cache"}}
elif _cache_url.startswith("locmem://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "minxin"}}
else:
    raise ImproperlyConfigured("MINXIN_CACHE_URL must start with locmem://, db:// or redis://")
# Attachments on the portal: count, size per file (bytes) and in total.
MINXIN_PORTAL_MAX_FILES = env_int("MINXIN_PORTAL_MAX_FILES", 5, minimum=0)
MINXIN_PORTAL_MAX_FILE_BYTES = env_int("MINXIN_PORTAL_MAX_FILE_BYTES", 5 * 1024 * 1024, minimum=1024)
MINXIN_PORTAL_MAX_TOTAL_BYTES = env_int("MINXIN_PORTAL_MAX_TOTAL_BYTES", 20 * 1024 * 1024, minimum=1024)
# Limits as "count/seconds"; see minxin.portal.throttle.
MINXIN_PORTAL_THROTTLES = {
    "submit_ip": env_str("MINXIN_THROTTLE_SUBMIT_IP", "5/3600"),
    "submit_phone": env_str("MINXIN_THROTTLE_SUBMIT_PHONE", "3/86400"),
    "sms_phone": env_str("MINXIN_THROTTLE_SMS_PHONE", "5/3600"),
    "sms_ip": env_str("MINXIN_THROTTLE_SMS_IP", "20/3600"),
    "follow_ip": env_str("MINXIN_THROTTLE_FOLLOW_IP", "20/3600"),
    "follow_code": env_str("MINXIN_THROTTLE_FOLLOW_CODE", "10/3600"),
    "verify_phone": env_str("MINXIN_THROTTLE_VERIFY_PHONE", "5/900"),
}
for _name, _limit in MINXIN_PORTAL_THROTTLES.items():
    _count, _sep, _seconds = _limit.partition("/")
    if not (_count.isdigit() and _seconds.isdigit() and int(_seconds) > 0):
        raise ImproperlyConfigured(f"portal throttle {_name}={_limit!r} must look like 5/3600 (count/seconds)")
# The bureau's public area tree starts here (12-digit code); empty = every top-level area.
MINXIN_PORTAL_ROOT_AREA = env_str("MINXIN_PORTAL_ROOT_AREA", "")
# The portal's public address as printed on letters to the petitioner; empty prints /xf/.
MINXIN_PORTAL_URL = env_str("MINXIN_PORTAL_URL", "")
# --- API tokens, webhooks (minxin.api.tokens, minxin.exchange.webhooks) ----------------------
MINXIN_API_TOKEN_DEFAULT_DAYS = env_int("MINXIN_API_TOKEN_DEFAULT_DAYS", 90, minimum=1)
MINXIN_API_TOKEN_MAX_DAYS = env_int("MINXIN_API_TOKEN_MAX_DAYS", 365, minimum=1)
if MINXIN_API_TOKEN_DEFAULT_DAYS > MINXIN_API_TOKEN_MAX_DAYS:
    raise ImproperlyConfigured("MINXIN_API_TOKEN_DEFAULT_DAYS must not exceed MINXIN_API_TOKEN_MAX_DAYS")
# Requests per minute per token, unless the token sets its own; counted in MINXIN_THROTTLE_STORE.
MINXIN_API_TOKEN_RATE = env_int("MINXIN_API_TOKEN_RATE", 600, minimum=1)
MINXIN_WEBHOOK_TIMEOUT = env_int("MINXIN_WEBHOOK_TIMEOUT", 10, minimum=1)
MINXIN_WEBHOOK_RETRIES = env_int("MINXIN_WEBHOOK_RETRIES", 8, minimum=0)
try:
    MINXIN_WEBHOOK_BACKOFF_SECONDS = float(env_str("MINXIN_WEBHOOK_BACKOFF_SECONDS", "30"))
except ValueError:
    raise ImproperlyConfigured("MINXIN_WEBHOOK_BACKOFF_SECONDS must be a number of seconds") from None
if MINXIN_WEBHOOK_BACKOFF_SECONDS < 0:
    raise ImproperlyConfigured("MINXIN_WEBHOOK_BACKOFF_SECONDS must not be negative")
MINXIN_WEBHOOK_LEASE_SECONDS = env_int("MINXIN_WEBHOOK_LEASE_SECONDS", 120, minimum=1)
# A subscription is switched off after this many failed attempts in a row (any success resets the count).
MINXIN_WEBHOOK_DISABLE_AFTER = env_int("MINXIN_WEBHOOK_DISABLE_AFTER", 30, minimum=1)
# Receivers on loopback/private addresses are refused unless this is on (development, tests).
MINXIN_WEBHOOK_ALLOW_PRIVATE = env_bool("MINXIN_WEBHOOK_ALLOW_PRIVATE", DEBUG)
# --- end portal / notifications ---------------------------------------------------------
