#!/usr/bin/env bash
# The API against its own OpenAPI document: starts the real `lyhty` binary with the demo
# data on a fresh SQLite database, and on a fresh PostgreSQL database when
# LYHTY_TEST_POSTGRES_URL names a server (required when LYHTY_REQUIRE_POSTGRES=1), signs in
# as the coordinator and lets Schemathesis send every operation a bounded number of
# generated requests, valid and invalid. It fails on any 5xx, any dropped connection, and any
# answer whose status, content type, headers or body the document does not describe.
#
# Usage: scripts/schemathesis.sh PATH/TO/lyhty PATH/TO/venv/bin/schemathesis
# ST_MAX_EXAMPLES (default 25) bounds the generated requests per operation and phase.
set -euo pipefail
cd "$(dirname "$0")/.."

lyhty="$1"
schemathesis="$2"
examples="${ST_MAX_EXAMPLES:-25}"
work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [ -n "${pg_admin:-}" ] && [ -n "${pg_db:-}" ]; then psql "$pg_admin" -qc "drop database if exists $pg_db with (force)" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# run_backend NAME DATABASE_URL
run_backend() {
  local name="$1" url="$2" port base token
  port="$(free_port)"
  base="http://127.0.0.1:$port"
  echo "== schemathesis on $name ($examples examples per operation)"
  LYHTY_DATABASE_URL="$url" LYHTY_BIND="127.0.0.1:$port" \
    LYHTY_JWT_SECRET="schemathesis-run-secret-of-at-least-32-bytes" LYHTY_SAMPLE_DATA=sample-data \
    LYHTY_LOG_FORMAT=json RUST_LOG=warn "$lyhty" serve --demo >"$work/$name-server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 120); do
    curl -fs "$base/readyz" >/dev/null 2>&1 && break
    kill -0 "$server_pid" 2>/dev/null || { echo "the server stopped:"; tail -30 "$work/$name-server.log"; return 1; }
    sleep 0.5
  done
  token="$(curl -fs "$base/api/auth/login" -H 'Content-Type: application/json' \
    -d '{"email":"koordinaattori@lyhty.example","password":"lyhty-demo-2025"}' \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
  local status=0
  "$schemathesis" run "$base/api/openapi.json" --url "$base" \
    -H "Authorization: Bearer $token" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
    --max-examples "$examples" --phases examples,coverage,fuzzing --workers 2 \
    --request-timeout 60 --seed 20261206 --generation-database none --no-color \
    --report junit --report-dir "$work/report-$name" || status=$?
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "the server died during the run:"; tail -30 "$work/$name-server.log"; status=1
  fi
  if grep -q '"level":"ERROR"' "$work/$name-server.log"; then
    echo "the server logged errors:"; grep '"level":"ERROR"' "$work/$name-server.log" | head -20; status=1
  fi
  kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; server_pid=""
  return $status
}

overall=0
run_backend sqlite "sqlite://$work/lyhty.db" || overall=1

if [ -n "${LYHTY_TEST_POSTGRES_URL:-}" ]; then
  pg_admin="$LYHTY_TEST_POSTGRES_URL"
  pg_db="lyhty_schemathesis_$$"
  psql "$pg_admin" -qc "create database $pg_db" >/dev/null
  run_backend postgres "${pg_admin%/*}/$pg_db" || overall=1
elif [ "${LYHTY_REQUIRE_POSTGRES:-}" = 1 ]; then
  echo "LYHTY_REQUIRE_POSTGRES=1 but LYHTY_TEST_POSTGRES_URL is not set: the PostgreSQL run cannot be skipped"
  overall=1
else
  echo "== schemathesis on PostgreSQL SKIPPED: set LYHTY_TEST_POSTGRES_URL to run it"
fi
exit $overall
