# lib.sh: what the five journeys share (docs/0700-journeys.md). Sourced by
# tests/journeys/jN-*.sh. Environment:
#   J_BUILD   the meson build directory (programs are taken from it)
#   J_STATE   the journeys' state directory, shared by the five journeys:
#             ngo/ (issuer: keys, status.db, registry.db), token/ (the
#             simulator's flash: the only place templates may exist),
#             phone/ (the worker's vault), paper/ (what the worker carries
#             on paper: recovery words), officer/ (the verifier's few files),
#             wire/ (everything that crossed between two parties), log/.
#   AMANA_DATA the evaluation data (FVC2002, ORL); absent: the journey skips.
#   J_QUIET   1: only the summary line (used when a journey replays the
#             ones it builds on).
# Exit codes of a journey: 0 passed, 1 a step failed, 77 skipped (no data),
# 3 incomplete (a step the journey needs does not exist yet: named, never
# counted as passed).
set -u
J_BUILD=${J_BUILD:?J_BUILD: the build directory}
J_STATE=${J_STATE:?J_STATE: the state directory}
J_DATA=${AMANA_DATA:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)/shared/data}
J_QUIET=${J_QUIET:-0}
J_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
AMANA=$J_BUILD/tools/amana
ISSUER=$J_BUILD/tools/amana-issuer/amana-issuer
VERIFY=$J_BUILD/tools/amana-verify/amana-verify
TOKEN=$J_BUILD/tools/amana-token/amana-token
JTOKEN=$J_BUILD/tests/journeys/journey-token
mkdir -p "$J_STATE"/{ngo,token,phone,paper,officer,wire,log,results}
J_STATE=$(cd "$J_STATE" && pwd)

# The worker and the parties (fixed so that every run tells the same story).
WORKER_CASE=MHD-2026-0417
FP_DB=fvc2002/DB1_B
FINGER_A=101       # enrolled as 'right index'
FINGER_B=102       # enrolled as 'left index'
OTHER_FINGER=110   # someone else's finger (never enrolled)
FACE_SUBJ=s1       # ORL subject whose face is enrolled
ID_TYPE=org.amana.worker.identity.1
ENT_TYPE=org.amana.worker.entitlement.1
STATUS_URI=https://mhd.example.org/status/workers
TOKEN_PIN=4711
DURESS_PIN=2580
PASSPHRASE='mango river 42 lantern'

J_FAILS=0
J_MISSING=()
J_NAME=
J_NUM=

out() { [ "$J_QUIET" = 1 ] || printf '%s\n' "$*"; }
party() { out ""; out "[$1]"; }
say() { out "    $*"; }
# Every check and crossing is also kept as JSON lines (results/NUM.jsonl)
# for tools/demo --json.
jstr() { printf '"%s"' "$(printf '%s' "$1" | tr -d '\000-\037' | sed 's/\\/\\\\/g; s/"/\\"/g')"; }
jlog() { [ -z "$J_NUM" ] || printf '%s\n' "$1" >>"$J_STATE/results/$J_NUM.jsonl"; }
ok() { out "    ok    $*"; jlog "{\"check\":$(jstr "$*"),\"result\":\"pass\"}"; }
bad() {
	J_FAILS=$((J_FAILS + 1))
	printf '    FAIL  %s\n' "$*"
	jlog "{\"check\":$(jstr "$*"),\"result\":\"fail\"}"
}
bytes() { stat -c %s "$1" 2>/dev/null || echo 0; }
# crossed FROM TO WHAT FILE...: what went from one party to another.
crossed() {
	local from=$1 to=$2 what=$3; shift 3
	local n=0 f extra=
	for f in "$@"; do n=$((n + $(bytes "$f"))); done
	[ $# -gt 1 ] && extra=" in $# files"
	out "    -->   $from -> $to: $what: $n bytes$extra"
	jlog "{\"from\":$(jstr "$from"),\"to\":$(jstr "$to"),\"what\":$(jstr "$what"),\"bytes\":$n,\"files\":$#}"
}
# missing STEP REASON: a step that cannot run because a part is missing.
missing() {
	J_MISSING+=("$1: $2")
	printf '    MISSING  %s (%s)\n' "$1" "$2"
	jlog "{\"check\":$(jstr "$1"),\"result\":\"missing\",\"reason\":$(jstr "$2")}"
}

j_begin() { # j_begin NUM NAME
	J_NUM=$1 J_NAME=$2
	rm -f "$J_STATE/results/$J_NUM" "$J_STATE/results/$J_NUM.jsonl"
	out ""
	case $J_NUM in
	[0-9]) out "=== Journey $J_NUM: $J_NAME ===" ;;
	*) out "=== $J_NAME ===" ;;
	esac
	if [ ! -d "$J_DATA/$FP_DB" ] || [ ! -d "$J_DATA/faces/orl" ]; then
		echo "SKIP: journey $J_NUM needs FVC2002 and ORL images in $J_DATA"
		echo "skip|journey $J_NUM ($J_NAME): skipped: no evaluation data in $J_DATA" >"$J_STATE/results/$J_NUM"
		exit 77
	fi
	for p in "$AMANA" "$ISSUER" "$VERIFY" "$TOKEN"; do
		[ -x "$p" ] || { echo "SKIP: $p is not built"; exit 77; }
	done
	if [ ! -x "$JTOKEN" ]; then
		echo "SKIP: the token simulator has no sensor in this build (journey-token not built)"
		exit 77
	fi
	trap 'token_stop_all' EXIT
}

