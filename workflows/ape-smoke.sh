#!/bin/sh
# ape-smoke.sh: start one Actually Portable Executable (.com) the way a user would, under a
# timeout, check its exit status and output, and print ONE machine-readable result line.
#
# Plain POSIX sh on purpose: it runs under dash (Linux), the BSDs' /bin/sh inside VMs (no node
# there), macOS /bin/sh, and Git Bash on Windows.
#
# Usage:
#   sh ape-smoke.sh [OPTIONS] [--] FILE [ARG...]
#   sh ape-smoke.sh [OPTIONS]                      (FILE and ARGs from the environment)
#   sh ape-smoke.sh --binfmt-hijackers FILE        (list binfmt_misc entries that claim FILE)
#   sh ape-smoke.sh --binfmt-register-line LOADER  (print the binfmt_misc line for LOADER)
#
# Options (each overrides the environment variable named after it):
#   --platform LABEL      APE_SMOKE_PLATFORM     label in the result (default: from uname)
#   --expect REGEX        APE_SMOKE_EXPECT       ERE that combined stdout+stderr must match
#                                                (grep -E, line by line, CRs removed); empty:
#                                                no output check
#   --expect-line REGEX   APE_SMOKE_EXPECT_LINES EREs, one a line (the option may be repeated),
#                                                EACH of which must match some output line (as
#                                                --expect does); blank lines are ignored
#   --timeout SECONDS     APE_SMOKE_TIMEOUT      whole seconds, > 0 (default 60)
#   --result-json PATH    APE_SMOKE_RESULT_JSON  also write the result as one JSON object
# Environment only:
#   APE_SMOKE_FILE        the program, when no FILE operand is given
#   APE_SMOKE_ARGS        its arguments, when no FILE operand is given: split on blanks and
#                         newlines, no quoting, no globbing (use operands for anything else)
#   APE_SMOKE_BINFMT_DIR  binfmt_misc directory (default /proc/sys/fs/binfmt_misc; for tests)
#   APE_SMOKE_LOADER      APE loader to register with binfmt_misc (default: `ape` on PATH,
#                         then /usr/bin/ape, then /usr/local/bin/ape)
#   APE_SMOKE_REGISTER    auto (default): register the loader when a binfmt entry hijacks MZ
#                         files and we are root or have password-less sudo; never: don't
#   APE_SMOKE_TIMEOUT_TOOL  auto (default): timeout(1) when it works, else a built-in
#                         watchdog; builtin: always the watchdog
#
# Result: exactly one line on stdout (everything else goes to stderr):
#   ape-smoke: platform=<label> result=<pass|fail> exit=<status|-> seconds=<n> reason=<reason> launch=<how>
#     exit    the program's own exit status; "-" when it has none (missing-file, timeout)
#     seconds whole seconds the program ran
#     reason  pass | missing-file | timeout | exit-code | output-mismatch
#     launch  direct (exec'd as ./FILE) | sh (sh FILE: a binfmt entry would hijack it) |
#             ape-binfmt (exec'd after registering the APE loader) | exe-copy (Windows, run as
#             a .exe copy) | - (not started)
# The JSON file holds the same fields, and the program's probe-style lines:
#   {"platform":..,"result":..,"exit":<n|null>,"seconds":..,"reason":..,"launch":..,
#    "probe":[{"category":..,"result":"pass|fail","detail":..},...]}
#   probe  every output line of the form `probe: <category> pass|fail <detail>` (category:
#          1-64 letters, digits, `_.-`), in output order, even when the run failed: the
#          per-category view of the smoke workflow. At most 64 lines of 300 bytes; control
#          characters are dropped, tabs become spaces, `\` and `"` are escaped. [] for none.
# Exit status: 0 pass, 1 fail, 2 usage error (no result line then).

set -u

PROG=ape-smoke

log() {
  printf '%s: %s\n' "$PROG" "$*" >&2
}

usage_error() {
  log "usage error: $*"
  cat >&2 <<'EOF'
usage: sh ape-smoke.sh [--platform LABEL] [--expect REGEX] [--expect-line REGEX]...
                       [--timeout SECONDS] [--result-json PATH] [--] FILE [ARG...]
       (or FILE/ARGS from APE_SMOKE_FILE/APE_SMOKE_ARGS; see the comment at the top)
EOF
  exit 2
}

