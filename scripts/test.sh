#!/usr/bin/env bash
# The whole test suite on a fresh machine: finds JDK 25, then builds and runs every module's tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/java-home.sh
echo "JAVA_HOME=$JAVA_HOME"
./mvnw -B -ntp verify
