"""Waypoint settings: one file, fed by the environment.

Every variable is listed in `.env.example` and in docs/configuration.md. Local use needs
none of them: `make run` gets a generated secret key and field keys under `var/`.
Production (`WAYPOINT_ENV=production`) refuses to start without real secrets.
"""

import secrets
import warnings
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from waypoint.lib.private_files import make_private_dir, restrict_sqlite_files

PACKAGE_DIR = Path(__file__).resolve().parent

env = environ.Env()

WAYPOINT_ENV = env.str("WAYPOINT_ENV", default="local")
if WAYPOINT_ENV not in {"local", "production", "test"}:
    raise ImproperlyConfigured(
        f"WAYPOINT_ENV must be local, production or test, not {WAYPOINT_ENV!r}"
    )
PRODUCTION = WAYPOINT_ENV == "production"

VAR_DIR = Path(env.str("WAYPOINT_VAR_DIR", default=str(Path.cwd() / "var"))).resolve()


def _local_secret(name: str, make) -> str:
    """Read a secret kept in var/ for local use, creating it on first start."""
    path = VAR_DIR / name
    if not path.exists():
        make_private_dir(VAR_DIR)
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


def _fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set (50+ random characters) when WAYPOINT_ENV=production"
        )
    FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
    SEARCH_HASH_KEY = env.str("SEARCH_HASH_KEY", default="")
    if not FIELD_ENCRYPTION_KEYS or not SEARCH_HASH_KEY:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS and SEARCH_HASH_KEY must be set when WAYPOINT_ENV=production"
        )
else:
    SECRET_KEY = env.str("SECRET_KEY", default="") or _local_secret(
        "secret_key", lambda: secrets.token_urlsafe(64)
    )
    FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[]) or [
        _local_secret("field_key", _fernet_key)
    ]
    SEARCH_HASH_KEY = env.str("SEARCH_HASH_KEY", default="") or _local_secret(
        "search_key", lambda: secrets.token_urlsafe(32)
    )

# Keys of the audit trail's HMAC chain, `id:key` newest first (docs/security.md, "Audit trail").
AUDIT_HMAC_KEYS = env.list("AUDIT_HMAC_KEYS", default=[])
if PRODUCTION and not AUDIT_HMAC_KEYS:
    raise ImproperlyConfigured(
        "AUDIT_HMAC_KEYS must be set when WAYPOINT_ENV=production "
        "(make one with `waypoint generate-key --audit`)"
    )
from waypoint.audit.keys import new_key_entry, parse_keys  # noqa: E402 - needs nothing of Django

if not AUDIT_HMAC_KEYS:
    AUDIT_HMAC_KEYS = [_local_secret("audit_key", new_key_entry)]
parse_keys(AUDIT_HMAC_KEYS)  # a malformed list stops start-up with a one-line reason
# Where `waypoint audit-anchor` and the worker's scheduled anchor append the chain's head.
AUDIT_ANCHOR_FILE = env.str("AUDIT_ANCHOR_FILE", default=str(VAR_DIR / "audit-anchors.log"))

# Key for `waypoint backup`/`restore` (docs/security.md, "Backups"); optional in production.
BACKUP_ENCRYPTION_KEY = env.str("BACKUP_ENCRYPTION_KEY", default="") or (
    "" if PRODUCTION else _local_secret("backup_key", _fernet_key)
)

DEBUG = env.bool("DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when WAYPOINT_ENV=production")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The site's address for links in emails sent by the worker, which has no request to ask.
SITE_URL = env.str(
    "SITE_URL",
    default=(f"https://{ALLOWED_HOSTS[0]}" if ALLOWED_HOSTS else "")
    if PRODUCTION
    else "http://127.0.0.1:" + env.str("PORT", default="8000"),
).rstrip("/")
if SITE_URL and not SITE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(f"SITE_URL must start with https:// or http://, got {SITE_URL!r}")