# ---------------------------------------------------------------------------------------------
# Pure helpers

# Lower-case label of the running system, e.g. linux-x86_64, freebsd-amd64, windows-x86_64.
default_platform() {
  os=$(uname -s 2>/dev/null | tr '[:upper:]' '[:lower:]')
  case $os in
    mingw* | msys* | cygwin*) os=windows ;;
  esac
  printf '%s-%s' "$os" "$(uname -m 2>/dev/null | tr '[:upper:]' '[:lower:]')"
}

# Keep labels safe to print in key=value form and to embed in JSON unescaped.
sanitize_label() {
  printf '%s' "$1" | tr -c 'A-Za-z0-9._-' '_'
}

is_positive_integer() {
  case $1 in
    '' | *[!0-9]*) return 1 ;;
  esac
  [ "$1" -gt 0 ] 2>/dev/null
}

now_seconds() {
  s=$(date +%s 2>/dev/null)
  case $s in
    '' | *[!0-9]*) s=$(awk 'BEGIN { srand(); print srand() }') ;;
  esac
  printf '%s' "$s"
}

# First N bytes of a file as lower-case hex without separators (od -An -tx1 is POSIX).
file_head_hex() {
  dd if="$1" bs="$2" count=1 2>/dev/null | od -An -tx1 | tr -d ' \n'
}

file_extension_lower() {
  base=${1##*/}
  case $base in
    *.*) printf '%s' "${base##*.}" | tr '[:upper:]' '[:lower:]' ;;
  esac
}

NL='
'

# Print each ERE of the newline-separated list $1 (blank lines skipped) for which the command
# "$2 ERE" fails. Splitting on IFS, with globbing off, keeps every byte of each line.
eres_failing() {
  saved_ifs=$IFS
  IFS=$NL
  set -f
  for ere in $1; do
    IFS=$saved_ifs
    case $ere in *[![:blank:]]*) ;; *) continue ;; esac
    $2 "$ere" || printf '%s\n' "$ere"
  done
  IFS=$saved_ifs
  set +f
}

# grep exits 2 on a malformed pattern; any other status means it compiled.
ere_is_valid() {
  printf '' | grep -E -e "$1" >/dev/null 2>&1
  [ $? -ne 2 ]
}

ere_matches_output() {
  grep -E -e "$1" "$OUT.lf" >/dev/null 2>&1
}

# ---------------------------------------------------------------------------------------------
# binfmt_misc: on Linux an enabled entry whose magic is "MZ" (WINE, mono's `cli`, WSLInterop)
# or whose extension is the file's own makes the kernel hand the .com to that interpreter
# instead of letting the APE shell prolog run.

# Does the binfmt entry file $1 claim a file whose head is hex $2 and extension $3?
binfmt_entry_claims() {
  state='' interp='' offset=0 magic='' mask='' extension=''
  while IFS= read -r line || [ -n "$line" ]; do
    case $line in
      enabled | disabled) state=$line ;;
      'interpreter '*) interp=${line#interpreter } ;;
      'offset '*) offset=${line#offset } ;;
      'magic '*) magic=${line#magic } ;;
      'mask '*) mask=${line#mask } ;;
      'extension '*) extension=${line#extension } ;;
    esac
  done <"$1"
  [ "$state" = enabled ] || return 1
  # An entry that already runs the APE loader is not a hijacker.
  case ${interp##*/} in
    ape | ape-* | ape.*) return 1 ;;
  esac
  if [ -n "$magic" ]; then
    [ "$offset" = 0 ] || return 1
    if [ -n "$mask" ]; then
      # Masked magics are rare; over-reporting only costs a start through sh, so compare the
      # MZ bytes alone.
      case $magic in 4d5a*) ;; *) return 1 ;; esac
      case $2 in 4d5a*) return 0 ;; esac
      return 1
    fi
    case $2 in "$magic"*) return 0 ;; esac
    return 1
  fi
  [ -n "$extension" ] && [ "${extension#.}" = "$3" ]
}

