# Sourced by ./jouletrace and .ci/run: finds a JDK >= 25 and exports JAVA_HOME.
# The build machines' default java is 17; Temurin 25 sits beside it under /usr/lib/jvm.
java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/java" ] || [ "$(java_major "$JAVA_HOME")" -lt 25 ] 2>/dev/null; then
  JAVA_HOME=""
  for candidate in /usr/lib/jvm/temurin-25* /usr/lib/jvm/*-25-* /usr/lib/jvm/*; do
    if [ -x "$candidate/bin/java" ] && [ "$(java_major "$candidate")" -ge 25 ] 2>/dev/null; then JAVA_HOME="$candidate"; break; fi
  done
  if [ -z "$JAVA_HOME" ]; then
    echo "jouletrace needs a JDK >= 25 (Temurin 25): none found under /usr/lib/jvm; set JAVA_HOME" >&2
    exit 1
  fi
fi
export JAVA_HOME
