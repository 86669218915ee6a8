#!/usr/bin/env bash
# Makes sure everything Tally needs is present and running, and changes nothing that
# already is: the wasm32-wasip2 Rust target, PostgreSQL and Redis on 127.0.0.1, and the
# `tally` database and role. Safe to run again; fast when all is in place.
set -euo pipefail
# `--browser` also installs headless Chromium and its WebDriver (the dashboard's browser
# tests; scripts/test.sh passes it).
browser=0
[ "${1:-}" = --browser ] && browser=1
ROOT="$(cd "$(dirname "$0")/.." && pwd)"

PG_PORT="${TALLY_PG_PORT:-5432}"
REDIS_PORT="${TALLY_REDIS_PORT:-6379}"
say() { printf '==> %s\n' "$*"; }
is_root() { [ "$(id -u)" = 0 ]; }

# --- Rust ------------------------------------------------------------------------------
if ! command -v cargo >/dev/null; then
    echo "Rust is not installed. Install it from https://rustup.rs, then run this again:" >&2
    echo "  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh" >&2
    exit 1
fi
if command -v rustup >/dev/null && ! rustup target list --installed | grep -qx wasm32-wasip2; then
    say "installing the wasm32-wasip2 Rust target"
    rustup target add wasm32-wasip2
fi

# --- packages --------------------------------------------------------------------------
missing=()
command -v pg_ctlcluster >/dev/null || command -v pg_ctl >/dev/null || missing+=(postgresql)
command -v redis-server >/dev/null || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
    if is_root && command -v apt-get >/dev/null; then
        say "installing ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq "${missing[@]}" postgresql-client redis-tools >/dev/null
    else
        echo "Tally needs PostgreSQL and Redis. Install them with:" >&2
        echo "  sudo apt-get install -y postgresql redis-server" >&2
        exit 1
    fi
fi

# --- Node.js: the dashboard's chart library is vendored at build time with `npm ci` ----
apt_install() {
    if is_root && command -v apt-get >/dev/null; then
        say "installing $*"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq "$@" >/dev/null
    else
        echo "Tally needs $*. Install them with:" >&2
        echo "  sudo apt-get install -y $*" >&2
        exit 1
    fi
}
command -v npm >/dev/null || apt_install nodejs npm
web="$ROOT/components/dashboard/web"
if [ ! -f "$web/node_modules/uplot/dist/uPlot.iife.min.js" ] \
    || [ "$web/package-lock.json" -nt "$web/node_modules/.package-lock.json" ]; then
    say "installing the dashboard's chart library (npm ci)"
    npm ci --prefix "$web" --no-audit --no-fund --loglevel=error
fi
if [ "$browser" = 1 ] && ! { [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; }; then
    apt_install chromium chromium-driver
fi

# --- Redis -----------------------------------------------------------------------------
redis_up() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; }
if ! redis_up; then
    say "starting Redis on 127.0.0.1:$REDIS_PORT"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
        --dir /tmp --logfile /tmp/tally-redis.log
    for _ in $(seq 50); do redis_up && break; sleep 0.1; done
    redis_up || { echo "Redis did not start; see /tmp/tally-redis.log" >&2; exit 1; }
fi

# --- PostgreSQL ------------------------------------------------------------------------
pg_up() { pg_isready -q -h 127.0.0.1 -p "$PG_PORT" 2>/dev/null; }
if ! pg_up; then
    if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
        version=$(ls /etc/postgresql | sort -V | tail -n 1)
        say "starting PostgreSQL $version"
        if is_root; then
            pg_ctlcluster --skip-systemctl-redirect "$version" main start
        else
            sudo pg_ctlcluster --skip-systemctl-redirect "$version" main start
        fi
    else
        echo "PostgreSQL is installed but not running on 127.0.0.1:$PG_PORT; start it, then run this again." >&2
        exit 1
    fi
    for _ in $(seq 100); do pg_up && break; sleep 0.1; done
    pg_up || { echo "PostgreSQL did not start" >&2; exit 1; }
fi

# Run SQL as the Postgres superuser: over the local socket as the postgres OS user when
# we may, else over TCP as `postgres` (works where local auth is trust).
psql_admin() {
    if is_root && id postgres >/dev/null 2>&1; then
        runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$PG_PORT" "$@"
    else
        psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres "$@"
    fi
}
if ! PGPASSWORD=tally psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U tally -d tally -c 'SELECT 1' >/dev/null 2>&1; then
    say "creating the tally role and database"
    psql_admin -d postgres -c "DO \$\$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tally') THEN
            CREATE ROLE tally LOGIN PASSWORD 'tally';
        END IF; END \$\$;"
    psql_admin -d postgres -tc "SELECT 1 FROM pg_database WHERE datname = 'tally'" | grep -q 1 \
        || psql_admin -d postgres -c "CREATE DATABASE tally OWNER tally"
fi
say "PostgreSQL (postgres://tally@127.0.0.1:$PG_PORT/tally) and Redis (redis://127.0.0.1:$REDIS_PORT) are ready"
