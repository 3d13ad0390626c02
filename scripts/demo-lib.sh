# shellcheck shell=bash
# Helpers for scripts/demo: print each step as a person reads it, run it,
# and stop the demo when a step does not behave as shown. Source it.

DEMO_MARK=".creg-demo"  # a data folder the demo made carries this file
NODE_PID=""
NODE_ADDRESS=""
WITNESS_PIDS=()

# shellcheck disable=SC2034  # the colours are used by scripts/demo
if [ -t 1 ]; then
  BOLD=$'\033[1m' DIM=$'\033[2m' RED=$'\033[31m' GREEN=$'\033[32m' RESET=$'\033[0m'
else
  BOLD="" DIM="" RED="" GREEN="" RESET=""
fi

STEP=0
step() {
  STEP=$((STEP + 1))
  printf '\n%s%d. %s%s\n' "$BOLD" "$STEP" "$*" "$RESET"
}

say() { printf '%s\n' "$*"; }
note() { printf '%s# %s%s\n' "$DIM" "$*" "$RESET"; }

fail() {
  printf '\n%sdemo failed:%s %s\n' "$RED" "$RESET" "$*" >&2
  exit 1
}

# show_command WORDS...: prints the command as a person would type it, with
# the build folder's programs by their plain names.
show_command() {
  local shown=() word
  for word in "$@"; do
    case "$word" in
      "$CREG") word="creg" ;;
      "$CREGD") word="cregd" ;;
      "$CREG_AUDIT") word="creg-audit" ;;
      "${CREG_WITNESS:-}") word="creg-witness" ;;
    esac
    if [[ "$word" =~ [[:space:]\'\"] ]]; then
      word="\"${word//\"/\\\"}\""
    fi
    shown+=("$word")
  done
  printf '%s$ %s%s\n' "$BOLD" "${shown[*]}" "$RESET"
}

# run EXPECTED_EXIT COMMAND...: shows the command and its output (indented),
# and fails the demo unless it exits with EXPECTED_EXIT. The output is kept
# in $OUTPUT.
OUTPUT=""
run() {
  local expected="$1"
  shift
  show_command "$@"
  local status=0
  OUTPUT="$("$@" 2>&1)" || status=$?
  if [ -n "$OUTPUT" ]; then
    printf '%s\n' "$OUTPUT" | sed 's/^/    /'
  fi
  if [ "$status" -ne "$expected" ]; then
    fail "'$(basename "$1") ${2:-}' exited with $status; the demo expects $expected"
  fi
}

# expect_output TEXT: fails unless the last run's output contains TEXT.
expect_output() {
  case "$OUTPUT" in
    *"$1"*) ;;
    *) fail "expected the output to say '$1'" ;;
  esac
}

# port_in_use PORT: true if something listens on 127.0.0.1:PORT.
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# prepare_data_dir DIR: makes way for a fresh registry in DIR. A folder an
# earlier demo made (it carries $DEMO_MARK) is removed; anything else is
# moved aside, never deleted.
prepare_data_dir() {
  local dir="$1"
  [ -e "$dir" ] || return 0
  if [ -f "$dir/$DEMO_MARK" ]; then
    note "removing $dir, left by an earlier run of the demo"
    rm -rf -- "$dir"
  else
    local aside
    aside="$dir.before-demo-$(date +%Y%m%d-%H%M%S)"
    say "${BOLD}$dir already holds a registry that the demo did not make.${RESET}"
    say "Moving it aside to $aside (nothing is deleted); move it back when you are done."
    mv -- "$dir" "$aside"
  fi
}

# start_node DIR LISTEN LOG [FLAG...]: starts cregd in the background with
# any further flags and waits until it serves; sets NODE_PID and
# NODE_ADDRESS, and HTTP_ADDRESS when --http is among the flags. The node
# runs at the default read policy (registry).
start_node() {
  local dir="$1" listen="$2" log_file="$3"
  shift 3
  show_command "$CREGD" run --data "$dir" --listen "$listen" "$@" "&"
  "$CREGD" run --data "$dir" --listen "$listen" "$@" 2>"$log_file" &
  NODE_PID=$!
  local wants_http=0 arg _
  for arg in "$@"; do [ "$arg" = "--http" ] && wants_http=1; done
  for _ in $(seq 1 100); do
    NODE_ADDRESS="$(sed -n 's/.*serving on \([0-9.]*:[0-9]*\).*/\1/p' "$log_file" | head -n 1)"
    HTTP_ADDRESS="$(sed -n 's|.* on http://\([0-9.]*:[0-9]*\)/ .*|\1|p' "$log_file" | head -n 1)"
    if [ -n "$NODE_ADDRESS" ] && { [ "$wants_http" = 0 ] || [ -n "$HTTP_ADDRESS" ]; }; then
      sed 's/^/    /' "$log_file"
      return 0
    fi
    if ! kill -0 "$NODE_PID" 2>/dev/null; then
      NODE_PID=""
      sed 's/^/    /' "$log_file" >&2
      fail "cregd stopped while starting (its log is above)"
    fi
    sleep 0.1
  done
  fail "cregd did not start serving within 10 seconds (log: $log_file)"
}

# stop_node LOG: SIGTERM, then waits; fails unless the node stops cleanly.
stop_node() {
  local log_file="$1"
  [ -n "$NODE_PID" ] || return 0
  show_command kill -TERM "$NODE_PID"
  kill -TERM "$NODE_PID"
  local status=0
  wait "$NODE_PID" || status=$?
  NODE_PID=""
  tail -n 2 "$log_file" | sed 's/^/    /'
  [ "$status" -eq 0 ] || fail "cregd exited with $status after SIGTERM"
  grep -q "stopped cleanly" "$log_file" || fail "cregd did not report a clean stop"
}

# On any exit, never leave the node running.
cleanup_node() {
  if [ -n "$NODE_PID" ]; then
    kill -TERM "$NODE_PID" 2>/dev/null || true
    wait "$NODE_PID" 2>/dev/null || true
  fi
  stop_witnesses
}

# start_witness DIR LOG LOG_KEY: starts creg-witness run in the background
# on a free loopback port for the log LOG_KEY and waits until it serves;
# sets WITNESS_ADDRESS and adds the process to WITNESS_PIDS.
start_witness() {
  local dir="$1" log_file="$2" log_key="$3" _
  show_command "$CREG_WITNESS" run --data "$dir" --listen 127.0.0.1:0 --log "$log_key" "&"
  "$CREG_WITNESS" run --data "$dir" --listen 127.0.0.1:0 --log "$log_key" 2>"$log_file" &
  local pid=$!
  WITNESS_PIDS+=("$pid")
  for _ in $(seq 1 100); do
    WITNESS_ADDRESS="$(sed -n 's|.* on http://\([0-9.]*:[0-9]*\)/add-checkpoint.*|\1|p' "$log_file" | head -n 1)"
    [ -n "$WITNESS_ADDRESS" ] && return 0
    kill -0 "$pid" 2>/dev/null || { cat "$log_file" >&2; fail "creg-witness stopped while starting"; }
    sleep 0.1
  done
  fail "creg-witness did not start serving within 10 seconds (log: $log_file)"
}

# stop_witnesses: SIGTERM to every witness started, and waits.
stop_witnesses() {
  local pid
  for pid in "${WITNESS_PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  WITNESS_PIDS=()
}
