#!/bin/sh
# shellcheck disable=SC2086,SC2046 # splitting $PIN, $TIMEOUT, $args and value lists is intended
# make bench: native vs umk, interleaved rounds, medians.
#
# Run from the build directory (make does): uses ./umk, bench/runner,
# bench/bin/* and a private copy of the guest rootfs guest-rootfs/root
# (bench/root.XXXXXX, removed at exit) with bench/bin/* in /usr/local/bin
# and the path benchmarks' file /usr/local/bench-files/a/b/c/file.
#
# Each guest program times its own loop (CLOCK_MONOTONIC) and prints ns/op.
# Each round runs every benchmark natively and then under `umk run --stats`;
# the tables show the median over the rounds. The rows: syscalls (getppid,
# write), signals (a round trip to a handler; pipe ping-pong), path calls (open+close, stat of the file above), process and memory
# calls (fork, mmap, exec, spawn), and whole programs: busybox sh loops and
# `find / -xdev | wc -l` over the bench rootfs (one op = one whole run). The
# rows that walk guest paths or run the rootfs's busybox (sh, open, stat,
# find) run natively in a chroot of the bench rootfs when we are root, else
# with host paths into it. stops/op is
# (stops of a run with N iterations - stops of a run with 0) / N. The floor is
# a bare SECCOMP_RET_TRACE round trip (bench/runner floor-trace) measured in
# the same rounds; "x floor" is umk ns/op divided by it.
#
# Environment: BENCH_ROUNDS (default 7; use at least 5 for a real figure),
# UMK (default ./umk), BENCH_ROOT (default guest-rootfs/root),
# BENCH_TIMEOUT (seconds per run, default 120), BENCH_VERBOSE=1 (print every
# run's figures as well).
# Exit status: 0, or 1 if any run (native or umk) failed or hung.
set -u

ROUNDS=${BENCH_ROUNDS:-7}
UMK=${UMK:-./umk}
ROOT=${BENCH_ROOT:-guest-rootfs/root}
BIN=bench/bin
RUNNER=bench/runner
TMO=${BENCH_TIMEOUT:-120}

# Iteration counts (each run ~0.1-0.7 s on a slow 2-CPU VM).
N_GETPPID=10000
N_WRITE=200000
N_FORK=200
N_MMAP=100		# mmap 1 MiB + 256 page touches + munmap per op
N_MMAP8=12		# the same with 8 MiB: past umk's recycled pages
N_FORKBIG=20		# fork+wait from a parent with 64 MiB touched (slow ops)
N_SH=200
N_OPEN=4000		# open(O_RDONLY)+close of /usr/local/bench-files/a/b/c/file
N_STAT=5000		# stat of the same file
N_FIND=10		# whole `find / -xdev | wc -l` runs (busybox, no shell)
N_EXEC=200		# fork+exec+wait, posix_spawn+wait
N_SIG=20000		# kill(self) + handler + rt_sigreturn
N_PIPE=50000		# one byte each way between two processes
N_FLOOR=10000
N_SIGSYS=50000
N_PAR=100000		# spin units per worker in the parallel benchmark

fail() {
	echo "bench: FAILED: $*" >&2
	exit 1
}

for f in "$UMK" "$RUNNER"; do
	[ -x "$f" ] || fail "$f not built (run make bench)"
done
[ -d "$ROOT" ] || fail "guest rootfs $ROOT missing (run make)"
UMK=$(cd "$(dirname "$UMK")" && pwd)/$(basename "$UMK")
ROOT=$(cd "$ROOT" && pwd)
BIN=$(cd "$BIN" && pwd)
RUNNER=$(pwd)/$RUNNER

