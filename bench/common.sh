# bench/common.sh - shell helpers of the benchmark scripts (sourced, POSIX sh).
# best "$@": the best wall time (seconds) of REPEAT runs of the command, whose
# stdout of the last run is left in the file $OUT.
now() { date +%s.%N; }
best() {
  b=""
  i=0
  while [ $i -lt "$REPEAT" ]; do
    t0=$(now); "$@" > "$OUT" 2>/dev/null </dev/null || true; t1=$(now)
    t=$(awk "BEGIN{print $t1 - $t0}")
    if [ -z "$b" ] || [ "$(awk "BEGIN{print ($t < $b)}")" = 1 ]; then b=$t; fi
    i=$((i + 1))
  done
  echo "$b"
}

# best_cpu "$@": like best, but the CPU time (user + sys) the command used, which a
# loaded shared machine disturbs much less than wall time.
best_cpu() {
  b=""
  i=0
  while [ $i -lt "$REPEAT" ]; do
    t=$( ("$@" > "$OUT" 2>/dev/null </dev/null || true; times) | tail -n 1 |
         awk '{ s = 0; for (k = 1; k <= 2; k++) { split($k, p, "m"); sub("s", "", p[2]); s += p[1] * 60 + p[2] } print s }')
    if [ -z "$b" ] || [ "$(awk "BEGIN{print ($t < $b)}")" = 1 ]; then b=$t; fi
    i=$((i + 1))
  done
  echo "$b"
}
