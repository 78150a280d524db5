"""
Settings for the heritage project, read from the environment.

Development (the default, DEBUG=true) runs on an SQLite file inside the project with a throwaway key.
Production (DEBUG=false) refuses to start without a real SECRET_KEY and an explicit ALLOWED_HOSTS.

    DATABASE_URL   sqlite:///path/to/file.sqlite3 (default: db.sqlite3 in the project) or
                   postgres://user:password@host:5432/name
    SECRET_KEY     required when DEBUG is false: 50+ characters, 5+ distinct ones
    DEBUG          true / false (default: true)
    ALLOWED_HOSTS  comma-separated host names (default in development: 127.0.0.1,localhost); never * in production
    TRUSTED_PROXIES  how many reverse proxies in front append to X-Forwarded-For (default: 0, none)
    CACHE_DIR      where throttle counts are kept, shared by every worker process (default: .cache/ here)
    STATIC_ROOT    where `manage.py collectstatic` puts the static files the app serves (default: staticfiles/ here)
    MAP_TILE_URL   the dossier map's tile server, {z}/{x}/{y} template (default: OpenStreetMap); empty: no tiles
    API_TOKEN_DAYS how long a new API token lasts, in days (default: 365)

Production only (DEBUG=false), all optional:
    CSRF_TRUSTED_ORIGINS     comma-separated origins, e.g. https://heritage.example.org
    SECURE_SSL_REDIRECT      redirect plain HTTP to HTTPS (default: true)
    SECURE_HSTS_SECONDS      HSTS max-age (default: one year)
    SECURE_PROXY_SSL_HEADER  true when a TLS-terminating proxy sets X-Forwarded-Proto (default: false)
"""

import datetime
import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

# The documents as received (the Palmyra article). Texts live in the database; the migration that moved them there
# (records 0008) read them from this folder, where earlier versions kept them (HERITAGE_SEEDS_DIR, if set then).
SEEDS_DIR = Path(os.environ.get("HERITAGE_SEEDS_DIR", BASE_DIR / "seeds"))


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if value.strip().lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_list(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def url_origin(url):
    """`scheme://host[:port]` of a URL (or URL template, such as a map's tile URL); "" for an empty one."""
    parts = urlsplit(url)
    if url and not (parts.scheme in {"http", "https"} and parts.netloc):
        raise ImproperlyConfigured(f"Expected an http(s) URL, not {url!r}.")
    return f"{parts.scheme}://{parts.netloc}" if url else ""


DEBUG = env_bool("DEBUG", True)

# Only ever used on a developer's machine: production refuses it below.
DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"
# What Django's deploy check calls a strong key (security.W009): long, varied, not a generated development key.
SECRET_KEY_MIN_LENGTH, SECRET_KEY_MIN_DISTINCT = 50, 5
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false (production).")
    SECRET_KEY = DEVELOPMENT_SECRET_KEY
elif not DEBUG and (
    len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH
    or len(set(SECRET_KEY)) < SECRET_KEY_MIN_DISTINCT
    or SECRET_KEY.startswith("django-insecure")
):
    raise ImproperlyConfigured(
        f"SECRET_KEY must be a real secret in production: at least {SECRET_KEY_MIN_LENGTH} characters, "
        f"{SECRET_KEY_MIN_DISTINCT} of them different (python3 -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is false (production).")
if not DEBUG and any(host == "*" or host.startswith("*") for host in ALLOWED_HOSTS):
    # A wildcard lets any Host header through, and with it password-reset links and absolute URLs to any host.
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the site's hosts in production, not a wildcard (*).")


def env_int(name, default, minimum=0):
    value = os.environ.get(name, "")
    try:
        number = int(value) if value.strip() else default
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}.")
    return number


# Reverse proxies in front of the app that append the address they received a request from to X-Forwarded-For
# (nginx: proxy_add_x_forwarded_for). The client's address, for throttles and the login lockout alike, is the one
# the outermost trusted proxy saw (heritage.clients.client_address); with none, REMOTE_ADDR. Any X-Forwarded-For
# a client sends itself is never trusted beyond that.
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)

# Logs go to standard error, where gunicorn and the service manager's journal collect them. Django's default prints
# nothing when DEBUG is off, so a server error's traceback would be lost; here it is written in production too, with
# refused hosts and other suspicious requests. A 4xx answer is logged (a warning each) only while developing.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "plain"},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {
        "django": {"handlers": ["stderr"], "level": "WARNING" if DEBUG else "ERROR", "propagate": False},
        # runserver's line for each request, as Django's own configuration prints it.
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # runserver leaves static files to WhiteNoise, as gunicorn does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "corsheaders",
    "csp",
    "django_countries",
    "django_filters",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "heritage.records",
    # After the records app, whose `manage.py import` stands in for django-import-export's.
    "import_export",
    "heritage.search",
    "heritage.synthetic",
    "heritage.accounts",
]

