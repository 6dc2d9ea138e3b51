#!/usr/bin/env bash
# ./kdx spark PATH... [--master local[N]] [--output DIR] [-s SYMBOLS]: the Spark job on this machine.
# Called by ./kdx with JAVA_HOME set; builds spark/ (and what it needs) when its jar is missing or
# older than the sources, then runs it with Spark from the Maven repository on the class path.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="$root/spark/target"
jar="$target/kdx-spark.jar"
stale() {
    [[ ! -f "$jar" || ! -f "$target/spark-classpath.txt" || ! -f "$target/jvm-options.txt" ]] && return 0
    [[ -n "$(find "$root/pom.xml" "$root"/{dumpreader,symbols,analyzer,spark}/pom.xml \
        "$root"/{dumpreader,symbols,analyzer,spark}/src/main -newer "$jar" -print -quit 2>/dev/null)" ]]
}
if stale; then
    echo "kdx: building the Spark job (first run, or sources changed) ..." >&2
    (cd "$root" && mvn -B -q -o -DskipTests -pl spark -am package >/tmp/kdx-spark-build.$$.log 2>&1 \
        || mvn -B -q -DskipTests -pl spark -am package >/tmp/kdx-spark-build.$$.log 2>&1) || {
        echo "kdx: the build failed; see /tmp/kdx-spark-build.$$.log" >&2; exit 3; }
    rm -f /tmp/kdx-spark-build.$$.log
fi
read -r -a opts < "$target/jvm-options.txt"
# KDX_JAVA_OPTS adds JVM options (e.g. -Xmx8g), after kdx's own.
exec "$JAVA_HOME/bin/java" "${opts[@]}" -Dlog4j2.configurationFile="$root/spark/src/main/launcher/log4j2.properties" \
    ${KDX_JAVA_OPTS:-} -cp "$jar:$(cat "$target/spark-classpath.txt")" io.kdx.spark.SparkMain "$@"
