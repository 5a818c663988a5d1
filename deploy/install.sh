#!/usr/bin/env bash
# Install Anju on one Debian 12 server, as docs/deploy.md describes step by step.
#
#   sudo deploy/install.sh --domain anju.example.gov.cn            # certificate in /etc/ssl/anju/
#   sudo deploy/install.sh --domain anju.example.gov.cn --self-signed
#
# Safe to run again (an upgrade: new code, migrations, restarts; secrets and data are kept).
# --no-systemd starts the same programs as background processes instead of systemd units
# (containers and CI, where systemd is not running); with --prefix DIR every path lives
# under DIR, and --http-port/--https-port/--app-port choose the ports.
set -euo pipefail

DOMAIN=localhost
SELF_SIGNED=0
SYSTEMD=1
PREFIX=
HTTP_PORT=80
HTTPS_PORT=443
APP_PORT=8000
DB_NAME=anju
WORKERS=
while [ $# -gt 0 ]; do
  case "$1" in
    --domain) DOMAIN=$2; shift 2 ;;
    --self-signed) SELF_SIGNED=1; shift ;;
    --no-systemd) SYSTEMD=0; shift ;;
    --prefix) PREFIX=$2; shift 2 ;;
    --http-port) HTTP_PORT=$2; shift 2 ;;
    --https-port) HTTPS_PORT=$2; shift 2 ;;
    --app-port) APP_PORT=$2; shift 2 ;;
    --database) DB_NAME=$2; shift 2 ;;
    --workers) WORKERS=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

SRC=$(cd "$(dirname "$0")/.." && pwd)
APP_DIR=$PREFIX/srv/anju
ETC_DIR=$PREFIX/etc/anju
LOG_DIR=$PREFIX/var/log/anju
BACKUP_DIR=$PREFIX/var/backups/anju
TLS_DIR=$PREFIX/etc/ssl/anju
RUN_DIR=$PREFIX/run/anju
WORKERS=${WORKERS:-$(( $(nproc) * 2 ))}
step() { echo "== $*"; }

step "1. Debian packages"
export DEBIAN_FRONTEND=noninteractive
missing=()
for pkg in python3-venv make postgresql redis-server nginx openssl curl rsync; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

step "2. Services: PostgreSQL and Redis running"
if [ $SYSTEMD = 1 ]; then
  systemctl enable --now postgresql redis-server
else
  pg_isready -h 127.0.0.1 -q || pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
  redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || redis-server --daemonize yes --bind 127.0.0.1 >/dev/null
fi
for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -q && break; sleep 1; done

step "3. The anju user and folders"
id anju >/dev/null 2>&1 || useradd --system --home-dir /srv/anju --shell /usr/sbin/nologin anju
mkdir -p "$APP_DIR" "$ETC_DIR" "$LOG_DIR" "$BACKUP_DIR" "$TLS_DIR" "$RUN_DIR"
rsync -a --delete --exclude .git --exclude .venv --exclude instance --exclude 'tests/artifacts' \
  --exclude __pycache__ "$SRC/" "$APP_DIR/"
mkdir -p "$APP_DIR/instance"
chown -R anju:anju "$APP_DIR/instance" "$LOG_DIR" "$BACKUP_DIR"
chmod 0750 "$BACKUP_DIR"

step "4. Python environment"
[ -x "$APP_DIR/.venv/bin/python" ] || /usr/bin/python3 -m venv "$APP_DIR/.venv"  # Debian's Python, readable by the anju user
"$APP_DIR/.venv/bin/pip" install -q --upgrade pip
"$APP_DIR/.venv/bin/pip" install -q -r "$APP_DIR/requirements.txt"
"$APP_DIR/.venv/bin/pybabel" -q compile -d "$APP_DIR/app/translations"

step "5. Database $DB_NAME and its owner (password kept in $ETC_DIR/anju.env)"
ENV_FILE=$ETC_DIR/anju.env
if [ ! -f "$ENV_FILE" ]; then
  DB_PASSWORD=$(openssl rand -hex 24)
  sed -e "s|CHANGE-ME-db-password|$DB_PASSWORD|" \
      -e "s|/anju$|/$DB_NAME|" \
      -e "s|SECRET_KEY=CHANGE-ME-64-hex-characters|SECRET_KEY=$(openssl rand -hex 32)|" \
      -e "s|CARD_KEY=CHANGE-ME-another-64-hex-characters|CARD_KEY=$(openssl rand -hex 32)|" \
      -e "s|https://anju.example.gov.cn|https://$DOMAIN|" \
      -e "s|^BACKUP_FOLDER=.*|BACKUP_FOLDER=$BACKUP_DIR|" \
      -e "s|^WORKERS=.*|WORKERS=$WORKERS|" \
      -e "s|^BIND=.*|BIND=127.0.0.1:$APP_PORT|" \
      -e "s|^ACCESS_LOG=.*|ACCESS_LOG=$LOG_DIR/access.log|" \
      -e "s|^ERROR_LOG=.*|ERROR_LOG=$LOG_DIR/error.log|" \
      "$SRC/deploy/anju.env.example" > "$ENV_FILE"
  chown root:anju "$ENV_FILE"
  chmod 0640 "$ENV_FILE"
fi
DB_PASSWORD=$(sed -n 's|^DATABASE_URL=postgresql://anju:\([^@]*\)@.*|\1|p' "$ENV_FILE")
psql_admin() { runuser -u postgres -- psql -v ON_ERROR_STOP=1 -q "$@"; }
psql_admin -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'anju') THEN CREATE ROLE anju LOGIN; END IF; END \$\$;"
psql_admin -c "ALTER ROLE anju PASSWORD '$DB_PASSWORD'"
if ! runuser -u postgres -- psql -lqt | cut -d'|' -f1 | grep -qw "$DB_NAME"; then
  runuser -u postgres -- createdb --owner anju --encoding UTF8 --template template0 "$DB_NAME"
