#!/usr/bin/env bash
# Side-by-side: crash, drgn and kdx doing the same triage of one dump, as whole processes.
#   benchmarks/compare.sh DUMP VMLINUX [ROUNDS]
# Each round runs the three tools in turn (alternating, so none gets a warmer page cache):
#   crash -s with sys, ps, bt -a, foreach UN bt, log (and mount, probed apart: see below)
#   drgn  (peers/drgn_triage.py): tasks, every stack, mounts with freeze levels, the log
#   kdx   run: sys, ps, bt -a, mount, log, and analyze: cold (no symbol pack cached: types from
#         the vmlinux .BTF), warm (pack cached), and DWARF only (KDX_TYPES=dwarf: a kernel without .BTF).
#   retrace   the calls 2 to 4 ABRT's retrace-server makes to its kernel debugger, each a whole process:
#         `-s DUMP VMLINUX` with "mod\nquit", then with --minimal and "log\nquit\n", then "sys\nquit\n";
#         crash itself (retrace-crash) and kdx's bin/kdx-crash in its place (retrace-kdx), pack cached.
#   crash13, drgn13: Debian 13's crash 8.0.6 and drgn 0.0.31, the same runs inside the generator's
#         debootstrap root (~/.cache/kdx/trixie-root, or $KDX_TRIXIE_ROOT; rows left out without it),
#         through chroot in a private mount namespace (unshare: about 5 ms more per run)
#   drgn13-tsf: drgn 0.0.31 with --no-log (tasks, every stack, freeze levels), beside
#   kdx-analyze: `kdx analyze DUMP` alone, warm (issue #13's yardstick: at most a third of drgn13-tsf)
# Then `kdx batch` on 40 dumps (the dump linked 40 times; with BATCH_DUMP=OTHER, 20 of each), warm:
# dumps/s and dumps/s per core.
# Prints the median wall time and peak RSS of each, and the ratios kdx/crash and kdx/drgn.
# Where a peer fails or answers wrongly on the dump, its row says so beside its time.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
dump="${1:?usage: compare.sh DUMP VMLINUX [ROUNDS]}"
vmlinux="${2:?usage: compare.sh DUMP VMLINUX [ROUNDS]}"
rounds="${3:-3}"
work="$(mktemp -d /tmp/kdx-compare.XXXXXX)"
trap 'rm -rf "$work"' EXIT

# kdx runs with a private cache, so "cold" never disturbs the user's own pack cache.
export KDX_CACHE_DIR="$work/cache"
pack_cache="$KDX_CACHE_DIR/symbols"
"$root/kdx" --version >/dev/null   # builds the jar and its AOT cache once, outside the measurement

measure() { # name, then the command; appends "seconds rss_kib exit" to $work/name.times
    local name="$1"; shift
    local rc=0
    # crash reads its commands from stdin (with -i it would stay interactive after the file)
    /usr/bin/time -f "%e %M" -o "$work/$name.one" "$@" >"$work/$name.out" 2>"$work/$name.err" || rc=$?
    echo "$(tail -n 1 "$work/$name.one") $rc" >>"$work/$name.times"
}

