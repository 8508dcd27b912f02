#!/usr/bin/env bash
# Serve the local Superset on loopback only: http://127.0.0.1:${SUPERSET_PORT:-8088} (log in as the bootstrap admin).
# The tests start it the same way on a free port with a throw-away copy of the metadata database.
set -euo pipefail
cd "$(dirname "$0")/.."
export SUPERSET_CONFIG_PATH="$PWD/superset/superset_config.py"
export SUPERSET_HOME="${SUPERSET_HOME:-$PWD/superset/var}"
exec "${SUPERSET_VENV:-$PWD/.venv-superset}/bin/gunicorn" --bind "127.0.0.1:${SUPERSET_PORT:-8088}" \
    --workers 1 --worker-class gthread --threads 4 --timeout 120 --graceful-timeout 10 \
    "superset.app:create_app()"
