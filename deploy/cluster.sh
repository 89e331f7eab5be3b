#!/usr/bin/env bash
# Run N gunicorn instances of the site behind nginx on one machine, sharing PostgreSQL and
# Redis:  DATABASE_URL=postgresql+psycopg://... REDIS_URL=redis://... deploy/cluster.sh [N]
# Instances listen on 8001..800N, nginx on 8080. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
count=${1:-2}
: "${DATABASE_URL:?set DATABASE_URL to the shared PostgreSQL database}"
: "${REDIS_URL:?set REDIS_URL to the shared Redis}"
: "${SECRET_KEY:?set SECRET_KEY: every instance must sign sessions with the same key}"
export DATABASE_URL REDIS_URL SECRET_KEY PROXY_HOPS=1
# Links in mails and feeds name nginx's address, not an instance's; nginx closes other hosts.
export SITE_URL=${SITE_URL:-http://127.0.0.1:8080}
server_name=${SERVER_NAME:-127.0.0.1 localhost}
export WEB_CONCURRENCY=${WEB_CONCURRENCY:-2}

command -v nginx >/dev/null || { echo "install nginx: apt-get install -y nginx-light" >&2; exit 1; }
make install translations >/dev/null
.venv/bin/flask --app wsgi.py db upgrade

run_dir=$(mktemp -d)
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; nginx -p "$run_dir" -c nginx.conf -s stop 2>/dev/null || true; }
trap cleanup EXIT INT TERM

servers=""
for n in $(seq 1 "$count"); do
  port=$((8000 + n))
  .venv/bin/gunicorn --config gunicorn.conf.py --bind "127.0.0.1:$port" wsgi:app &
  pids+=($!)
  servers+="    server 127.0.0.1:$port max_fails=3 fail_timeout=5s;\n"
done

site=$(sed -e "s|@ROOT@|$root|" -e "s|@SERVER_NAME@|$server_name|" deploy/nginx/mascot.conf |
  awk -v servers="$servers" '/^upstream/ {print; printf "%s", servers; skip=1; next}
       skip && /server 127/ {next} {skip=0; print}')
mkdir -p "$run_dir/logs"
cat > "$run_dir/nginx.conf" <<CONF
worker_processes auto;
pid $run_dir/nginx.pid;
error_log $run_dir/logs/error.log;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  access_log $run_dir/logs/access.log;
$site
}
CONF
nginx -p "$run_dir" -c nginx.conf
echo "site on http://127.0.0.1:8080 ($count instances); logs in $run_dir/logs"
wait