MIDDLEWARE = [
    # Outermost: every error under /api/ leaves as JSON, whichever layer made it (the URL resolver's 404, a
    # request body over the size limit, a server error).
    "heritage.middleware.APIErrorsAsJSONMiddleware",
    # A body larger than any the app takes is refused before anything reads it (uploads included).
    "heritage.middleware.RefuseLargeBodiesMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # A NUL in the path or the query string is refused here, once, before any view or database sees it.
    "heritage.middleware.RefuseNULMiddleware",
    # Static files (STATIC_ROOT, filled by `manage.py collectstatic`; in development, the apps' own folders) are
    # answered here, with the security headers above and nothing after: no session, no database.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records who made each change, for the history kept by django-simple-history.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

# Password guessing at the admin login is stopped by django-axes: after AXES_FAILURE_LIMIT failures for one
# username from one address, that pair is locked out for AXES_COOLOFF_TIME. (API tokens are not passwords.)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The address of the lockout is the client's, as the API's throttles see it (TRUSTED_PROXIES), not REMOTE_ADDR:
# behind a proxy every client has the proxy's REMOTE_ADDR, and anyone could then lock an account out for everyone.
AXES_CLIENT_IP_CALLABLE = "heritage.clients.client_address"

ROOT_URLCONF = "heritage.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "heritage" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "heritage.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Production keeps each worker thread's connection for a minute (checked before reuse): opening one per
        # request cost several milliseconds on SQLite (Django sets the connection up anew each time). The
        # development server starts a thread per request, so it gains nothing from it.
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0" if DEBUG else "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters bound by the server, and prepared statements: psycopg prepares a query the fifth time a connection
    # runs it, and PostgreSQL stops re-planning it. Planning the damage-report list's eight-table join took ~30 ms
    # of a 35 ms query. Django turns preparing off by default for connection poolers: behind PgBouncer in
    # transaction mode, set PREPARE_THRESHOLD=none.
    threshold = os.environ.get("PREPARE_THRESHOLD", "5")
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": None if threshold.lower() == "none" else int(threshold)}
    )
# Every request is one transaction: a failed write leaves nothing behind.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers take the lock when their transaction begins, so concurrent edits queue (up to `timeout` seconds)
    # instead of failing with "database is locked"; WAL lets readers go on meanwhile. The test database is a file
    # too, so that tests of concurrent editing see real locking (an in-memory database shares one cache).
    # Each connection also keeps up to 64 MB of the file's pages in memory, not SQLite's 2 MB: a list page of 100
    # damage reports with its count and citations reads more than 2 MB of pages, which at the default were read
    # again from the operating system on every request (0.7 ms of a 6 ms page, in-process). And reads come straight
    # from the file mapped into memory (up to 2 GB, SQLite's own limit), not copied page by page into that cache:
    # when a researcher's questions differ (a deep page walks tens of megabytes), each one's pages had been pushed out
    # by the last one's, 0.3-1 ms a request (docs/performance.md). Mapped pages are shared by all worker processes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA cache_size=-64000; PRAGMA mmap_size=2147483648;",
        }
    )
    # One file per test process, so that two test runs at once never share (and corrupt) it.
    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.gettempdir()) / f"heritage-test-{os.getpid()}.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# HTTPS-only cookies, HSTS and secure headers in production; `manage.py check --deploy` passes with these.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Cross-origin requests are refused unless origins are listed (e.g. a researchers' notebook host).
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS", [])
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env_bool("SECURE_PROXY_SSL_HEADER", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

STATIC_URL = "static/"
# Where `manage.py collectstatic` gathers the apps' static files, which the app serves (WhiteNoise, MIDDLEWARE).
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")

# Original documents of sources (an uploaded HTML page, PDF or text file), kept beside the texts the database holds.
# On this machine's disk by default (ORIGINALS_DIR); ORIGINALS_STORAGE=s3 keeps them in an S3-compatible bucket
# through django-storages (pip install -e '.[s3]'; ORIGINALS_BUCKET, ORIGINALS_ENDPOINT_URL, and boto3's usual
# AWS_* credentials). They are never served as static files: the API hands them out to those who may see them.
ORIGINALS_DIR = Path(os.environ.get("ORIGINALS_DIR") or BASE_DIR / "media")
if os.environ.get("ORIGINALS_STORAGE", "filesystem") == "s3":
    if not os.environ.get("ORIGINALS_BUCKET"):
        raise ImproperlyConfigured("ORIGINALS_STORAGE=s3 needs ORIGINALS_BUCKET, the bucket to keep originals in.")
    ORIGINALS_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["ORIGINALS_BUCKET"],
            "endpoint_url": os.environ.get("ORIGINALS_ENDPOINT_URL") or None,
            "file_overwrite": False,
            "default_acl": "private",
            "querystring_auth": True,
        },
    }