# The organization that runs the public site (library, questions): its staff are the editors and
# its on-call address hears of urgent questions. Empty: the oldest organization (one clinic).
PUBLIC_SITE_ORGANIZATION = env.str("PUBLIC_SITE_ORGANIZATION", default="")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "simple_history",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "waypoint.clinics",
    "waypoint.accounts",
    "waypoint.audit",
    "waypoint.clients",
    "waypoint.privacy",
    "waypoint.measures",
    "waypoint.goals",
    "waypoint.diary",
    "waypoint.notes",
    "waypoint.groups",
    "waypoint.plans",
    "waypoint.medications",
    "waypoint.assessment",
    "waypoint.worker",
    "waypoint.api",
    "waypoint.exchange",
    "waypoint.substances",
    "waypoint.appointments",
    "waypoint.library",
    "waypoint.reports",
    "waypoint.questions",
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the switcher's cookie, else the browser's Accept-Language; no URL prefix
    # (docs/public-site.md#languages). Adds `Vary: Accept-Language` to every response.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "waypoint.accounts.middleware.StaffInEnglishMiddleware",
    "waypoint.accounts.middleware.NoStoreMiddleware",
    "waypoint.accounts.middleware.ClinicTimeZoneMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "waypoint.accounts.twofactor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "waypoint.audit.middleware.AuditContextMiddleware",
    "axes.middleware.AxesMiddleware",
    "waypoint.lib.dbrouter.ReplicaMiddleware",
]

ROOT_URLCONF = "waypoint.urls"
WSGI_APPLICATION = "waypoint.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "waypoint.accounts.context_processors.navigation",
                "waypoint.accounts.context_processors.idle_sign_out",
                "django.template.context_processors.i18n",  # LANGUAGE_CODE, LANGUAGES
            ],
        },
    },
]

# Databases: SQLite under var/ by default, PostgreSQL in production via DATABASE_URL.
_default_db = f"sqlite:///{VAR_DIR / 'waypoint.sqlite3'}"
_database_url = env.str("DATABASE_URL", default=_default_db)
try:
    with warnings.catch_warnings():  # environ warns before we can give our one-line reason
        warnings.simplefilter("ignore")
        DATABASES = {"default": env.db_url_config(_database_url)}
except Exception as exc:  # django-environ raises several types for a malformed URL
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
_engine = DATABASES["default"].get("ENGINE", "")
if not _engine.endswith(("sqlite3", "postgresql")):
    raise ImproperlyConfigured(
        f"DATABASE_URL must point to SQLite or PostgreSQL, got engine {_engine or 'none'!r}"
    )