trixie="${KDX_TRIXIE_ROOT:-$HOME/.cache/kdx/trixie-root}"
[[ -f "$trixie/.kdx-ready" ]] || trixie=""
dump="$(readlink -f "$dump")"; vmlinux="$(readlink -f "$vmlinux")"
# the prefix that runs a command inside the Debian 13 root, with the dump's, the vmlinux's and this
# directory bound at their own paths (the mounts end with the command: private mount namespace)
in_trixie=(unshare --mount --propagation private bash -c '
    root=$1; binds=$2; shift 2
    for b in $binds; do mkdir -p "$root$b" && mount --bind "$b" "$root$b" || exit 125; done
    exec chroot "$root" "$@"' in-trixie "$trixie" "$(dirname "$dump") $(dirname "$vmlinux") $here")

# crash 8.0.2's `mount` never returns on Debian's 6.1 kernel: probe it once, apart, with a timeout,
# so that the timed runs measure the other commands and the table says what happened to mount.
crash_mount_note=""
printf 'mount\nquit\n' >"$work/crash-mount.cmds"
if ! timeout -k 5 60 crash -s "$vmlinux" "$dump" <"$work/crash-mount.cmds" >"$work/crash-mount.out" 2>&1; then
    crash_mount_note="mount left out: no answer within 60 s"
fi

for ((r = 1; r <= rounds; r++)); do
    measure crash timeout -k 5 600 crash -s "$vmlinux" "$dump" < "$here/peers/crash.cmds"
    measure drgn timeout -k 5 600 /usr/bin/python3 "$here/peers/drgn_triage.py" "$dump" "$vmlinux"
    if [[ -n "$trixie" ]]; then
        measure crash13 "${in_trixie[@]}" timeout -k 5 600 crash -s "$vmlinux" "$dump" < "$here/peers/crash.cmds"
        measure drgn13 "${in_trixie[@]}" timeout -k 5 600 /usr/bin/python3 "$here/peers/drgn_triage.py" "$dump" "$vmlinux"
        measure drgn13-tsf "${in_trixie[@]}" timeout -k 5 600 /usr/bin/python3 "$here/peers/drgn_triage.py" "$dump" "$vmlinux" --no-log
    fi
    rm -rf "$pack_cache"
    # DWARF alone (KDX_TYPES=dwarf): a first use of a kernel without .BTF; indexes DWARF, writes the pack
    measure kdx-dwarf env KDX_TYPES=dwarf "$root/kdx" run "$dump" -s "$vmlinux" sys ps "bt -a" mount log analyze
    rm -rf "$pack_cache"
    # cold: no pack; types from the vmlinux's .BTF (which writes no pack: it never indexes DWARF)
    measure kdx-cold "$root/kdx" run "$dump" -s "$vmlinux" sys ps "bt -a" mount log analyze
    [[ -d "$pack_cache" ]] || "$root/kdx" symbols pack "$vmlinux" >/dev/null 2>&1
    measure kdx-warm "$root/kdx" run "$dump" -s "$vmlinux" sys ps "bt -a" mount log analyze
    measure kdx-analyze "$root/kdx" analyze "$dump" -s "$vmlinux"
done

# batch throughput: 40 dumps, symbols shared (one pack, warm), --jobs = cores
mkdir -p "$work/batch"
for ((i = 0; i < 40; i++)); do
    if [[ -n "${BATCH_DUMP:-}" && $((i % 2)) == 1 ]]; then ln -s "$(readlink -f "$BATCH_DUMP")" "$work/batch/d$i.kdump"
    else ln -s "$dump" "$work/batch/d$i.kdump"; fi
done
for ((r = 1; r <= rounds; r++)); do
    measure kdx-batch40 "$root/kdx" batch "$work/batch" -s "$vmlinux"
done

# retrace-server's calls 2 to 4 (retrace.py prepare_debuginfo, retrace_worker.py), debugger as $1
retrace_calls='set -e; d="$1"; shift; printf "mod\nquit" | $d -s "$@" >/dev/null
printf "log\nquit\n" | $d -s "$@" --minimal >/dev/null; printf "sys\nquit\n" | $d -s "$@" >/dev/null'
for ((r = 1; r <= rounds; r++)); do
    measure retrace-crash timeout -k 5 600 bash -c "$retrace_calls" _ crash "$dump" "$vmlinux"
    measure retrace-kdx bash -c "$retrace_calls" _ "$root/bin/kdx-crash" "$dump" "$vmlinux"
done

median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
note() { # what went wrong with a tool on this dump, in a few words
    local name="$1"
    case "$name" in
        crash) [[ -n "$crash_mount_note" ]] && echo "$crash_mount_note"
               if grep -q "invalid size request" "$work/crash.out" "$work/crash.err" 2>/dev/null; then echo "bt fails: invalid size request"; fi
               if ! grep -q "PID" "$work/crash.out" 2>/dev/null; then echo "no task list"; fi ;;
        crash13) if grep -q "invalid size request" "$work/crash13.out" "$work/crash13.err" 2>/dev/null; then echo "bt fails: invalid size request"; fi
               if ! grep -q "PID" "$work/crash13.out" 2>/dev/null; then echo "no task list: $(grep -m1 '^crash:' "$work/crash13.out" "$work/crash13.err" 2>/dev/null | cut -d: -f2- | head -c 90)"; fi ;;
        drgn*) if grep -q "bt failed" "$work/$name.out" 2>/dev/null; then echo "some stacks failed"; fi
               if [[ ! -s "$work/$name.out" ]]; then tail -n 1 "$work/$name.err" | head -c 100 | tr '\n' ' '; fi ;;
        kdx-batch40) echo "$(awk -v n="$(nproc)" '{ t = $1 } END { printf "%.1f dumps/s, %.1f per core", 40 / t, 40 / t / n }' <<<"${T[$name]}")" ;;
    esac
}
declare -A T M
printf '%-13s %10s %12s  %s\n' tool "median s" "peak RSS MiB" "notes"
names=(crash drgn)
[[ -n "$trixie" ]] && names+=(crash13 drgn13 drgn13-tsf)
names+=(kdx-dwarf kdx-cold kdx-warm kdx-analyze kdx-batch40 retrace-crash retrace-kdx)
for name in "${names[@]}"; do
    T[$name]=$(awk '{print $1}' "$work/$name.times" | median)
    M[$name]=$(awk '{print $2/1024}' "$work/$name.times" | median)
    fails=$(awk '$3 != 0' "$work/$name.times" | wc -l)
    n="$(note "$name" | tr '\n' ';')"
    ((fails)) && n="exit != 0 in $fails of $rounds rounds; $n"
    printf '%-13s %10.2f %12.0f  %s\n' "$name" "${T[$name]}" "${M[$name]}" "$n"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
echo
echo "kdx/crash: cold $(ratio "${T[kdx-cold]}" "${T[crash]}"), warm $(ratio "${T[kdx-warm]}" "${T[crash]}")"
echo "kdx/drgn:  cold $(ratio "${T[kdx-cold]}" "${T[drgn]}"), warm $(ratio "${T[kdx-warm]}" "${T[drgn]}")"
echo "DWARF only (no .BTF, first use): kdx/crash $(ratio "${T[kdx-dwarf]}" "${T[crash]}"), kdx/drgn $(ratio "${T[kdx-dwarf]}" "${T[drgn]}")"
echo "retrace-server calls 2-4 (mod, log --minimal, sys: 3 processes): kdx/crash $(ratio "${T[retrace-kdx]}" "${T[retrace-crash]}")"
if [[ -n "$trixie" ]]; then
    echo "newest peers: kdx-warm/crash13 $(ratio "${T[kdx-warm]}" "${T[crash13]}"), kdx-warm/drgn13 $(ratio "${T[kdx-warm]}" "${T[drgn13]}"), kdx-analyze/drgn13-tsf $(ratio "${T[kdx-analyze]}" "${T[drgn13-tsf]}")"
fi
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "dump: $dump ($(du -h "$dump" | cut -f1)), vmlinux: $vmlinux, rounds: $rounds, $(nproc) cores"
