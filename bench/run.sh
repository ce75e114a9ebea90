#!/usr/bin/env bash
# Runs every benchmark and prints one table: dcrun next to the raw floor measured in this run.
#   bash bench/run.sh [BUILD_DIR]     (bash scripts/run.sh bench builds first)
set -euo pipefail
B=${1:-build}
DCRUN="$B/cli/dcrun"; FLOOR="$B/bench/floor_bench"; DCB="$B/bench/dc_bench"
value() { awk -F'\t' -v n="$1" '$1 == n { print $2 }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ms_of() { # wall time of a command in ms, median of 11 runs
  for _ in $(seq 11); do
    s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000 ))
  done | median | awk '{ printf "%.1f", $1 / 1000 }'
}

dc_unix=$("$DCRUN" -p 1 "$DCB" all)
dc_tcp=$(DC_TRANSPORT=tcp "$DCRUN" -p 1 "$DCB" rtt)
tcp_busy=$("$FLOOR" pingpong tcp busy | value tcp_pingpong_busy)
tcp_block=$("$FLOOR" pingpong tcp blocking | value tcp_pingpong_blocking)
unix_busy=$("$FLOOR" pingpong unix busy | value unix_pingpong_busy)
unix_block=$("$FLOOR" pingpong unix blocking | value unix_pingpong_blocking)
unix_stream=$("$FLOOR" stream unix | value unix_stream)
tcp_stream=$("$FLOOR" stream tcp | value tcp_stream)
spawn2=$("$FLOOR" spawn 2 | value spawn_connect_2)
plain_rss=$("$FLOOR" idle_rss | value plain_process_rss)
startup=$(ms_of "$DCRUN" -p 2 "$B/bench/startup_app")

rtt_unix=$(echo "$dc_unix" | value remotecall_fetch_rtt)
rtt_tcp=$(echo "$dc_tcp" | value remotecall_fetch_rtt)
fetch=$(echo "$dc_unix" | value fetch_64MiB)
rss=$(echo "$dc_unix" | value idle_worker_rss)
calls=$(echo "$dc_unix" | value remotecall_throughput)
oneway=$(echo "$dc_unix" | value remote_do_throughput)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "| workload | dcrun | floor (same run) | dcrun / floor | target |"
echo "|---|---|---|---|---|"
printf "| remotecall_fetch round trip, Unix socket | %.1f µs | %.1f µs busy-poll TCP (Unix: %.1f busy, %.1f blocking) | %s of TCP busy | ≤ 2 |\n" "$rtt_unix" "$tcp_busy" "$unix_busy" "$unix_block" "$(ratio "$rtt_unix" "$tcp_busy")"
printf "| remotecall_fetch round trip, TCP | %.1f µs | %.1f µs busy-poll TCP (%.1f blocking) | %s | ≤ 2 |\n" "$rtt_tcp" "$tcp_busy" "$tcp_block" "$(ratio "$rtt_tcp" "$tcp_busy")"
printf "| small calls: remotecall + fetch, 1000 in flight | %.0f calls/s | 1 / busy-poll Unix RTT = %.0f/s | | |\n" "$calls" "$(awk -v r="$unix_busy" 'BEGIN { print 1e6 / r }')"
printf "| small calls: remote_do stream | %.0f calls/s | | | |\n" "$oneway"
printf "| 64 MiB fetch (steady state) | %.0f MiB/s | %.0f MiB/s Unix stream (TCP %.0f) | %s | ≥ 0.70 |\n" "$fetch" "$unix_stream" "$tcp_stream" "$(ratio "$fetch" "$unix_stream")"
printf "| dcrun -p 2 to first result (whole run) | %s ms | %s ms fork+exec+connect of 2 | | < 30 ms |\n" "$startup" "$spawn2"
printf "| idle worker RSS | %.1f MiB | %.1f MiB plain process | | < 8 MiB |\n" "$rss" "$plain_rss"

