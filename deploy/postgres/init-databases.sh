#!/bin/sh
# One PostgreSQL server, one database per service, each owned by the service's own role, which
# can connect to that database only. The postgres image runs this once, on an empty data volume
# (compose.yaml mounts it into /docker-entrypoint-initdb.d); later password changes need
# ALTER ROLE (docs/deploy.md, "Database passwords").
set -eu

create_service_database() {
  # psql quotes the values itself (:"name" an identifier, :'password' a literal).
  psql --no-psqlrc --set ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    --set name="$1" --set password="$2" <<'SQL'
CREATE ROLE :"name" LOGIN PASSWORD :'password';
CREATE DATABASE :"name" OWNER :"name";
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
SQL
}

create_service_database users "${USERS_DB_PASSWORD:?USERS_DB_PASSWORD must be set}"
create_service_database posts "${POSTS_DB_PASSWORD:?POSTS_DB_PASSWORD must be set}"