# j_end SUMMARY: the one-line summary, the result file, the exit code.
j_end() {
	local st=pass code=0
	if [ "$J_FAILS" -gt 0 ]; then st=fail code=1
	elif [ ${#J_MISSING[@]} -gt 0 ]; then st=incomplete code=3; fi
	local line="journey $J_NUM ($J_NAME): ${st^^}: $1"
	case $J_NUM in [0-9]) ;; *) line="$J_NAME: ${st^^}: $1" ;; esac
	[ $J_FAILS -gt 0 ] && line+=" [$J_FAILS step(s) failed]"
	[ ${#J_MISSING[@]} -gt 0 ] && line+=" [missing: $(IFS=';'; echo "${J_MISSING[*]}")]"
	echo "$st|$line" >"$J_STATE/results/$J_NUM"
	out ""
	echo "$line"
	exit $code
}

# run LOGNAME CMD...: runs a command, its output kept in log/LOGNAME (and in
# $J_OUT); returns its exit code.
J_OUT=
run() {
	local name=$1; shift
	J_OUT=$J_STATE/log/$J_NUM-$name
	"$@" >"$J_OUT" 2>&1
}
# step DESC LOGNAME CMD...: a step that must succeed.
step() {
	local desc=$1; shift
	if run "$@"; then ok "$desc"; return 0; fi
	bad "$desc (exit $?): $*"
	sed 's/^/          | /' "$J_OUT" | tail -15
	return 1
}
# refused DESC WANT_EXIT REASON LOGNAME CMD...: a step that must be refused
# with exit WANT_EXIT and REASON in its output.
refused() {
	local desc=$1 want=$2 reason=$3; shift 3
	run "$@"; local got=$?
	if [ "$got" = "$want" ] && grep -qi -- "$reason" "$J_OUT"; then
		ok "$desc: refused, \"$reason\""
		return 0
	fi
	bad "$desc: want exit $want and \"$reason\", got exit $got"
	sed 's/^/          | /' "$J_OUT" | tail -15
	return 1
}
show() { [ "$J_QUIET" = 1 ] || sed 's/^/          /' "${1:-$J_OUT}"; }

# j_require NUM...: the journeys this one builds on; each is replayed
# quietly on this state directory unless it already passed here.
j_require() {
	local n s
	for n in "$@"; do
		s=$(cut -d'|' -f1 "$J_STATE/results/$n" 2>/dev/null)
		[ "$s" = pass ] && continue
		local script
		script=$(ls "$J_DIR"/j"$n"-*.sh)
		out "    (replaying journey $n first: it sets up what this one needs)"
		J_QUIET=1 bash "$script" >"$J_STATE/log/replay-$n" 2>&1
		s=$?
		if [ $s = 77 ]; then cat "$J_STATE/log/replay-$n"; exit 77; fi
		if [ $s != 0 ]; then
			bad "journey $n, which this one builds on, did not pass (exit $s)"
			cat "$J_STATE/log/replay-$n"
			j_end "not run"
		fi
	done
}

# ---- the token (host simulator), one per directory under token/.
# token_start NAME: serves token/NAME/flash at token/NAME/sock (+ .ctl).
token_start() {
	local d=$J_STATE/token/$1
	mkdir -p "$d"
	if [ -f "$d/pid" ] && kill -0 "$(cat "$d/pid")" 2>/dev/null; then return 0; fi
	local sk; sk=$(tsock "$1")
	mkdir -p "$(dirname "$sk")"
	"$TOKEN" serve --socket "$sk" --flash "$d/flash" >>"$d/log" 2>&1 &
	echo $! >"$d/pid"
	for _ in $(seq 100); do
		[ -S "$sk" ] && "$JTOKEN" ctl "$sk.ctl" ping >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	bad "the token simulator did not start (token/$1/log)"
	return 1
}
token_stop() {
	local d=$J_STATE/token/$1
	[ -f "$d/pid" ] || return 0
	local pid; pid=$(cat "$d/pid")
	"$JTOKEN" ctl "$(tsock "$1").ctl" quit >/dev/null 2>&1
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rm -f "$d/pid"
}
token_stop_all() {
	local d
	for d in "$J_STATE"/token/*/; do [ -d "$d" ] && token_stop "$(basename "$d")"; done
}
# The token's socket: beside its flash, or (a UNIX socket path is at most
# 107 bytes) in a short directory under /tmp named after the state directory.
tsock() {
	local p=$J_STATE/token/$1/sock
	if [ ${#p} -gt 90 ]; then
		p=/tmp/amana-j-$(printf '%s' "$J_STATE" | sha256sum | cut -c1-12)/$1/sock
	fi
	echo "$p"
}
# sensor NAME finger|face IMAGE: the worker puts a finger (or face) on the
# token's sensor; the image is read by the token process only.
sensor() {
	"$JTOKEN" ctl "$(tsock "$1").ctl" "sensor $2 $3" >"$J_STATE/log/$J_NUM-sensor" 2>&1
}
fimg() { echo "$J_DATA/$FP_DB/$1_$2.tif"; }   # fimg FINGER IMPRESSION
face_img() { echo "$J_DATA/faces/orl/$1/$2.pgm"; }
uv_left() { "$JTOKEN" retries "$(tsock "$1")" | awk '{print $2}'; }
pin_left() { "$JTOKEN" retries "$(tsock "$1")" | awk '{print $4}'; }

# What the NGO writes down at the in-person check (claims of the schemas).
claims() { # claims identity|entitlement FILE
	if [ "$1" = identity ]; then cat >"$2" <<'CLAIMS'
family_name = Rahman
given_name = Nusrat
birth_date = 1994-03-17
nationality = BGD
sex = 2
id_document_type = passport
id_document_number = EB0123456
id_document_issuer = Department of Immigration and Passports, Dhaka
id_document_expiry = 2031-05-09
verification_level = 2
verification_date = 2026-11-30
verified_by = Migrant Help Desk
CLAIMS
	else cat >"$2" <<'CLAIMS'
family_name = Rahman
given_name = Nusrat
id_document_number = EB0123456
right_to_work = true
permit_number = PLKS-2026-118204
permit_valid_from = 2026-12-01
permit_valid_until = 2028-11-30
employer_name = Seri Jaya Garments Sdn Bhd
employer_id = 201901012345
sector = manufacturing
work_location = Klang, Selangor
wage_amount = 170000
wage_currency = MYR
wage_period = month
hours_per_week = 48
recruitment_fees_paid_by_employer = true
CLAIMS
	fi
}

# The officer's verifier: in directory $1, empty environment, no network
# when the system allows a network namespace. Sets OFF (a command prefix)
# and OFF_NET (what isolation there is).
offline_in() {
	OFF=(env -i PATH=/usr/bin:/bin HOME="$1" bash -c 'cd "$0" && exec "$@"' "$1")
	OFF_NET="no network isolation (unshare -n not allowed here)"
	if unshare -n true 2>/dev/null; then
		OFF+=(unshare -n)
		OFF_NET="no network at all (unshare -n: a new network namespace, no interface up)"
	fi
}

# Secrets go to the programs through file descriptors, never arguments.
with_pass() { "$@" 3< <(printf '%s\n' "$PASSPHRASE"); }

# finger_step DESC TOKEN LOGNAME CMD...: a step the worker's finger unlocks.
finger_step() {
	local desc=$1; shift
	if vault_open_finger "$@"; then ok "$desc"; return 0; fi
	bad "$desc"; show
	return 1
}

# vault_open_finger TOKEN LOGNAME CMD...: the worker puts the enrolled
# finger on the sensor and runs a vault command unlocked by the token (a
# genuine impression can be refused, as with any matcher: up to 3
# impressions are tried, each shown). Returns the command's status.
vault_open_finger() {
	local tok=$1 name=$2; shift 2
	local i
	for i in 7 5 6; do
		sensor "$tok" finger "$(fimg $FINGER_A $i)" || { bad "sensor refused $FINGER_A_$i"; return 1; }
		if run "$name" "$@" --token "$(tsock "$tok")"; then
			say "finger ${FINGER_A}_$i on the token's sensor: matched on the token, vault opened"
			return 0
		fi
		say "finger ${FINGER_A}_$i on the token's sensor: not matched ($(tail -1 "$J_OUT" | sed 's/^amana: //'))"
	done
	return 1
}
