#!/bin/sh
# One subgraph's role and database on the shared PostgreSQL server, brought in line with the
# subgraph's own settings: the role SERVICE_NAME, with SERVICE_DB_PASSWORD, owning the database
# of the same name, which no other role may connect to. Idempotent: creates what is missing and
# sets the password every time (ALTER ROLE), so changing a subgraph's password is a change to
# that subgraph's services only, never to the postgres service (docs/deploy.md, "Database
# passwords"). compose.yaml runs it as `<service>-db-role` before `<service>-migrate`, with the
# superuser's connection in the libpq variables (PGHOST, PGUSER, PGPASSWORD, PGDATABASE).
set -eu
: "${SERVICE_NAME:?SERVICE_NAME must be set}" "${SERVICE_DB_PASSWORD:?SERVICE_DB_PASSWORD must be set}"

# The values come from the environment through \getenv, not the command line (where `ps` shows
# them); psql quotes them itself (:"name" an identifier, :'password' a literal). CREATE DATABASE
# cannot run in a DO block, hence the conditional \gexec.
psql --no-psqlrc --quiet --set ON_ERROR_STOP=1 <<'SQL'
\getenv name SERVICE_NAME
\getenv password SERVICE_DB_PASSWORD
SELECT format('CREATE ROLE %I', :'name') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'name') \gexec
ALTER ROLE :"name" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'password';
SELECT format('CREATE DATABASE %I OWNER %I', :'name', :'name') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'name') \gexec
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
SQL
echo "role and database \"$SERVICE_NAME\" ready"