tmp=$(mktemp -d "${TMPDIR:-/tmp}/umk-bench.XXXXXX") || fail "mktemp"
# A private copy of the guest rootfs plus the bench guests in /usr/local/bin,
# so a concurrent `make` regenerating guest-rootfs/root cannot pull it away
# mid-run. It sits next to the build (not in a possibly noexec /tmp).
broot=$(mktemp -d "$(pwd)/bench/root.XXXXXX" 2>/dev/null ||
	mktemp -d "${TMPDIR:-/tmp}/umk-bench-root.XXXXXX") || fail "mktemp"
trap 'rm -rf "$tmp" "$broot"' EXIT
trap 'exit 130' INT TERM HUP
cp -a "$ROOT/." "$broot/" || fail "cannot copy the guest rootfs $ROOT"
chmod 755 "$broot"
mkdir -p "$broot/usr/local/bin" || fail "cannot write $broot/usr/local/bin"
for f in "$BIN"/*; do
	cp "$f" "$broot/usr/local/bin/" || fail "cannot copy $f into the rootfs"
done
# The path benchmarks' file, three directories below /usr/local/bench-files.
BENCH_FILE=/usr/local/bench-files/a/b/c/file
if ! mkdir -p "$broot$(dirname "$BENCH_FILE")" || ! echo bench >"$broot$BENCH_FILE"; then
	fail "cannot create $BENCH_FILE in the rootfs"
fi
# bench-dyntrue's ld.so and libc, where its PT_INTERP and ld.so look.
for f in $(ldd "$BIN/bench-dyntrue" 2>/dev/null | sed -n 's|.*[ 	]\(/[^ ]*\) (0x.*|\1|p'); do
	mkdir -p "$broot$(dirname "$f")" && cp -L "$f" "$broot$f" || fail "cannot copy $f into the rootfs"
done
# And ld.so's cache, as a Debian root has one (without it ld.so probes a
# dozen directories per library, each a trapped path syscall).
if command -v ldconfig >/dev/null 2>&1; then
	ldconfig -r "$broot" 2>/dev/null || true
fi
ROOT=$broot

if command -v timeout >/dev/null 2>&1; then
	TIMEOUT="timeout -k 5 $TMO"
else
	TIMEOUT=
fi

# Natively, the shell loop runs the rootfs's own busybox: in a chroot of the
# rootfs when we may (root), else from the host paths of the same files (a
# `true` link to the rootfs busybox, so busybox sees the applet name). The
# path rows (native mode native-root) likewise: the guest program in the
# chroot, else the host's copy with every argument that is a guest path
# (starts with /) prefixed by the rootfs.
if [ "$(id -u)" = 0 ] && chroot "$ROOT" /bin/true >/dev/null 2>&1; then
	NATIVE_SH_MODE="chroot $ROOT"
	nat_sh() {	# N COMMAND(guest path)
		$TIMEOUT chroot "$ROOT" /usr/local/bin/shloop "$1" /bin/sh "$2"
	}
	nat_root() {	# PROGRAM N ARGS(guest paths)...
		p=$1
		shift
		$TIMEOUT chroot "$ROOT" "/usr/local/bin/$p" "$@"
	}
else
	NATIVE_SH_MODE="host paths into $ROOT (not root, or chroot refused)"
	ln -s "$ROOT/bin/busybox" "$tmp/true" || fail "ln"
	nat_sh() {
		case $2 in
		/bin/true) cmd=$tmp/true ;;
		*) cmd=$ROOT$2 ;;
		esac
		$TIMEOUT "$BIN/shloop" "$1" "$ROOT/bin/busybox" "$cmd"
	}
	nat_root() {
		p=$1 n=$2
		shift 2
		for a in "$@"; do
			shift
			case $a in
			/*) set -- "$@" "$ROOT$a" ;;
			*) set -- "$@" "$a" ;;
			esac
		done
		$TIMEOUT "$BIN/$p" "$n" "$@"
	}
fi

# CPU placement: the first CPU we may run on.
PIN_CPU=
if command -v taskset >/dev/null 2>&1; then
	PIN_CPU=$(taskset -cp $$ 2>/dev/null | sed -n 's/.*: *\([0-9][0-9]*\).*/\1/p')