elif os.environ.get("ORIGINALS_STORAGE", "filesystem") == "filesystem":
    ORIGINALS_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(ORIGINALS_DIR), "base_url": None},
    }
else:
    raise ImproperlyConfigured("ORIGINALS_STORAGE must be filesystem or s3.")
# Releases of the record (manage.py release, docs/releases.md) are kept beside the originals: in RELEASES_DIR on
# this machine's disk, or under releases/ in the originals' bucket.
RELEASES_DIR = Path(os.environ.get("RELEASES_DIR") or BASE_DIR / "releases")
if ORIGINALS_STORAGE["BACKEND"].startswith("storages."):
    RELEASES_STORAGE = {**ORIGINALS_STORAGE, "OPTIONS": {**ORIGINALS_STORAGE["OPTIONS"], "location": "releases"}}
else:
    RELEASES_STORAGE = {**ORIGINALS_STORAGE, "OPTIONS": {"location": str(RELEASES_DIR), "base_url": None}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "originals": ORIGINALS_STORAGE,
    "releases": RELEASES_STORAGE,
}
# `manage.py backup` writes its records in this JSON (every row keeps its primary key); any JSON loader reads it.
SERIALIZATION_MODULES = {"backup": "heritage.records.backups"}

# What a release says of itself (its README, datapackage.json and CITATION.cff): whose record it is, under which
# licence (an SPDX identifier and its text's address), and where it is published.
RELEASE_PUBLISHER = os.environ.get("RELEASE_PUBLISHER", "The heritage damage record")
RELEASE_TITLE = os.environ.get("RELEASE_TITLE", "Heritage damage record")
RELEASE_LICENSE = os.environ.get("RELEASE_LICENSE", "CC-BY-4.0")
RELEASE_LICENSE_URL = os.environ.get("RELEASE_LICENSE_URL", "https://creativecommons.org/licenses/by/4.0/")
RELEASE_URL = os.environ.get("RELEASE_URL", "")
# The largest document (or pasted text, as UTF-8) a source takes, and the largest file (XLSX: unpacked) an admin import
# takes: 20 MB unless SOURCE_MAX_BYTES says otherwise.
# Request bodies may be that large, plus room for the record's other fields.
SOURCE_MAX_BYTES = env_int("SOURCE_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = SOURCE_MAX_BYTES + 1024 * 1024
# The seconds reading an uploaded HTML or PDF document may take (texts.read_apart): within a request's time (gunicorn's
# timeout is 30 s), and ample for real documents.
SOURCE_EXTRACT_SECONDS = env_int("SOURCE_EXTRACT_SECONDS", 15, minimum=1)
# The most rows a CSV or XLSX import through the admin takes: its preview takes about 6 ms a row, and its confirmation
# does the same work, so 2,000 rows stay well within a request's time (gunicorn's timeout is 30 s;
# bench/admin_files.py). Larger files: manage.py import.
ADMIN_IMPORT_MAX_ROWS = env_int("ADMIN_IMPORT_MAX_ROWS", 2000, minimum=1)
# The most records an export through the admin writes: 200,000 damage reports take 26 s as CSV and 57 s as XLSX, so
# 50,000 stay within a request's time. A whole larger table: manage.py export, or a release.
ADMIN_EXPORT_MAX_ROWS = env_int("ADMIN_EXPORT_MAX_ROWS", 50_000, minimum=1)

# The throttles' counts, shared by every worker process of the machine, with no cache service to run: diskcache's
# SQLite files in CACHE_DIR (heritage/caches.py), so that two workers do not each allow the full rate. A write waits
# for another process's to end; a read gives up after half a second; the counts take at most 64 MB, oldest dropped.
CACHES = {
    "default": {
        "BACKEND": "heritage.caches.SharedDiskCache",
        "LOCATION": os.environ.get("CACHE_DIR") or str(BASE_DIR / ".cache"),
        "SHARDS": 4,
        "DATABASE_TIMEOUT": 0.5,
        "OPTIONS": {"size_limit": 64 * 1024 * 1024},
    }
}

# The researcher API (heritage/records/api/). Reads are open to everyone, throttled per client: anonymous clients by
# address (see TRUSTED_PROXIES), token or session users by account, at a higher rate; failed token logins by
# address. Writes need a login (token or session + CSRF) and the model's add/change/delete permission.
API_ANON_RATE = os.environ.get("API_ANON_RATE", "60/minute")
API_USER_RATE = os.environ.get("API_USER_RATE", "600/minute")
API_FAILED_LOGIN_RATE = os.environ.get("API_FAILED_LOGIN_RATE", "20/minute")
# The API's fast read path (heritage/records/api/fast/): on, off (plain DRF everywhere), or the pieces to keep.
API_FAST_PATH = os.environ.get("API_FAST_PATH", "on")

# API tokens (heritage/accounts): django-rest-knox keeps only each key's digest, so a stolen database holds no usable
# key. Users issue and revoke their own on the admin's "API tokens" page; each lasts API_TOKEN_DAYS at most. The
# header is the one the API has always taken: `Authorization: Token <key>`.
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 365, minimum=1)
KNOX_TOKEN_MODEL = "accounts.ApiToken"
REST_KNOX = {
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_TTL": datetime.timedelta(days=API_TOKEN_DAYS),
    "TOKEN_MODEL": KNOX_TOKEN_MODEL,
}
# knox's migrations build its own token table, which KNOX_TOKEN_MODEL swaps out: without them, no such table is made.
MIGRATION_MODULES = {"knox": None}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous write is then a 401 that names the scheme (WWW-Authenticate: Token).
        "heritage.records.api.common.throttles.ThrottledTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # JSON bodies only: records nest, which forms cannot say. Sources also take multipart (a document's upload).
    "DEFAULT_PARSER_CLASSES": ["heritage.records.api.common.parsers.JSONParser"],
    "DEFAULT_PERMISSION_CLASSES": ["heritage.records.api.common.permissions.ModelPermissionsOrAnonReadOnly"],
    "DEFAULT_THROTTLE_CLASSES": [
        "heritage.records.api.common.throttles.AnonRateThrottle",
        "heritage.records.api.common.throttles.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": API_ANON_RATE, "user": API_USER_RATE, "failed_login": API_FAILED_LOGIN_RATE},
    "DEFAULT_FILTER_BACKENDS": ["heritage.records.api.common.filters.FilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "heritage.records.api.common.pagination.StandardPagination",
    "DEFAULT_RENDERER_CLASSES": [
        "heritage.records.api.fast.renderers.ORJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # AutoSchema plus ETag/If-Match (412, 428) and batch creates, for the views that support them.
    "DEFAULT_SCHEMA_CLASS": "heritage.records.api.common.schema.RecordAutoSchema",
    "EXCEPTION_HANDLER": "heritage.records.api.common.exceptions.exception_handler",
    "ORDERING_PARAM": "ordering",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Heritage record API",
    "DESCRIPTION": (
        "Heritage sites, the periods they date from, who occupied them, the damage and threats recorded, and the "
        "cited passages every statement rests on. Read access is open (throttled); writes need a curator's token. "
        "Uncertain dates are EDTF with derived earliest/latest bounds; years of periods are astronomical "
        "(1 BCE is 0)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    # Separate request and response components: related records are written as ids or slugs, read as summaries.
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a `kind` or `status`: name each vocabulary's enum after its class, not after the field.
    "ENUM_NAME_OVERRIDES": {
        f"{name}Enum": f"heritage.records.choices.{name}"
        for name in [
            "SiteKind",
            "LocationCertainty",
            "NameKind",
            "DesignationKind",
            "ActorKind",
            "Qualifier",
            "Severity",
            "Extent",
            "Certainty",
            "CurationStatus",
            "OccupationEnd",
            "ParticipantRole",
            "ThreatTarget",
        ]
    },
}

# Curators' import/export (django-import-export). An import writes inside one transaction and is rolled back when
# any row is invalid, so a file is taken whole or not at all. Importing needs the "add" permission of the model
# (curators have it, researchers do not); exporting needs "view".
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
# A control character XLSX cannot hold (a vertical tab, as Word's line break pastes) is written there as U+FFFD,
# rather than the whole export failing; CSV keeps it.
IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT = True

# The site dossier's map: where its tiles come from. Every tile the browser loads tells that server which area is
# being looked at; for a sensitive site the map shows the public 0.1-degree point unless the viewer may see the
# exact one. Empty: no tiles (the marker on a blank ground).
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "© OpenStreetMap contributors")

# Content-Security-Policy (django-csp): scripts, styles and fonts from this site only, no plugins, no framing, no
# form posts elsewhere. The admin, Swagger UI, Redoc and the browsable API all work under it
# (tests/test_browser.py); Redoc and Swagger UI set inline styles and Redoc starts a worker from a blob.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", *filter(None, [url_origin(MAP_TILE_URL)])],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
