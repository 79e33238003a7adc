"""Settings, read from typed environment variables with embedded defaults.

With nothing set, the site runs on SQLite and the in-memory channel layer: nothing else to install
or start. Scale-out sets ``TUTORIAL_DATABASE_URL`` (PostgreSQL) and ``TUTORIAL_REDIS_URL``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlparse

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"{name} must be a boolean, not {value!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    return default if value is None else [item.strip() for item in value.split(",") if item.strip()]


DATA_DIR = Path(env_str("TUTORIAL_DATA_DIR", str(BASE_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if key := os.environ.get("TUTORIAL_SECRET_KEY"):
        return key
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("TUTORIAL_DEBUG", True)
ALLOWED_HOSTS = env_list("TUTORIAL_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "tutorial",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]


def _database(url: str) -> dict:
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        # WAL lets page views read while a terminal commits; each commit then costs no fsync.
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": parsed.path or DATA_DIR / "db.sqlite3",
                "CONN_MAX_AGE": 600,
                "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE",
                            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}}
    if parsed.scheme in {"postgres", "postgresql"}:
        return {"ENGINE": "django.db.backends.postgresql", "NAME": parsed.path.lstrip("/"),
                "USER": parsed.username or "", "PASSWORD": parsed.password or "",
                "HOST": parsed.hostname or "", "PORT": parsed.port or "", "CONN_MAX_AGE": 600}
    raise ValueError(f"TUTORIAL_DATABASE_URL: unsupported scheme {parsed.scheme!r}")


DATABASES = {"default": _database(env_str("TUTORIAL_DATABASE_URL", f"sqlite://{DATA_DIR / 'db.sqlite3'}"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_redis_url = os.environ.get("TUTORIAL_REDIS_URL")
CHANNEL_LAYERS = {
    "default": (
        {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [_redis_url]}}
        if _redis_url else {"BACKEND": "channels.layers.InMemoryChannelLayer"}
    )
}

SESSION_COOKIE_AGE = 60 * 60 * 24 * 90
SESSION_SAVE_EVERY_REQUEST = False

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ja", "日本語")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
#: Daphne serves the files itself: the embedded default has no separate web server in front.
SERVE_STATIC = env_bool("TUTORIAL_SERVE_STATIC", True)

LESSONS_DIR = Path(env_str("TUTORIAL_LESSONS_DIR", str(BASE_DIR / "lessons")))

#: How sandbox shells start: forked from a warm ``zygote`` (fast, shared memory) or ``direct``.
TERMINAL_SPAWNER = env_str("TUTORIAL_TERMINAL_SPAWNER", "zygote")
if TERMINAL_SPAWNER not in {"zygote", "direct"}:
    raise ValueError("TUTORIAL_TERMINAL_SPAWNER must be 'zygote' or 'direct'")
SANDBOX_IDLE_TIMEOUT = int(env_str("TUTORIAL_SANDBOX_IDLE_TIMEOUT", "1800"))
#: How long (seconds) a terminal's shell outlives its socket, so the next page's tab takes it over
#: (``tutorial.terminal_registry``); 0 ends the shell with the socket.
TERMINAL_REATTACH_SECONDS = int(env_str("TUTORIAL_TERMINAL_REATTACH_SECONDS", "60"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"tutorial": {"handlers": ["console"], "level": env_str("TUTORIAL_LOG_LEVEL", "INFO")}},
}
