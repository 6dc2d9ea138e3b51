#!/usr/bin/env bash
# kdx spark in local mode against kdx batch on the same N dumps (copies of the bundled sample, a
# real Debian 6.1 kdump, with its symbol pack), on this machine; and the job's fixed cost (one dump).
# Usage: spark/bench.sh [N=40] [ROUNDS=1]. Prints a Markdown table (results: spark/README.md).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-40}"; rounds="${2:-1}"
sample="$root/fixtures/sample/frozen-audit.kdump"
pack="$(ls "$root"/fixtures/sample/*.kdxsym 2>/dev/null | head -n 1 || true)"
sym=(); [[ -n "$pack" ]] && sym=(-s "$pack")    # else kdx finds the symbols by build-id, or reads the dump's own
work="$(mktemp -d /tmp/kdx-spark-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/dumps" "$work/one"
for i in $(seq 1 "$n"); do cp "$sample" "$work/dumps/host$i.kdump"; done
cp "$sample" "$work/one/host0.kdump"
"$root/kdx" spark --help >/dev/null 2>&1      # builds the module first if needed, outside the timings
"$root/kdx" info "$sample" >/dev/null 2>&1 || true
cat "$work"/dumps/* >/dev/null               # every run reads from the page cache

now() { date +%s.%N; }
wall() { echo "$2 - $1" | bc; }
# field from kdx's SUMMARY line: "SUMMARY: N dumps in X s (Y dumps/s..."
secs() { sed -n 's/^SUMMARY: [0-9]* dumps in \([0-9.]*\) s.*/\1/p' "$1"; }
rate() { sed -n 's/^SUMMARY: [0-9]* dumps in [0-9.]* s (\([0-9.]*\) dumps\/s.*/\1/p' "$1"; }
start() { sed -n 's/^  Spark session start: \([0-9.]*\) s.*/\1/p' "$1"; }

echo "| run | dumps | whole process, s | triage stage, s | dumps/s (stage) | dumps/s (process) | Spark session start, s |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
for r in $(seq 1 "$rounds"); do
    t0=$(now); "$root/kdx" batch --json --jobs 2 "${sym[@]}" "$work/dumps" >/dev/null 2>"$work/batch.txt" || true; t1=$(now)
    w=$(wall "$t0" "$t1")
    echo "| kdx batch --jobs 2 | $n | $w | $(secs "$work/batch.txt") | $(rate "$work/batch.txt") | $(echo "scale=2; $n / $w" | bc) | - |"
    for m in 'local[1]' 'local[2]'; do
        rm -rf "$work/out"
        t0=$(now); "$root/kdx" spark --master "$m" --output "$work/out" "${sym[@]}" "$work/dumps" >"$work/spark.txt" 2>/dev/null; t1=$(now)
        w=$(wall "$t0" "$t1")
        echo "| kdx spark --master $m | $n | $w | $(secs "$work/spark.txt") | $(rate "$work/spark.txt") | $(echo "scale=2; $n / $w" | bc) | $(start "$work/spark.txt") |"
    done
    rm -rf "$work/out"
    t0=$(now); "$root/kdx" spark --master 'local[2]' --output "$work/out" "${sym[@]}" "$work/one" >"$work/spark.txt" 2>/dev/null; t1=$(now)
    w=$(wall "$t0" "$t1")
    echo "| kdx spark --master local[2] (fixed cost) | 1 | $w | $(secs "$work/spark.txt") | $(rate "$work/spark.txt") | $(echo "scale=2; 1 / $w" | bc) | $(start "$work/spark.txt") |"
    t0=$(now); "$root/kdx" batch --json "${sym[@]}" "$work/one" >/dev/null 2>"$work/batch.txt" || true; t1=$(now)
    echo "| kdx batch (fixed cost) | 1 | $(wall "$t0" "$t1") | $(secs "$work/batch.txt") | $(rate "$work/batch.txt") | - | - |"
done
echo
echo "load average while measuring: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