fi
NCPU=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?')

# ---- one run ---------------------------------------------------------------
# run KEY MODE PIN PROGRAM N [ARGS...]
#   MODE: native | umk | native-sh | native-root | floor | sigsys;
#   PIN: "" or a CPU number.
# Appends ns/op to $tmp/KEY.ns (and, for umk, total stops to $tmp/KEY.stops;
# a program's entries=K to $tmp/KEY.entries).
run() {
	key=$1 mode=$2 pin=$3 prog=$4 n=$5
	shift 5
	# PIN is split into words on purpose (empty: no taskset).
	PIN=${pin:+taskset -c $pin}
	case $mode in
	native) cmd="${PIN:+$PIN }$BIN/$prog $n $*"
		$PIN $TIMEOUT "$BIN/$prog" "$n" "$@" >"$tmp/out" 2>"$tmp/err" ;;
	umk)	cmd="${PIN:+$PIN }$UMK run --stats --root $ROOT /usr/local/bin/$prog $n $*"
		$PIN $TIMEOUT "$UMK" run --stats --root "$ROOT" \
			"/usr/local/bin/$prog" "$n" "$@" >"$tmp/out" 2>"$tmp/err" ;;
	native-sh) cmd="shloop $n ($NATIVE_SH_MODE) $*"
		nat_sh "$n" "$@" >"$tmp/out" 2>"$tmp/err" ;;
	native-root) cmd="$prog $n $* ($NATIVE_SH_MODE)"
		nat_root "$prog" "$n" "$@" >"$tmp/out" 2>"$tmp/err" ;;
	floor)	cmd="${PIN:+$PIN }$RUNNER floor-trace $n"
		$PIN $TIMEOUT "$RUNNER" floor-trace "$n" >"$tmp/out" 2>"$tmp/err" ;;
	sigsys)	cmd="${PIN:+$PIN }$RUNNER floor-sigsys $n"
		$PIN $TIMEOUT "$RUNNER" floor-sigsys "$n" >"$tmp/out" 2>"$tmp/err" ;;
	*)	fail "run: unknown mode $mode" ;;
	esac
	rc=$?
	if [ $rc -ne 0 ]; then
		if [ -n "$TIMEOUT" ] && { [ $rc -eq 124 ] || [ $rc -eq 137 ]; }; then
			why="timed out after ${TMO}s (hang?)"
		else
			why="exit status $rc"
		fi
		echo >&2
		echo "bench: $mode run failed ($why): $cmd" >&2
		sed 's/^/bench:   | /' "$tmp/out" "$tmp/err" >&2
		exit 1
	fi
	v=$(sed -n 's/.*ns\/op=\([0-9.]*\).*/\1/p' "$tmp/out")
	if [ -z "$v" ]; then
		printf '\nbench: no ns/op in the output of: %s\n' "$cmd" >&2
		sed 's/^/bench:   | /' "$tmp/out" "$tmp/err" >&2
		exit 1
	fi
	[ "$n" -gt 0 ] && echo "$v" >>"$tmp/$key.ns"
	[ "${BENCH_VERBOSE:-0}" = 1 ] && echo "  $key: $(cat "$tmp/out") $(grep '^umk-stats' "$tmp/err")" >&2
	par=$(sed -n 's/.*parallelism=\([0-9.]*\).*/\1/p' "$tmp/out")
	[ -n "$par" ] && echo "$par" >>"$tmp/$key.par"
	ent=$(sed -n 's/.*entries=\([0-9]*\).*/\1/p' "$tmp/out")
	[ -n "$ent" ] && [ "$n" -gt 0 ] && echo "$ent" >>"$tmp/$key.entries"
	if [ "$mode" = umk ]; then
		s=$(sed -n 's/^umk-stats: stops=\([0-9]*\)$/\1/p' "$tmp/err" | tail -n 1)
		if [ -z "$s" ]; then
			printf '\nbench: no umk-stats line in the output of: %s\n' "$cmd" >&2
			sed 's/^/bench:   | /' "$tmp/err" >&2
			exit 1
		fi
		echo "$s" >>"$tmp/$key.stops"
	fi
	return 0
}