# Print the names of enabled entries in binfmt dir $1 that would claim file $2, one a line.
binfmt_hijackers() {
  dir=$1
  [ -d "$dir" ] || return 0
  if [ -r "$dir/status" ]; then
    read -r global_state <"$dir/status" || global_state=''
    [ "$global_state" = enabled ] || return 0
  fi
  head_hex=$(file_head_hex "$2" 16)
  ext=$(file_extension_lower "$2")
  for entry in "$dir"/*; do
    name=${entry##*/}
    case $name in
      register | status) continue ;;
    esac
    [ -f "$entry" ] || continue
    [ -r "$entry" ] || continue
    if binfmt_entry_claims "$entry" "$head_hex" "$ext"; then
      printf '%s\n' "$name"
    fi
  done
}

# The entry we register: MZqFpD is the magic of Windows-capable APEs (FACTS: the APE file).
# Linux checks the newest registration first, so ours wins over an older MZ hijacker.
BINFMT_ENTRY_NAME=APE_smoke
binfmt_register_line() {
  printf ':%s:M::MZqFpD::%s:' "$BINFMT_ENTRY_NAME" "$1"
}

find_ape_loader() {
  if [ -n "${APE_SMOKE_LOADER:-}" ]; then
    [ -f "$APE_SMOKE_LOADER" ] && printf '%s' "$APE_SMOKE_LOADER"
    return
  fi
  found=$(command -v ape 2>/dev/null) || found=''
  for candidate in "$found" /usr/bin/ape /usr/local/bin/ape; do
    if [ -n "$candidate" ] && [ -f "$candidate" ] && [ -x "$candidate" ]; then
      printf '%s' "$candidate"
      return
    fi
  done
}

