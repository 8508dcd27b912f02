"""Superset configuration for a local, loopback-only instance over the published warehouse.

Superset imports this file through SUPERSET_CONFIG_PATH (the Makefile and the tests set it).
Everything it writes goes under SUPERSET_HOME (default: superset/var/ beside this file, git-ignored):
the sqlite metadata database and a SECRET_KEY generated on first use. Nothing here is a real secret;
the bootstrap admin (superset/bootstrap.sh) is a development login for 127.0.0.1 only.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def _home() -> Path:
    home = Path(os.environ.get("SUPERSET_HOME", Path(__file__).resolve().parent / "var"))
    home.mkdir(parents=True, exist_ok=True)
    return home


def _secret_key(home: Path) -> str:
    """SUPERSET_SECRET_KEY if set, else a random key made once and kept in the (git-ignored) home."""
    if os.environ.get("SUPERSET_SECRET_KEY"):
        return os.environ["SUPERSET_SECRET_KEY"]
    key_file = home / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


DATA_DIR = str(_home())
SECRET_KEY = _secret_key(Path(DATA_DIR))
SQLALCHEMY_DATABASE_URI = f"sqlite:///{Path(DATA_DIR) / 'superset.db'}?check_same_thread=false"

# A single local user on loopback: no rate limits, no telemetry, no external content.
RATELIMIT_ENABLED = False
AUTH_RATE_LIMITED = False
TALISMAN_ENABLED = False
CONTENT_SECURITY_POLICY_WARNING = False
SQLLAB_TIMEOUT = 60
SUPERSET_WEBSERVER_TIMEOUT = 120
# The warehouse is read-only (opened with access_mode=read_only); SQL Lab may only read.
PREVENT_UNSAFE_DB_CONNECTIONS = True