med() {	# median of $tmp/$1
	"$RUNNER" median $(cat "$tmp/$1") || exit 1
}

calc() {	# awk expression over the arguments $1.. as a b c ...
	expr=$1
	shift
	awk -v a="${1:-0}" -v b="${2:-0}" -v c="${3:-0}" "BEGIN { $expr }"
}

# ---- the benchmark list ----------------------------------------------------
# name|label|prog|N|extra args|native mode
BENCHES="getppid|getppid loop|getppid|$N_GETPPID||native
write|write 1B /dev/null|write_null|$N_WRITE||native
signal|kill self+handler+sigreturn|sig_roundtrip|$N_SIG||native
pipe|pipe ping-pong, 2 procs|pipe_pingpong|$N_PIPE||native
open|open+close a/b/c/file|open_close|$N_OPEN|$BENCH_FILE|native-root
stat|stat a/b/c/file|stat_file|$N_STAT|$BENCH_FILE|native-root
fork|fork+_exit+wait|fork_wait|$N_FORK||native
mmap|mmap 1M+touch+munmap|mmap_touch|$N_MMAP||native
mmap8|mmap 8M+touch+munmap|mmap_touch|$N_MMAP8|8|native
forkbig|fork+wait, 64M touched|fork_big|$N_FORKBIG||native
exec|fork+exec+wait static|fork_exec|$N_EXEC|bench-true fork|native
execdyn|fork+exec+wait dynamic|fork_exec|$N_EXEC|bench-dyntrue fork|native
spawn|posix_spawn+wait static|fork_exec|$N_EXEC|bench-true spawn|native
sh|sh loop: /bin/true|shloop|$N_SH|/bin/sh /bin/true|native-sh
shtiny|sh loop: bench-true|shloop|$N_SH|/bin/sh /usr/local/bin/bench-true|native-sh
find|find / -xdev + wc -l|find_wc|$N_FIND|/bin/busybox /|native-root"

each_bench() {	# calls "$1" name label prog n args nmode for every benchmark
	echo "$BENCHES" | while IFS='|' read -r name label prog n args nmode; do
		"$1" "$name" "$label" "$prog" "$n" "$args" "$nmode" || exit 1
	done
}