# Run "$@" as root: directly when we are root, else through password-less sudo.
as_root() {
  if [ "$(id -u 2>/dev/null)" = 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo -n "$@"
  else
    return 1
  fi
}

# Register the APE loader (fresh, so it is the newest entry) and check that it took.
register_ape_loader() {
  dir=$1 loader=$2
  # The inner scripts expand their own positional parameters, hence the single quotes.
  # shellcheck disable=SC2016
  if [ -e "$dir/$BINFMT_ENTRY_NAME" ]; then
    as_root sh -c 'printf "%s\n" -1 > "$1"' sh "$dir/$BINFMT_ENTRY_NAME" 2>/dev/null || return 1
  fi
  # shellcheck disable=SC2016
  as_root sh -c 'printf "%s\n" "$1" > "$2"' sh "$(binfmt_register_line "$loader")" \
    "$dir/register" 2>/dev/null || return 1
  [ -r "$dir/$BINFMT_ENTRY_NAME" ] && read -r state <"$dir/$BINFMT_ENTRY_NAME" &&
    [ "$state" = enabled ]
}

# ---------------------------------------------------------------------------------------------
# Running under a timeout. Sets RUN_STATUS and RUN_TIMED_OUT (yes/no).

timeout_tool_works() {
  command -v timeout >/dev/null 2>&1 || return 1
  # Windows has an unrelated timeout.exe (a pause command); a real timeout(1) runs `true`.
  timeout 10 true >/dev/null 2>&1
}

run_with_timeout_tool() {
  secs=$1 out=$2
  shift 2
  if timeout -k 5 10 true >/dev/null 2>&1; then
    timeout -k 5 "$secs" "$@" >"$out" 2>&1 </dev/null
  else
    timeout "$secs" "$@" >"$out" 2>&1 </dev/null
  fi
  RUN_STATUS=$?
  RUN_TIMED_OUT=no
  # 124: timeout(1) sent TERM; 137: it had to follow with KILL (only after the limit).
  if [ "$RUN_STATUS" = 124 ]; then
    RUN_TIMED_OUT=yes
  elif [ "$RUN_STATUS" = 137 ] && [ $(($(now_seconds) - RUN_STARTED)) -ge "$secs" ]; then
    RUN_TIMED_OUT=yes
  fi
}

# Background watchdog for systems without timeout(1) (macOS, some BSDs). It marks the
# timeout in a file, so an exit status that happens to be 124 is never mistaken for one.
watchdog() {
  secs=$1 pid=$2 marker=$3
  sleep "$secs" &
  sleeper=$!
  trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
  wait "$sleeper"
  : >"$marker"
  kill -s TERM "$pid" 2>/dev/null
  sleep 5 &
  sleeper=$!
  wait "$sleeper"
  kill -s KILL "$pid" 2>/dev/null
  exit 0
}

run_with_watchdog() {
  secs=$1 out=$2
  shift 2
  marker=$WORK_DIR/timed-out
  "$@" >"$out" 2>&1 </dev/null &
  child=$!
  # The watchdog's output goes nowhere, so a caller reading our stdout never waits for it.
  watchdog "$secs" "$child" "$marker" >/dev/null 2>&1 </dev/null &
  dog=$!
  wait "$child"
  RUN_STATUS=$?
  kill -s TERM "$dog" 2>/dev/null
  wait "$dog" 2>/dev/null
  if [ -e "$marker" ]; then RUN_TIMED_OUT=yes; else RUN_TIMED_OUT=no; fi
}

run_with_timeout() {
  RUN_STARTED=$(now_seconds)
  if [ "$TIMEOUT_TOOL" = auto ] && timeout_tool_works; then
    run_with_timeout_tool "$@"
  else
    run_with_watchdog "$@"
  fi
  RUN_SECONDS=$(($(now_seconds) - RUN_STARTED))
}

# ---------------------------------------------------------------------------------------------
# Probe-style lines: `probe: <category> pass|fail <detail>`, one per check (examples/probe
# prints them). They become the "probe" array of the result JSON, for the per-category view.

PROBE_LINE_ERE='^probe: [A-Za-z0-9_.-]{1,64} (pass|fail)( |$)'
PROBE_MAX_LINES=64
PROBE_MAX_BYTES=300

# The probe lines of file $1, made safe to place between JSON quotes: cut to a bounded size
# BEFORE escaping (so no escape is split), control characters dropped, tabs as spaces, then
# backslashes and quotes escaped. sed's `\\` in a replacement is one literal backslash
# everywhere (awk's gsub is not portable here).
probe_lines_escaped() {
  grep -E -e "$PROBE_LINE_ERE" "$1" 2>/dev/null | sed -n "1,${PROBE_MAX_LINES}p" |
    LC_ALL=C cut -b "1-$PROBE_MAX_BYTES" | LC_ALL=C tr '\011' ' ' |
    LC_ALL=C tr -d '\000-\010\013-\037\177' | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'
}

# The JSON array of the probe lines in file $1 ([] when there are none).
probe_json() {
  probe_lines_escaped "$1" >"$WORK_DIR/probe-lines"
  json='' separator=''
  while IFS= read -r line || [ -n "$line" ]; do
    rest=${line#probe: }
    category=${rest%% *}
    rest=${rest#"$category" }
    verdict=${rest%% *}
    detail=${rest#"$verdict"}
    detail=${detail# }
    entry="{\"category\":\"$category\",\"result\":\"$verdict\",\"detail\":\"$detail\"}"
    json=$json$separator$entry
    separator=,
  done <"$WORK_DIR/probe-lines"
  printf '[%s]' "$json"
}

# ---------------------------------------------------------------------------------------------
# Result

# Print the result line, write the JSON file if asked, and exit with 0 (pass) or 1 (fail).
finish() {
  result=$1 status=$2 seconds=$3 reason=$4 launch=$5
  printf '%s: platform=%s result=%s exit=%s seconds=%s reason=%s launch=%s\n' \
    "$PROG" "$PLATFORM" "$result" "$status" "$seconds" "$reason" "$launch"
  if [ -n "$RESULT_JSON" ]; then
    json_status=$status
    [ "$json_status" = - ] && json_status=null
    mkdir -p "$(dirname "$RESULT_JSON")" 2>/dev/null
    printf '{"platform":"%s","result":"%s","exit":%s,"seconds":%s,"reason":"%s","launch":"%s","probe":%s}\n' \
      "$PLATFORM" "$result" "$json_status" "$seconds" "$reason" "$launch" "$PROBE_JSON" >"$RESULT_JSON" ||
      log "could not write $RESULT_JSON"
  fi
  [ "$result" = pass ] && exit 0
  exit 1
}

show_output() {
  lines=$(wc -l <"$1" | tr -d ' ')
  log "---- program output ($lines lines, first 200 shown) ----"
  sed -n '1,200p' "$1" >&2
  log "---- end of program output ----"
}

# ---------------------------------------------------------------------------------------------
# Main

# Helper modes, for tests and for diagnosing a runner by hand.
case ${1:-} in
  --binfmt-hijackers)
    [ $# -eq 2 ] || usage_error "--binfmt-hijackers takes exactly one FILE"
    binfmt_hijackers "${APE_SMOKE_BINFMT_DIR:-/proc/sys/fs/binfmt_misc}" "$2"
    exit 0
    ;;
  --binfmt-register-line)
    [ $# -eq 2 ] || usage_error "--binfmt-register-line takes exactly one LOADER"
    binfmt_register_line "$2"
    echo
    exit 0
    ;;
esac

PLATFORM=${APE_SMOKE_PLATFORM:-}
EXPECT=${APE_SMOKE_EXPECT:-}
EXPECT_LINES=${APE_SMOKE_EXPECT_LINES:-}
EXPECT_LINES_FROM_OPTIONS=no
PROBE_JSON='[]'
TIMEOUT=${APE_SMOKE_TIMEOUT:-60}
RESULT_JSON=${APE_SMOKE_RESULT_JSON:-}
BINFMT_DIR=${APE_SMOKE_BINFMT_DIR:-/proc/sys/fs/binfmt_misc}
REGISTER=${APE_SMOKE_REGISTER:-auto}
TIMEOUT_TOOL=${APE_SMOKE_TIMEOUT_TOOL:-auto}

while [ $# -gt 0 ]; do
  case $1 in
    --platform | --expect | --timeout | --result-json)
      [ $# -ge 2 ] || usage_error "$1 needs a value"
      case $1 in
        --platform) PLATFORM=$2 ;;
        --expect) EXPECT=$2 ;;
        --timeout) TIMEOUT=$2 ;;
        --result-json) RESULT_JSON=$2 ;;
      esac
      shift 2
      ;;
    --expect-line)
      [ $# -ge 2 ] || usage_error "$1 needs a value"
      # The first --expect-line replaces APE_SMOKE_EXPECT_LINES; later ones add to it.
      if [ "$EXPECT_LINES_FROM_OPTIONS" = no ]; then
        EXPECT_LINES=$2
        EXPECT_LINES_FROM_OPTIONS=yes
      else
        EXPECT_LINES=$EXPECT_LINES$NL$2
      fi
      shift 2
      ;;
    --)
      shift
      break
      ;;
    -*) usage_error "unknown option $1" ;;
    *) break ;;
  esac
