#!/usr/bin/env bash
# Bootstrap the local Superset (run by `make superset`; safe to run again):
# metadata DB schema, the dev-only admin login, roles, and the published warehouse registered read-only.
set -euo pipefail
cd "$(dirname "$0")/.."
export SUPERSET_CONFIG_PATH="$PWD/superset/superset_config.py"
export SUPERSET_HOME="${SUPERSET_HOME:-$PWD/superset/var}"
export FLASK_APP=superset
SUPERSET="${SUPERSET_VENV:-$PWD/.venv-superset}/bin/superset"
WAREHOUSE="$(realpath -m "${SECURITY_TIES_WAREHOUSE_DIR:-$PWD/warehouse}")/security_ties.duckdb"
mkdir -p "$SUPERSET_HOME"
LOG="$SUPERSET_HOME/bootstrap.log"
: > "$LOG"

step() {
    echo "superset bootstrap: $1"
    shift
    "$@" >> "$LOG" 2>&1 || { tail -n 40 "$LOG"; echo "superset bootstrap failed: see $LOG" >&2; exit 1; }
}

step "migrate the metadata database ($SUPERSET_HOME/superset.db)" "$SUPERSET" db upgrade
# create-admin prints an error but exits 0 when the user exists
step "admin login ${SUPERSET_ADMIN_USER:-admin} (dev only, loopback)" "$SUPERSET" fab create-admin \
    --username "${SUPERSET_ADMIN_USER:-admin}" --password "${SUPERSET_ADMIN_PASSWORD:-admin}" \
    --firstname Local --lastname Admin --email admin@localhost
step "roles and permissions" "$SUPERSET" init
step "database security_ties -> $WAREHOUSE (read-only)" "$SUPERSET" set-database-uri \
    --database_name security_ties --uri "duckdb:///$WAREHOUSE?access_mode=read_only"