round_main() {
	name=$1 prog=$3 n=$4 args=$5 nmode=$6
	if [ "$nmode" = native-sh ]; then
		run "$name.native" native-sh "" "$prog" "$n" ${args#/bin/sh }
	else
		run "$name.native" "$nmode" "" "$prog" "$n" $args
	fi
	run "$name.umk" umk "" "$prog" "$n" $args
	run "$name.umk0" umk "" "$prog" 0 $args
}

echo "umk bench: $ROUNDS interleaved rounds (native, umk, ...), medians; $NCPU CPUs; $(uname -r)"
echo "native shell loops and path rows (open, stat, find): $NATIVE_SH_MODE"
t_start=$(date +%s)

# Does busybox sh really fork and exec the loop's command (not a NOFORK
# applet or builtin)? Count the execve calls umk sees for 3 commands.
$TIMEOUT "$UMK" run --trace --root "$ROOT" /usr/local/bin/shloop 3 /bin/sh /bin/true \
	>/dev/null 2>"$tmp/trace" || { cat "$tmp/trace" >&2; fail "umk run --trace shloop"; }
nexec=$(grep -c '] execve("/bin/true"' "$tmp/trace")
[ "$nexec" -eq 3 ] || fail "busybox sh exec'd /bin/true $nexec times for 3 loop iterations (NOFORK?)"

printf 'main rounds:' >&2
r=1
while [ $r -le "$ROUNDS" ]; do
	printf ' %d' "$r" >&2
	run floor floor "" - "$N_FLOOR"
	run sigsys sigsys "" - "$N_SIGSYS"
	each_bench round_main || exit 1
	run floor floor "" - "$N_FLOOR"
	r=$((r + 1))
done
echo >&2

FLOOR=$(med floor.ns)
SIGSYS=$(med sigsys.ns)

stops_per_op() {	# name n
	s1=$(med "$1.umk.stops")
	s0=$(med "$1.umk0.stops")
	calc 'printf "%.2f", (a - b) / c' "$s1" "$s0" "$2"
}

target_note() {	# name ratio stops
	case $1 in
	getppid) calc 'print (a == 1.0) ? "ok (1 stop/op)" : "MISS (target 1 stop/op)"' "$3" ;;
	write) calc 'print (b == 0 && a <= 1.1) ? "ok (0 stops, ratio <= 1.1)" : "MISS (target 0 stops, ratio <= 1.1)"' "$2" "$3" ;;
	signal) calc 'print (b <= 2) ? "ok (<= 2 stops/op)" : "MISS (target 2 stops/op)"' "$2" "$3" ;;
	pipe) calc 'print (b == 0 && a <= 1.2) ? "ok (0 stops, ratio <= 1.2)" : "MISS (target 0 stops, ratio <= 1.2)"' "$2" "$3" ;;
	fork) calc 'print (a <= 8) ? "ok (<= 8 stops/op)" : "MISS (target <= 8 stops/op)"' "$3" ;;
	exec) calc 'print (a <= 14) ? "ok (<= 14 stops/op)" : "MISS (target <= 14 stops/op)"' "$3" ;;
	mmap|mmap8) calc 'print (b == 2 && a <= 1.2) ? "ok (2 stops, ratio <= 1.2)" : "MISS (target 2 stops, ratio <= 1.2)"' "$2" "$3" ;;
	find)	# umk's find must see what the native one sees
		en=$(sort -u "$tmp/find.native.entries" | tr '\n' ' ')
		eu=$(sort -u "$tmp/find.umk.entries" | tr '\n' ' ')
		if [ "$en" = "$eu" ]; then
			echo "ok (same entries: ${en% })"
		else
			echo "MISS (entries: native ${en% }, umk ${eu% })"
		fi ;;
	*) echo "" ;;
	esac
}

print_row() {
	name=$1 label=$2 n=$4
	nat=$(med "$name.native.ns")
	umk=$(med "$name.umk.ns")
	ratio=$(calc 'printf "%.2f", b / a' "$nat" "$umk")
	spo=$(stops_per_op "$name" "$n")
	xf=$(calc 'printf "%.2f", a / b' "$umk" "$FLOOR")
	note=$(target_note "$name" "$ratio" "$spo")
	printf '%-24s %14.0f %12.0f %8s %10s %8s  %s\n' "$label" "$nat" "$umk" "$ratio" "$spo" "$xf" "$note"
}

echo
printf '%-24s %14s %12s %8s %10s %8s  %s\n' benchmark "native ns/op" "umk ns/op" ratio stops/op "x floor" target
each_bench print_row || exit 1
echo "(sh loop rows: ns per external command, $N_SH commands per run, shell start included)"
FIND_ENTRIES=$(med find.umk.entries)
printf '(find row: ns and stops per whole run of busybox "find / -xdev | wc -l" over the bench rootfs, %.0f entries,\n' \
	"$FIND_ENTRIES"
printf ' no shell: both forks and execs, the walk, the count and the waits; %s stops per entry)\n' \
	"$(calc 'printf "%.2f", a / b' "$(stops_per_op find "$N_FIND")" "$FIND_ENTRIES")"