fi

step "6. Schema, service types and static files"
as_anju() { runuser -u anju -- env -C "$APP_DIR" bash -c 'set -a; . "$0"; set +a; export FLASK_APP=wsgi; exec "$@"' "$ENV_FILE" "$@"; }
as_anju .venv/bin/flask init-db
as_anju .venv/bin/flask static build

step "7. TLS certificate"
if [ $SELF_SIGNED = 1 ] && [ ! -f "$TLS_DIR/fullchain.pem" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=$DOMAIN" \
    -addext "subjectAltName=DNS:$DOMAIN,DNS:localhost,IP:127.0.0.1" \
    -keyout "$TLS_DIR/privkey.pem" -out "$TLS_DIR/fullchain.pem" 2>/dev/null
  chmod 0600 "$TLS_DIR/privkey.pem"
fi
[ -f "$TLS_DIR/fullchain.pem" ] || { echo "put the certificate in $TLS_DIR/fullchain.pem and privkey.pem (or use --self-signed)" >&2; exit 1; }

step "8. nginx"
SITE=$APP_DIR/deploy/nginx/anju.site.conf
sed -e "s|anju.example.gov.cn|$DOMAIN|g" -e "s|/etc/ssl/anju/|$TLS_DIR/|g" \
    -e "s|listen 80;|listen $HTTP_PORT;|" -e "s|listen \[::\]:80;|listen [::]:$HTTP_PORT;|" \
    -e "s|listen 443 ssl http2;|listen $HTTPS_PORT ssl http2;|" -e "s|listen \[::\]:443 ssl http2;|listen [::]:$HTTPS_PORT ssl http2;|" \
    -e "s|return 301 https://\$host\$request_uri;|return 301 https://\$host:$HTTPS_PORT\$request_uri;|" \
    -e "s|server 127.0.0.1:8000;|server 127.0.0.1:$APP_PORT;|" \
    "$APP_DIR/deploy/nginx/anju.conf" > "$SITE"
[ "$HTTPS_PORT" = 443 ] && sed -i "s|https://\$host:443\$request_uri|https://\$host\$request_uri|" "$SITE"

step "9. Services"
if [ $SYSTEMD = 1 ]; then
  ln -sf "$SITE" /etc/nginx/sites-enabled/anju
  rm -f /etc/nginx/sites-enabled/default
  nginx -t
  install -m 0644 "$APP_DIR"/deploy/systemd/*.service "$APP_DIR"/deploy/systemd/*.timer /etc/systemd/system/
  install -m 0644 "$APP_DIR/deploy/logrotate/anju" /etc/logrotate.d/anju
  timedatectl set-timezone Asia/Shanghai || true
  systemctl daemon-reload
  systemctl enable --now anju-web anju-jobs@1 nginx
  systemctl restart anju-web anju-jobs@1
  systemctl reload nginx
  for timer in send-reminders refresh-figures refresh-figures-nightly plan-services backup; do
    systemctl enable --now "anju-$timer.timer"
  done
else
  # The units' ExecStart lines, as background processes (pids in $RUN_DIR).
  start() { # name command…
    local name=$1; shift
    if [ -f "$RUN_DIR/$name.pid" ] && kill -0 "$(cat "$RUN_DIR/$name.pid")" 2>/dev/null; then
      kill "$(cat "$RUN_DIR/$name.pid")"; sleep 2
    fi
    runuser -u anju -- env -C "$APP_DIR" bash -c 'set -a; . "$0"; set +a; export FLASK_APP=wsgi; exec "$@"' \
      "$ENV_FILE" "$@" >>"$LOG_DIR/$name.out" 2>&1 &
    echo $! > "$RUN_DIR/$name.pid"
  }
  start web .venv/bin/gunicorn -c gunicorn.conf.py wsgi:app
  start jobs .venv/bin/flask jobs work
  cat > "$RUN_DIR/nginx.conf" <<EOF
worker_processes 1;
pid $RUN_DIR/nginx.pid;
error_log $LOG_DIR/nginx-error.log warn;
events { worker_connections 256; }
http { include /etc/nginx/mime.types; include $SITE; }
EOF
  mkdir -p /var/log/nginx
  nginx -t -c "$RUN_DIR/nginx.conf" -q
  if [ -f "$RUN_DIR/nginx.pid" ] && kill -0 "$(cat "$RUN_DIR/nginx.pid")" 2>/dev/null; then
    nginx -c "$RUN_DIR/nginx.conf" -s reload
  else
    nginx -c "$RUN_DIR/nginx.conf"
  fi
  # What the timers run, once each, to see them work.
  as_anju .venv/bin/flask refresh-figures
  as_anju .venv/bin/flask plan-services
  as_anju .venv/bin/flask send-reminders --max-seconds 10
  as_anju .venv/bin/flask backup create
fi

for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$APP_PORT/healthz" >/dev/null 2>&1 && break
  sleep 1
done
step "Anju is installed: https://$DOMAIN$([ "$HTTPS_PORT" = 443 ] || echo ":$HTTPS_PORT")/"
echo "   create the first administrator:"
echo "   sudo -u anju bash -c 'set -a; . $ENV_FILE; cd $APP_DIR; .venv/bin/flask --app wsgi create-user --role admin'"
