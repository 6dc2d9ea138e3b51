#!/usr/bin/env bash
# Large dumps: does kdx stay as fast, and its heap as small, on a 4 GiB guest as on a 256 MiB one?
#   benchmarks/large.sh [ROUNDS] [HEAP]       (defaults: 3 rounds, HEAP=16m)
# Generates the `large` fixture if missing (fixtures/generate.sh --scenario large: a 4 GiB
# guest with 3 GiB filled with non-zero data, dumped as qemu.elf, zlib-d1.kdump, lzo-d1.kdump), then
# measures whole `./kdx` processes with /usr/bin/time (wall, peak RSS):
#   info, sys, ps, analyze   on each large dump and on the small frozen-audit zlib-d31.kdump
#   pages --jobs 1 and 2     on each large dump and on the small dumps of the same compressions
# first with the launcher's default heap, then again with the heap capped (JAVA_TOOL_OPTIONS=-Xmx$HEAP),
# logging the GC to report the peak heap occupancy, and sampling the anonymous RSS every 0.2 s
# (peak RSS also counts the dump's memory-mapped file pages, which are page cache, not heap).
# Heavy steps run under `nice -n 10` (the machine is shared). Prints one table per run kind.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
rounds="${1:-3}"
heap="${2:-16m}"
cache="${KDX_CACHE:-$HOME/.cache/kdx}"
abi="$("$root/fixtures/generate.sh" --print-kernel)"
large="$cache/fixtures/$abi/large"
small="$cache/fixtures/$abi/frozen-audit"

# Only when missing: generate.sh takes the fixtures lock, which a test run may hold for minutes while
# it regenerates the small scenarios (`generate.sh --scenario large --force` to remake it).
if [[ ! -f "$large/manifest.json" ]]; then
    t0=$(date +%s)
    nice -n 10 "$root/fixtures/generate.sh" --scenario large
    echo "large fixture made in $(( $(date +%s) - t0 )) s (per step: $large/timings.tsv)" >&2
fi
if [[ ! -f "$small/dumps/zlib-d31.kdump" ]]; then
    nice -n 10 "$root/fixtures/generate.sh" --scenario frozen-audit
fi
vmlinux="$large/vmlinux"

work="$(mktemp -d /tmp/kdx-large.XXXXXX)"
trap 'rm -rf "$work"' EXIT
"$root/kdx" --version >/dev/null          # builds the jar once, outside the measurement
export KDX_CACHE_DIR="$work/cache"        # a private symbol-pack cache, warmed once below
nice -n 10 "$root/kdx" sys "$small/dumps/zlib-d31.kdump" -s "$vmlinux" >/dev/null 2>&1