done

if [ $# -gt 0 ]; then
  FILE=$1
  shift
else
  FILE=${APE_SMOKE_FILE:-}
  [ -n "$FILE" ] || usage_error "no program given (FILE operand or APE_SMOKE_FILE)"
  # Whitespace splitting is the documented contract of APE_SMOKE_ARGS; globbing is not.
  set -f
  # shellcheck disable=SC2086
  set -- ${APE_SMOKE_ARGS:-}
  set +f
fi

is_positive_integer "$TIMEOUT" || usage_error "timeout must be whole seconds > 0, got '$TIMEOUT'"
case $REGISTER in auto | never) ;; *) usage_error "APE_SMOKE_REGISTER must be auto or never" ;; esac
case $TIMEOUT_TOOL in auto | builtin) ;; *) usage_error "APE_SMOKE_TIMEOUT_TOOL must be auto or builtin" ;; esac
# A malformed pattern is a usage error now, not a mismatch reported later.
if [ -n "$EXPECT" ] && ! ere_is_valid "$EXPECT"; then
  usage_error "expected-output regex is not a valid ERE: $EXPECT"
fi
invalid=$(eres_failing "$EXPECT_LINES" ere_is_valid | sed -n 1p)
[ -z "$invalid" ] || usage_error "expected-lines regex is not a valid ERE: $invalid"
[ -n "$PLATFORM" ] || PLATFORM=$(default_platform)
PLATFORM=$(sanitize_label "$PLATFORM")

