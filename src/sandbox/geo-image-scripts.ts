/**
 * The shell scripts baked into the geo images. They are part of each image's recipe, so editing
 * one changes the recipe's hash and the image is built again.
 */

/**
 * Runs its arguments as a child and forwards TERM and INT to it. A shell or Node.js as PID 1
 * ignores SIGTERM unless it handles it, so without this every service update would wait out the
 * whole stop grace period (10–13 s seen, 0.3 s with the trap).
 */
export const supervisorScript = `#!/bin/sh
"$@" &
child=$!
trap 'kill -TERM "$child" 2>/dev/null' TERM INT
wait "$child"
status=$?
# The first wait returns early when a signal arrives: wait again for the child's real exit status.
if kill -0 "$child" 2>/dev/null; then wait "$child"; status=$?; fi
exit "$status"
`;

/** busybox httpd serving /www, its CGIs under /www/cgi-bin, on $PORT. */
export const cgiServerScript = `#!/bin/sh
exec /usr/local/bin/kargo-run busybox httpd -f -p "\${PORT:-80}" -h /www
`;

/**
 * A CGI wrapper that runs `program`. busybox httpd (1.35) passes the server's environment and
 * HTTP_HOST on, but not SERVER_NAME and SERVER_PORT, from which MapServer and MapCache build the
 * URLs in their capabilities ("Impossible to establish server URL" without them): they are taken
 * from the Host header the client sent, so the URLs work from wherever the client stands.
 */
export const cgiWrapperScript = (program: string): string => `#!/bin/sh
host="\${HTTP_HOST:-localhost}"
export SERVER_NAME="\${SERVER_NAME:-\${host%:*}}"
case "$host" in
  *:*) export SERVER_PORT="\${SERVER_PORT:-\${host##*:}}" ;;
  *) export SERVER_PORT="\${SERVER_PORT:-80}" ;;
esac
exec ${program}
`;

/**
 * MapServer 8 refuses a map path from the request or from MS_MAPFILE unless its config file
 * allows it: every mapfile under /etc/mapserver (where a Swarm config is mounted) is allowed.
 */
export const mapserverConfig = `CONFIG
  ENV
    MS_MAP_PATTERN "^/etc/mapserver/"
  END
END
`;

/**
 * PostgreSQL with PostGIS. On first start (empty data directory): initdb with the password read
 * from POSTGRES_PASSWORD_FILE (a Swarm secret; POSTGRES_PASSWORD as a fallback), password
 * authentication for TCP, the database and user created and `CREATE EXTENSION postgis` in it,
 * then each /docker-entrypoint-initdb.d/*.sql (in name order, as the user, in the database), as
 * the upstream postgres image does: a Swarm config mounted there creates the tables a stack needs
 * before its first client comes. A failing script empties the data directory, so the next start
 * runs them all again rather than serving a half-made database.
 * Then postgres itself becomes PID 1 (setpriv execs, it does not fork), so it handles SIGINT
 * (fast shutdown, the service's stop signal) and SIGTERM (smart shutdown) as it documents.
 */
export const postgisEntrypoint = `#!/bin/sh
set -eu
PGDATA="\${PGDATA:-/var/lib/postgresql/data}"
user="\${POSTGRES_USER:-postgres}"
db="\${POSTGRES_DB:-$user}"
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }
mkdir -p "$PGDATA" /run/postgresql
chown postgres:postgres "$PGDATA" /run/postgresql
chmod 700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile=$(mktemp)
  if [ -n "\${POSTGRES_PASSWORD_FILE:-}" ]; then cat "$POSTGRES_PASSWORD_FILE" > "$pwfile"
  elif [ -n "\${POSTGRES_PASSWORD:-}" ]; then printf '%s' "$POSTGRES_PASSWORD" > "$pwfile"
  else echo "kargo-postgis: set POSTGRES_PASSWORD_FILE (a secret) or POSTGRES_PASSWORD" >&2; exit 1
  fi
  chown postgres "$pwfile"
  echo "kargo-postgis: initdb of $PGDATA for user $user, database $db"
  as_postgres initdb -D "$PGDATA" -U "$user" --pwfile="$pwfile" --auth-local=peer --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"
  echo "listen_addresses = '*'" >> "$PGDATA/postgresql.conf"
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  echo "local all all trust" > "$PGDATA/pg_hba.local"
  # During setup the server listens on no TCP address and on a socket of its own, so that the
  # health check (pg_isready on the usual socket) does not report a server that is about to stop.
  setup=$(mktemp -d)
  chown postgres "$setup"
  as_postgres pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -c unix_socket_directories=$setup -c hba_file=$PGDATA/pg_hba.local" -w start >/dev/null
  if [ "$db" != postgres ]; then as_postgres psql -h "$setup" -v ON_ERROR_STOP=1 -U "$user" -d postgres -c "CREATE DATABASE \\"$db\\"" >/dev/null; fi
  as_postgres psql -h "$setup" -v ON_ERROR_STOP=1 -U "$user" -d "$db" -c "CREATE EXTENSION IF NOT EXISTS postgis" >/dev/null
  for script in /docker-entrypoint-initdb.d/*.sql; do
    [ -e "$script" ] || continue
    echo "kargo-postgis: running $script"
    if ! as_postgres psql -h "$setup" -v ON_ERROR_STOP=1 -U "$user" -d "$db" -q -f "$script" >/dev/null; then
      echo "kargo-postgis: $script failed; the data directory is emptied so that the next start runs initdb and the scripts again" >&2
      as_postgres pg_ctl -D "$PGDATA" -m immediate -w stop >/dev/null || true
      find "$PGDATA" -mindepth 1 -delete
      exit 1
    fi
  done
  as_postgres pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  rm -rf "$PGDATA/pg_hba.local" "$setup"
  echo "kargo-postgis: database $db ready with PostGIS"
fi
exec setpriv --reuid=postgres --regid=postgres --init-groups postgres -D "$PGDATA" "$@"
`;

/** Krawler: runs a job file once (the default), or whatever arguments the service gives. */
export const krawlerEntrypoint = `#!/bin/sh
if [ "$#" -eq 0 ]; then set -- /opt/krawler/jobfile.js; fi
exec /usr/local/bin/kargo-run node /opt/krawler/node_modules/@kalisio/krawler/lib/index.js "$@"
`;
