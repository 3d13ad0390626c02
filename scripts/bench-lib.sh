# Shell functions the benchmark scripts share. Source it after defining
# fail() (which prints its arguments and exits).

# serving LOG PATTERN: the first address the log shows after PATTERN, once
# it appears (10 s at most).
serving() {
  local log="$1" pattern="$2" address _
  for _ in $(seq 1 200); do
    address="$(sed -n "s|.*$pattern\\([0-9.]*:[0-9]*\\).*|\\1|p" "$log" | head -n 1)"
    if [ -n "$address" ]; then printf '%s' "$address"; return 0; fi
    sleep 0.05
  done
  fail "nothing served (log $log)"
}

# median: the median of the numbers on stdin, one or more per line.
median() { tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
