#!/usr/bin/env bash
# The whole test suite on a fresh machine: finds JDK 25, then builds and runs every module's tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/java-home.sh
echo "JAVA_HOME=$JAVA_HOME"

# PostgresStoreTest starts a private PostgreSQL cluster with initdb/pg_ctl unless JOULETRACE_TEST_POSTGRES
# names a server; without either it fails.
have_postgres() {
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then return 0; fi
  for dir in /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then return 0; fi
  done
  return 1
}
# Debian packages the suite needs: PostgreSQL for PostgresStoreTest (unless JOULETRACE_TEST_POSTGRES names a server),
# Chromium and its driver for the dashboard's browser test, Prometheus for promtool (ServerTest lints /metrics).
packages=()
if [ -z "${JOULETRACE_TEST_POSTGRES:-}" ] && ! have_postgres; then packages+=(postgresql); fi
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then packages+=(chromium chromium-driver); fi
if ! command -v promtool >/dev/null 2>&1; then packages+=(prometheus); fi
if [ ${#packages[@]} -gt 0 ]; then
  echo "installing ${packages[*]} for the test suite"
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "no apt-get here: install ${packages[*]} yourself (or set JOULETRACE_TEST_POSTGRES=postgresql://user:password@host:port/db)" >&2
    exit 1
  elif [ "$(id -u)" -eq 0 ]; then
    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y "${packages[@]}"
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y "${packages[@]}"
  else
    echo "cannot install ${packages[*]}: not root and no sudo" >&2
    exit 1
  fi
fi

# GatewayTest runs the official Python SDKs' documented streaming snippets through the gateway: the openai and anthropic
# packages (skipped, with a note, where python3 or pip is missing).
if command -v python3 >/dev/null 2>&1 && ! python3 -c 'import openai, anthropic' 2>/dev/null; then
  # A Debian python3 refuses a plain install (PEP 668): then into the user's site-packages.
  python3 -m pip install --quiet openai anthropic 2>/dev/null || python3 -m pip install --quiet --user --break-system-packages openai anthropic \
    || echo "could not install the openai and anthropic Python packages: GatewayTest skips their snippets" >&2
fi

./mvnw -B -ntp verify