# ---- the cost of --trace: the same measures with and without a timeline (same run; the pmap
# of 1e5 items is the median of 21, as one lasts a few ms)
trace_file=$(mktemp /tmp/dc_bench_trace.XXXXXX.json)
rtt_off=$("$DCRUN" -p 1 "$DCB" rtt | value remotecall_fetch_rtt)
rtt_on=$("$DCRUN" -p 1 --trace "$trace_file" "$DCB" rtt | value remotecall_fetch_rtt)
pm_off=$("$DCRUN" -p 2 "$DCB" pmap)
pm_on=$("$DCRUN" -p 2 --trace "$trace_file" "$DCB" pmap)
small_off=$("$DCRUN" -p 2 "$DCB" pmap_small | value pmap_1e5_median)
small_on=$("$DCRUN" -p 2 --trace "$trace_file" "$DCB" pmap_small | value pmap_1e5_median)
million_start=$(date +%s%N)
million_calls=$("$DCRUN" -p 1 --trace "$trace_file" "$DCB" million | value million_calls)
million_end=$(date +%s%N)
million_mb=$(awk -v b="$(stat -c %s "$trace_file")" 'BEGIN { printf "%.0f", b / 1048576 }')
one_off=$(echo "$pm_off" | value pmap_batch_size_1)
one_on=$(echo "$pm_on" | value pmap_batch_size_1)
echo
echo "| with --trace (1 or 2 workers) | off | on | cost | target |"
echo "|---|---|---|---|---|"
printf "| remotecall_fetch round trip | %.2f µs | %.2f µs | %+.2f µs a call | ≤ 1 µs |\n" "$rtt_off" "$rtt_on" "$(awk -v a="$rtt_on" -v b="$rtt_off" 'BEGIN { print a - b }')"
printf "| pmap of 1e5 no-op items, automatic batches (median of 21) | %.3g items/s | %.3g items/s | %+.1f %% | ≤ 5 %% |\n" "$small_off" "$small_on" "$(awk -v a="$small_on" -v b="$small_off" 'BEGIN { print 100 * (b - a) / b }')"
printf "| pmap of a no-op, batch size 1 | %.3g items/s | %.3g items/s | %+.1f %% | |\n" "$one_off" "$one_on" "$(awk -v a="$one_on" -v b="$one_off" 'BEGIN { print 100 * (b - a) / b }')"
printf "| a million calls, traced: calls / whole run with the file written; file size | | %.1f s / %.1f s; %s MB | | < 100 MB |\n" "$million_calls" "$(awk -v s="$million_start" -v e="$million_end" 'BEGIN { print (e - s) / 1e9 }')" "$million_mb"

rm -f "$trace_file"

# ---- parallel patterns and channels, next to Python's multiprocessing and Dask (same run)
PY=/usr/bin/python3
peer() { [ -x "$PY" ] && "$PY" "$(dirname "$0")/peers/$1" 2>/dev/null || true; }
dc_pat=$("$DCRUN" -p 2 "$DCB" patterns)
mp=$(peer mp_bench.py)
dask=$(peer dask_bench.py)
v() { local x; x=$(echo "$1" | value "$2"); echo "${x:-n/a}"; }
fmt() { awk -v x="$1" -v f="$2" 'BEGIN { if (x == "n/a") print "n/a"; else printf f, x }'; }
echo
echo "| workload (2 workers) | dcrun | multiprocessing | Dask | target |"
echo "|---|---|---|---|---|"
echo "| pmap of a no-op, automatic batches | $(fmt "$(v "$dc_pat" pmap_auto_batch)" "%.3g items/s") | $(fmt "$(v "$mp" mp_pmap_default_chunks)" "%.3g items/s") (default chunks) | $(fmt "$(v "$dask" dask_map_tasks)" "%.0f tasks/s") | ≥ multiprocessing |"
echo "| pmap of a no-op, batch size 1 | $(fmt "$(v "$dc_pat" pmap_batch_size_1)" "%.3g items/s") | $(fmt "$(v "$mp" mp_pmap_chunksize1)" "%.3g items/s") (chunksize 1) | | ≥ multiprocessing |"
echo "| count 2e8 heads: speed-up over serial | $(fmt "$(v "$dc_pat" count_heads_speedup)" "%.2fx") ($(fmt "$(v "$dc_pat" count_heads_serial)" "%.2f") s → $(fmt "$(v "$dc_pat" count_heads_distributed)" "%.2f") s) | $(fmt "$(v "$mp" mp_count_heads_speedup)" "%.2fx") (2e7 in Python) | | ≥ 1.8x |"
echo "| count 2e8 heads, body a plain function: \`heads\` / \`dc::fn<heads>\` (lambda above) | $(fmt "$(v "$dc_pat" count_heads_function_pointer)" "%.2f") s / $(fmt "$(v "$dc_pat" count_heads_dc_fn)" "%.2f") s | | | = lambda |"
echo "| distributed_reduce of \`i & 1\` over 1e9: lambda / plain function / \`dc::fn\` | $(fmt "$(v "$dc_pat" tiny_body_lambda)" "%.2f") s / $(fmt "$(v "$dc_pat" tiny_body_function_pointer)" "%.2f") s / $(fmt "$(v "$dc_pat" tiny_body_dc_fn)" "%.2f") s | | | fn = lambda |"
echo "| distributed_reduce fixed overhead | $(fmt "$(v "$dc_pat" distributed_reduce_overhead)" "%.1f µs") | | $(fmt "$(v "$dask" dask_submit_roundtrip)" "%.0f µs") (one submit) | < 50 µs |"
echo "| channel put/take round trip | $(fmt "$(v "$dc_pat" channel_roundtrip)" "%.1f µs") | $(fmt "$(v "$mp" mp_queue_roundtrip)" "%.1f µs") (Queue pair) | | |"
echo "| channel throughput, one producer | $(fmt "$(v "$dc_pat" channel_throughput)" "%.3g items/s") | $(fmt "$(v "$mp" mp_queue_throughput)" "%.3g items/s") (Queue) | | |"

# ---- launch over SSH and Slurm next to plain ssh/srun (starts and stops the test beds)
echo
bash "$(dirname "$0")/launch.sh" "$B"
