#!/bin/sh
# Runs once, when the postgres container initialises an empty data volume (docker-compose.yml).
# Creates the hub's serving login `mash_app`; the hub's migrations (run as the owner `mash`) grant
# it what it may do: read and append the audit, never change it (docs/operations.md, "Database roles").
set -e
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -v pw="$MASH_APP_PASSWORD" <<'EOSQL'
CREATE ROLE mash_app LOGIN PASSWORD :'pw';
EOSQL