# measure NAME CMD...: appends "seconds rss_kib exit peak_heap_mib" to $work/NAME.times
measure() {
    local name="$1"; shift
    local rc=0 gc="$work/gc.log"
    rm -f "$gc"*
    JAVA_TOOL_OPTIONS="${KDX_JVM:-} -Xlog:gc,gc+exit:file=$gc" \
        /usr/bin/time -f "%e %M" -o "$work/one" nice -n 10 "$@" >"$work/$name.out" 2>"$work/$name.err" &
    # peak RSS counts the dump's mapped file pages (page cache); sample the anonymous part apart
    local tp=$! anon=0 cp a
    while kill -0 "$tp" 2>/dev/null; do
        cp=$(pgrep -P "$tp" | head -1 || true)
        if [[ -n "$cp" ]]; then
            a=$(awk '/^RssAnon:/ {print $2}' "/proc/$cp/status" 2>/dev/null || true)
            if [[ -n "$a" ]] && (( a > anon )); then anon=$a; fi
        fi
        sleep 0.2
    done
    wait "$tp" || rc=$?
    # peak heap occupancy: the largest of SerialGC's "Pause Young ... 12M->3M(40M)" before-values
    # and of the heap in use at exit (gc+exit: "DefNew total ..K, used ..K" + "Tenured ..., used ..K")
    local peak
    peak=$(awk '/M->/ { if (match($0, /[0-9]+M->/)) { v = substr($0, RSTART, RLENGTH - 3) + 0; if (v > m) m = v } }
                /\[gc,exit *\] +(DefNew|Tenured) / { if (match($0, /used [0-9]+K/)) u += substr($0, RSTART + 5, RLENGTH - 6) / 1024 }
                END { if (u > m) m = u; printf "%.0f", m }' "$gc" 2>/dev/null || echo 0)
    echo "$(tail -n 1 "$work/one") $rc ${peak:-0} $((anon / 1024))" >>"$work/$name.times"
}
median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
col() { awk -v c="$2" '{print $c}' "$work/$1.times"; }
row() { # label name: median wall, max RSS, max anonymous RSS, max heap peak, exit codes
    local name="$2"
    printf '%-52s %7s %8s %8s %8s  %s\n' "$1" "$(col "$name" 1 | median)" \
        "$(col "$name" 2 | sort -n | tail -1 | awk '{printf "%.0f", $1/1024}')" \
        "$(col "$name" 5 | sort -n | tail -1)" "$(col "$name" 4 | sort -n | tail -1)" \
        "$(col "$name" 3 | sort -u | tr '\n' ' ')"
}
pages_rate() { # name: the scan's own figures (JVM start excluded), from the --json output
    local f="$work/$1.out"
    key() { sed -n "s/.*\"$1\" *: *\"\{0,1\}\([0-9a-f.]*\).*/\1/p" "$f" | head -1; }
    echo "$(key pages) pages ($(key zero_pages) zero) in $(key seconds) s: $(key pages_per_s) pages/s, $(key mb_per_s) MB/s, digest $(key digest)"
}

declare -A dumps=(
    [large-elf]="$large/dumps/qemu.elf" [large-zlib]="$large/dumps/zlib-d1.kdump" [large-lzo]="$large/dumps/lzo-d1.kdump"
    [small-elf]="$small/dumps/qemu.elf" [small-zlib]="$small/dumps/zlib-d31.kdump" [small-lzo]="$small/dumps/lzo-d31.kdump"
)
triage="small-zlib large-elf large-zlib large-lzo"
scans="small-elf small-zlib small-lzo large-elf large-zlib large-lzo"

suite() { # tag: every measurement once per round
    local tag="$1" r d c j
    for ((r = 1; r <= rounds; r++)); do
        for d in $triage; do
            for c in info sys ps analyze; do
                measure "$tag-$d-$c" "$root/kdx" "$c" "${dumps[$d]}" -s "$vmlinux"
            done
        done
    done
    for d in $scans; do
        for j in 1 2; do measure "$tag-$d-pages$j" "$root/kdx" pages --json --jobs "$j" "${dumps[$d]}"; done
    done
}
report() {
    local tag="$1" d c j
    printf '%-52s %7s %8s %8s %8s  %s\n' "command (dump)" "wall s" "RSS MiB" "anon MiB" "heap MiB" "exit"
    for d in $triage; do
        for c in info sys ps analyze; do row "$c ($d: ${dumps[$d]##*/})" "$tag-$d-$c"; done
    done
    for d in $scans; do
        for j in 1 2; do
            row "pages --jobs $j ($d: ${dumps[$d]##*/})" "$tag-$d-pages$j"
            printf '%8s%s\n' "" "scan: $(pages_rate "$tag-$d-pages$j")"
        done
    done
}

KDX_JVM="" suite default
KDX_JVM="-Xmx$heap" suite capped
stat -c '%12s %n' "${dumps[@]}"
echo
echo "== default heap (launcher: -XX:+UseSerialGC, JVM default max heap = 1/4 of RAM); median wall of $rounds rounds for"
echo "   the triage commands, 1 run per scan; RSS = peak (includes mapped dump pages), anon = peak RssAnon"
echo "   sampled every 0.2 s, heap = peak heap occupancy (GC log: before-GC sizes and the heap at exit)"
report default
echo
echo "== heap capped: JAVA_TOOL_OPTIONS=-Xmx$heap"
report capped