printf 'floor: SECCOMP_RET_TRACE round trip %.0f ns (bare waitpid+PTRACE_CONT tracer); in-process SIGSYS round trip %.0f ns\n' \
	"$FLOOR" "$SIGSYS"

# ---- CPU placement -----------------------------------------------------------
echo
if [ -z "$PIN_CPU" ]; then
	echo "CPU placement study skipped: taskset not available"
else
	printf 'placement rounds:' >&2
	r=1
	while [ $r -le "$ROUNDS" ]; do
		printf ' %d' "$r" >&2
		for p in free pin; do
			[ $p = pin ] && cpu=$PIN_CPU || cpu=
			run "p.$p.floor" floor "$cpu" - "$N_FLOOR"
			run "p.$p.getppid.native" native "$cpu" getppid "$N_GETPPID"
			run "p.$p.getppid.umk" umk "$cpu" getppid "$N_GETPPID"
			run "p.$p.par.native" native "$cpu" parallel "$N_PAR" 2
			run "p.$p.par.umk" umk "$cpu" parallel "$N_PAR" 2
		done
		r=$((r + 1))
	done
	echo >&2
	echo "CPU placement (umk is one tracer thread; unpinned = the scheduler's choice, pinned = taskset -c $PIN_CPU for everything):"
	printf '%-10s %9s %9s %10s %7s %8s | %10s %9s %6s %11s %11s\n' placement floor getppid getppid ratio \
		"x floor" parallel parallel ratio parallelism parallelism
	printf '%-10s %9s %9s %10s %7s %8s | %10s %9s %6s %11s %11s\n' "" "ns/trip" native "umk ns/op" "" "" \
		"native ms" "umk ms" "" "native/umk" "best n/umk"
	for p in free pin; do
		[ $p = pin ] && label="cpu $PIN_CPU" || label=unpinned
		fl=$(med "p.$p.floor.ns")
		gn=$(med "p.$p.getppid.native.ns")
		gu=$(med "p.$p.getppid.umk.ns")
		pn=$(med "p.$p.par.native.ns")
		pu=$(med "p.$p.par.umk.ns")
		parn=$(med "p.$p.par.native.par")
		paru=$(med "p.$p.par.umk.par")
		bestn=$(sort -n "$tmp/p.$p.par.native.par" | tail -n 1)
		bestu=$(sort -n "$tmp/p.$p.par.umk.par" | tail -n 1)
		printf '%-10s %9.0f %9.0f %10.0f %7s %8s | %10s %9s %6s %11s %11s\n' "$label" "$fl" "$gn" "$gu" \
			"$(calc 'printf "%.2f", b / a' "$gn" "$gu")" "$(calc 'printf "%.2f", a / b' "$gu" "$fl")" \
			"$(calc 'printf "%.1f", a * c / 1e6' "$pn" 0 "$N_PAR")" \
			"$(calc 'printf "%.1f", a * c / 1e6' "$pu" 0 "$N_PAR")" \
			"$(calc 'printf "%.2f", b / a' "$pn" "$pu")" \
			"$(calc 'printf "%.2f/%.2f", a, b' "$parn" "$paru")" "$bestn/$bestu"
	done
	gfree=$(med p.free.getppid.umk.ns)
	gpin=$(med p.pin.getppid.umk.ns)
	calc 'if (b < a) printf "trap-heavy (getppid under umk): pinned is %.2fx faster than unpinned (%.0f vs %.0f ns/op)\n", a / b, b, a;
	      else printf "trap-heavy (getppid under umk): unpinned is %.2fx faster than pinned (%.0f vs %.0f ns/op)\n", b / a, a, b' \
		"$gfree" "$gpin"
	echo "(parallel: 2 guest processes x $N_PAR spin units; parallelism = sum of their CPU time / wall time: ~2 = both CPUs busy at once, ~1 = serialized; median and best of the rounds)"
fi
echo "bench: done in $(( $(date +%s) - t_start )) s"
