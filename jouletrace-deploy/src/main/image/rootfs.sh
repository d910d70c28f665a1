#!/usr/bin/env bash
# The container image's file system, from what this machine has (no base image can be pulled): a jlink runtime of the
# JDK that builds, the CLI jar, and the shared libraries they and the jar's DuckDB and RocksDB natives link against, as
# ldd finds them here (glibc, libstdc++, libgcc_s). Usage: rootfs.sh CLI_JAR OUT_DIR
set -euo pipefail
jar="$1"
out="$2"
: "${JAVA_HOME:?JAVA_HOME names the JDK whose runtime the image carries}"
rm -rf "$out"
mkdir -p "$out/opt/jouletrace" "$out/etc" "$out/proc" "$out/tmp" "$out/var/lib/jouletrace"

# Java SE plus what the libraries reach for beyond it (Unsafe for Kafka and protobuf, zipfs, JMX for Micrometer, DNS).
"$JAVA_HOME/bin/jlink" --add-modules java.se,jdk.unsupported,jdk.zipfs,jdk.management,jdk.naming.dns \
  --strip-debug --no-header-files --no-man-pages --compress=zip-6 --output "$out/opt/java"
cp "$jar" "$out/opt/jouletrace/jouletrace.jar"

# What the runtime and the natives link against; the AWT libraries (java.desktop, unused headless) are left out.
natives="$(mktemp -d)"
trap 'rm -rf "$natives"' EXIT
unzip -q -o "$jar" 'libduckdb_java.so_linux_*' 'librocksdbjni-linux*.so' -d "$natives"
libraries=("$out/opt/java/bin/java" "$out/opt/java/lib/server/libjvm.so" "$natives"/*)
for library in "$out"/opt/java/lib/*.so; do
  case "$(basename "$library")" in libawt*|libjawt*|libsplashscreen*|libfontmanager*|liblcms*|libjsound*|libmlib_image*|libfreetype*) ;; *) libraries+=("$library") ;; esac
done
# ldd prints "name => /path (address)" per library, and the loader as "\t/path (address)"; the runtime's own are skipped.
for dependency in $(ldd "${libraries[@]}" | awk '/=> \// {print $3} /^\t\// {print $1}' | grep -v "^$out" | sort -u); do
  mkdir -p "$out$(dirname "$dependency")"
  cp -L "$dependency" "$out$dependency"
done

# A named non-root user for the process (its home is the data directory).
printf 'root:x:0:0:root:/root:/sbin/nologin\njouletrace:x:65532:65532:jouletrace:/var/lib/jouletrace:/sbin/nologin\n' > "$out/etc/passwd"
printf 'root:x:0:\njouletrace:x:65532:\n' > "$out/etc/group"
printf 'hosts: files dns\n' > "$out/etc/nsswitch.conf"
