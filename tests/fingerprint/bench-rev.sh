#!/bin/bash
# bench-rev.sh [REV]: the fingerprint benchmark for the working tree and
# for REV (default HEAD~1), built side by side in git worktrees under
# build-bench/, run in turns, printed with the ratio current/REV of every
# figure.
#   tests/fingerprint/bench-rev.sh            # compare with the previous commit
#   tests/fingerprint/bench-rev.sh abc1234    # compare with a given commit
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
rev=${1:-HEAD~1}
out=$root/build-bench
mkdir -p "$out"
sha=$(git -C "$root" rev-parse --short "$rev")
wt=$out/src-$sha
if [ ! -d "$wt" ]; then
	git -C "$root" worktree add --detach "$wt" "$sha" >/dev/null
fi
data=${AMANA_DATA:-$root/../shared/data}
build() { # src builddir
	[ -f "$2/build.ninja" ] || meson setup "$2" "$1" -Dbuildtype=release >/dev/null
	ninja -C "$2" -j2 tests/fingerprint/bench_fp >/dev/null
}
build "$root" "$out/build-current"
if ! build "$wt" "$out/build-$sha" 2>/dev/null || [ ! -x "$out/build-$sha/tests/fingerprint/bench_fp" ]; then
	echo "bench-rev: $sha has no fingerprint benchmark; current figures only" >&2
	AMANA_DATA=$data "$out/build-current/tests/fingerprint/bench_fp"
	exit 0
fi
# Two rounds, the two builds taking turns, each figure's best kept (the
# highest rate, the lowest time): a neighbour's load in one run then
# spoils neither side alone. ROUNDS=n for more.
rounds=${ROUNDS:-2}
best() { # files...: per figure, the best value of the runs
	grep -hv '^source' "$@" | awk '
		!($1 in v) { v[$1] = $2; u[$1] = $3; order[n++] = $1; next }
		$1 ~ /_per_s$/ { if ($2 + 0 > v[$1] + 0) v[$1] = $2; next }
		$1 ~ /_ms_/ { if ($2 + 0 < v[$1] + 0) v[$1] = $2 }
		END { for (i = 0; i < n; i++) print order[i], v[order[i]], u[order[i]] }'
}
for r in $(seq "$rounds"); do
	AMANA_DATA=$data "$out/build-current/tests/fingerprint/bench_fp" >"$out/current.$r.txt"
	AMANA_DATA=$data "$out/build-$sha/tests/fingerprint/bench_fp" >"$out/$sha.$r.txt"
done
best "$out"/current.[0-9]*.txt >"$out/current.txt"
best "$out/$sha".[0-9]*.txt >"$out/$sha.txt"
rm -f "$out"/current.[0-9]*.txt "$out/$sha".[0-9]*.txt
# a figure REV does not print yet shows "-" and no ratio
printf '%-28s %14s %14s %8s\n' figure current "$sha" ratio
join -a 1 -e - -o 0,1.2,1.3,2.2,2.3 <(grep -v '^source' "$out/current.txt" | sort) \
	<(grep -v '^source' "$out/$sha.txt" | sort) |
	awk '{ if ($4 == "-" || $4 == 0) { printf "%-28s %12s %s %14s %8s\n", $1, $2, $3, "-", "-"; next }
	       printf "%-28s %12s %s %12s %s %8.3f\n", $1, $2, $3, $4, $5, $2 / $4 }'