if _engine.endswith("sqlite3"):
    if DATABASES["default"]["NAME"] != ":memory:":
        _db_file = Path(DATABASES["default"]["NAME"])
        if _db_file.parent == VAR_DIR:
            make_private_dir(VAR_DIR)
        else:
            _db_file.parent.mkdir(parents=True, exist_ok=True)
        restrict_sqlite_files(_db_file)  # 0600, whatever the process umask
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# A PostgreSQL streaming replica for the reads of read-only pages (waypoint/lib/dbrouter.py).
_replica_url = env.str("DATABASE_REPLICA_URL", default="")
REPLICA_STICKY_SECONDS = env.int("REPLICA_STICKY_SECONDS", default=10)
DATABASE_ROUTERS = []
if _replica_url:
    if not _engine.endswith("postgresql"):
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs DATABASE_URL to be PostgreSQL")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _replica = env.db_url_config(_replica_url)
    except Exception as exc:  # django-environ raises several types for a malformed URL
        raise ImproperlyConfigured(
            f"DATABASE_REPLICA_URL is not a valid database URL: {exc}"
        ) from exc
    if not _replica.get("ENGINE", "").endswith("postgresql"):
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must point to PostgreSQL")
    _replica["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    _replica["CONN_HEALTH_CHECKS"] = True
    _replica["TEST"] = {"MIRROR": "default"}  # tests read the replica alias from the primary
    DATABASES["replica"] = _replica
    DATABASE_ROUTERS = ["waypoint.lib.dbrouter.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "waypoint.accounts.password_validation.BreachedPatternValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2  # reset links live two hours
INVITATION_MAX_AGE_DAYS = 7

# Login throttling (django-axes): lock a username+address pair after repeated failures.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("LOGIN_LOCKOUT_MINUTES", default=15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0) or None
AXES_CLIENT_IP_CALLABLE = "waypoint.audit.context.client_address"  # honours TRUSTED_PROXY_COUNT
AXES_VERBOSE = False
# Axes stores the username it locks on: make that the email's keyed hash, mask the typed address
# in its copy of the POST data, and keep no success log (the audit trail records sign-ins).
AXES_USERNAME_CALLABLE = "waypoint.accounts.models.lockout_username"
AXES_SENSITIVE_PARAMETERS = ["username", "email"]
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False

# Sessions: an idle timeout (HIPAA automatic logoff), renewed on every request.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=15)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Security headers.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "waypoint.errors.csrf_failure"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    # Preloading is each deployment's own opt-in: `check --deploy` should not warn without it.
    SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
    if env.bool("BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Email: console locally, SMTP (EMAIL_URL) in production.
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Waypoint <no-reply@waypoint.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work (docs/architecture.md): tasks are rows in the database, run by `waypoint worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Export jobs (docs/outcomes.md#exports-on-the-worker): a running export with no sign of life
# from the worker for EXPORT_STALL_MINUTES is marked "Could not be made" (and a queued one the
# worker has not started by then says so on its page); a running one still unfinished
# EXPORT_RUN_MINUTES after it started, and a queued one not started after EXPORT_QUEUE_MINUTES,
# are given up.
EXPORT_STALL_MINUTES = env.int("EXPORT_STALL_MINUTES", default=5)
EXPORT_QUEUE_MINUTES = env.int("EXPORT_QUEUE_MINUTES", default=60)
EXPORT_RUN_MINUTES = env.int("EXPORT_RUN_MINUTES", default=60)
if not 1 <= EXPORT_STALL_MINUTES <= EXPORT_QUEUE_MINUTES:
    raise ImproperlyConfigured(
        "EXPORT_STALL_MINUTES must be at least 1 and at most EXPORT_QUEUE_MINUTES "
        f"(got {EXPORT_STALL_MINUTES} and {EXPORT_QUEUE_MINUTES})"
    )
if EXPORT_RUN_MINUTES < EXPORT_STALL_MINUTES:
    raise ImproperlyConfigured(
        "EXPORT_RUN_MINUTES must be at least EXPORT_STALL_MINUTES "
        f"(got {EXPORT_RUN_MINUTES} and {EXPORT_STALL_MINUTES})"
    )

# English and Spanish for the public pages and the client portal (staff pages stay English).
# Translations: waypoint/locale/<lang>/LC_MESSAGES/django.po, compiled by `make install`.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "waypoint_language"
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
TIME_ZONE = env.str("TIME_ZONE", default="America/Los_Angeles")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"
if not PRODUCTION:
    # Serve static files straight from the apps; production runs `collectstatic` first.
    WHITENOISE_USE_FINDERS = True
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    "loggers": {
        # Failed logins are expected traffic; axes would log each one with the username.
        "axes": {"level": "ERROR"},
    },
}

# HTTP API (docs/api.md): per-token rate limit in Django Ninja's throttle syntax; counts live in
# the cache, which must be shared by every process that serves the app, or each counts on its
# own. Production defaults to a table in the database (created by `migrate`), which every
# gunicorn worker and app server shares; a local run is one process.
API_RATE_LIMIT = env.str("API_RATE_LIMIT", default="120/m")
SHARED_CACHE_TABLE = "waypoint_cache"
CACHES = {
    "default": env.cache_url(
        "CACHE_URL",
        default=f"dbcache://{SHARED_CACHE_TABLE}" if PRODUCTION else "locmemcache://",
    )
}
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200