if [ ! -f "$FILE" ]; then
  log "no such file: $FILE"
  finish fail - 0 missing-file -
fi

WORK_DIR=$(mktemp -d 2>/dev/null) || WORK_DIR=${TMPDIR:-/tmp}/ape-smoke.$$
mkdir -p "$WORK_DIR" || {
  log "cannot create a work directory"
  exit 2
}
trap 'rm -rf "$WORK_DIR"' EXIT
trap 'exit 1' HUP INT TERM

# Artifacts lose file modes; a user's download does too, so this is part of the real path.
chmod +x "$FILE" 2>/dev/null || log "could not chmod +x $FILE"

# A bare name would be looked up on PATH: run what is in this directory.
case $FILE in
  */*) RUN_PATH=$FILE ;;
  *) RUN_PATH=./$FILE ;;
esac

LAUNCH=direct
case $(uname -s 2>/dev/null) in
  Linux)
    hijackers=$(binfmt_hijackers "$BINFMT_DIR" "$FILE")
    if [ -n "$hijackers" ]; then
      log "binfmt_misc entries would hand this file to another interpreter: $(printf '%s' "$hijackers" | tr '\n' ' ')"
      loader=$(find_ape_loader)
      if [ "$REGISTER" = auto ] && [ -n "$loader" ] && register_ape_loader "$BINFMT_DIR" "$loader"; then
        log "registered the APE loader $loader as binfmt_misc entry $BINFMT_ENTRY_NAME"
        LAUNCH=ape-binfmt
      else
        log "starting it through sh instead (its shell prolog then starts the program)"
        LAUNCH='sh'
      fi
    fi
    ;;
  MINGW* | MSYS* | CYGWIN*)
    # Windows starts PE files by extension; give it one it accepts (FACTS: .com and .exe run).
    case $(file_extension_lower "$FILE") in
      exe | com) ;;
      *)
        cp "$FILE" "$WORK_DIR/program.exe" || finish fail - 0 missing-file -
        RUN_PATH=$WORK_DIR/program.exe
        LAUNCH=exe-copy
        ;;
    esac
    ;;
esac

OUT=$WORK_DIR/output
log "running $RUN_PATH ($LAUNCH) with $# argument(s), timeout ${TIMEOUT}s, platform $PLATFORM"
if [ "$LAUNCH" = sh ]; then
  run_with_timeout "$TIMEOUT" "$OUT" sh "$RUN_PATH" "$@"
else
  run_with_timeout "$TIMEOUT" "$OUT" "$RUN_PATH" "$@"
fi
show_output "$OUT"
# Windows programs end lines with CRLF; a regex anchored with $ should still match.
tr -d '\r' <"$OUT" >"$OUT.lf"
# Recorded whatever the verdict: a failing run is when the per-category view matters most.
PROBE_JSON=$(probe_json "$OUT.lf")
[ "$PROBE_JSON" = '[]' ] || log "recorded $(grep -c '' <"$WORK_DIR/probe-lines") probe line(s)"

if [ "$RUN_TIMED_OUT" = yes ]; then
  log "still running after ${TIMEOUT}s: stopped"
  finish fail - "$RUN_SECONDS" timeout "$LAUNCH"
fi
if [ "$RUN_STATUS" != 0 ]; then
  log "exit status $RUN_STATUS, expected 0"
  finish fail "$RUN_STATUS" "$RUN_SECONDS" exit-code "$LAUNCH"
fi
if [ -n "$EXPECT" ] && ! ere_matches_output "$EXPECT"; then
  log "output does not match the expected regex: $EXPECT"
  finish fail "$RUN_STATUS" "$RUN_SECONDS" output-mismatch "$LAUNCH"
fi
unmatched=$(eres_failing "$EXPECT_LINES" ere_matches_output)
if [ -n "$unmatched" ]; then
  printf '%s\n' "$unmatched" | while IFS= read -r ere; do
    log "no output line matches the expected line regex: $ere"
  done
  finish fail "$RUN_STATUS" "$RUN_SECONDS" output-mismatch "$LAUNCH"
fi
finish pass "$RUN_STATUS" "$RUN_SECONDS" pass "$LAUNCH"
