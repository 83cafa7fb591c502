# The overload scenario of bench/run (sourced by it, with both apps up): open-loop load at 1x,
# 2x and 3x the measured capacity of a thread-bound handler, then a spike from 0.5x to 3x and
# back, for the sample app (Traffic Guard, rate limit off) and the baseline (plain Boot) in the
# same run. See bench/README.md.
#
#   bench/run overload
#   OVERLOAD_DURATION=20 OVERLOAD_CAPACITY=1900 bench/run overload   # skip the capacity probe

OVERLOAD_PATH=${OVERLOAD_PATH:-"/api/work?ms=100"}
OVERLOAD_DURATION=${OVERLOAD_DURATION:-15}
OVERLOAD_MULTIPLIERS=${OVERLOAD_MULTIPLIERS:-"1 2 3"}
OVERLOAD_MAX_IN_FLIGHT=${OVERLOAD_MAX_IN_FLIGHT:-4096}
LOADGEN_JAR=bench/loadgen/target/traffic-guard-bench-loadgen-0.1.0-SNAPSHOT.jar

overload_load() { # port schedule -> the loadgen's "total" line; phase starts to $2.phases
	$LOAD_CPUS java -Xmx1g -cp "$LOADGEN_JAR" dev.trafficguard.bench.loadgen.OverloadLoad \
		"http://127.0.0.1:$1$OVERLOAD_PATH" "$2" "$OVERLOAD_MAX_IN_FLIGHT" 2>"$LOGS/phases.txt" | tail -n 1
}

settle() { # let the app finish what it holds before the next run
	sleep 5
}

echo "warming up both apps (${WARMUP}s each)..."
for port in $BASELINE_PORT $SAMPLE_PORT; do
	$LOAD_CPUS wrk -t1 -c64 -d"$WARMUP"s --timeout 10s "http://127.0.0.1:$port$OVERLOAD_PATH" >/dev/null
	settle
done

if [ -n "${OVERLOAD_CAPACITY:-}" ]; then
	CAPACITY=$OVERLOAD_CAPACITY
	echo "capacity given: $CAPACITY req/s"
else
	echo "measuring the capacity of $OVERLOAD_PATH on the baseline (wrk, 400 connections, 15s)..."
	CAPACITY=$($LOAD_CPUS wrk -t1 -c400 -d15s --timeout 10s -s bench/wrk-report.lua \
		"http://127.0.0.1:$BASELINE_PORT$OVERLOAD_PATH" | awk '/^WRK / { printf "%d", $2 / $3 }')
	echo "capacity: $CAPACITY req/s"
	settle
fi

report="$RESULTS/$STAMP-overload.txt"
rows=()
for m in $OVERLOAD_MULTIPLIERS; do
	rate=$((CAPACITY * m))
	# Alternate which app goes first
	if [ $((m % 2)) -eq 1 ]; then order="baseline sample"; else order="sample baseline"; fi
	for app in $order; do
		port=$BASELINE_PORT
		[ "$app" = sample ] && port=$SAMPLE_PORT
		echo "${m}x ($rate req/s for ${OVERLOAD_DURATION}s): $app"
		line=$(overload_load "$port" "$rate:$OVERLOAD_DURATION")
		rows+=("${m}x $app $line")
		settle
	done
done

# The spike: 0.5x for 10s, 3x for 10s, 0.5x for 20s. On the sample, the limit is read from
# /actuator/trafficguard/overload every 250ms meanwhile.
half=$((CAPACITY / 2))
spike="$half:10,$((CAPACITY * 3)):10,$half:20"
spike_rows=()
for app in baseline sample; do
	port=$BASELINE_PORT
	[ "$app" = sample ] && port=$SAMPLE_PORT
	echo "spike 0.5x -> 3x -> 0.5x: $app"
	samples="$LOGS/spike-$app-limit.txt"
	: >"$samples"
	(
		while true; do
			body=$(curl -s --max-time 1 "http://127.0.0.1:$port/actuator/trafficguard/overload" || true)
			limit=$( (grep -o '"limit":[0-9]*' <<<"$body" || true) | head -n 1 | cut -d: -f2)
			inflight=$( (grep -o '"inFlight":[0-9]*' <<<"$body" || true) | head -n 1 | cut -d: -f2)
			echo "$(date +%s%3N) ${limit:--} ${inflight:--}" >>"$samples"
			sleep 0.25
		done
	) &
	poller=$!
	line=$(overload_load "$port" "$spike")
	kill "$poller" 2>/dev/null || true
	wait "$poller" 2>/dev/null || true
	cp "$LOGS/phases.txt" "$LOGS/spike-$app-phases.txt"
	spike_start=$(awk '$1 == "PHASE" && $2 == 2 { print $3 }' "$LOGS/phases.txt")
	spike_end=$(awk '$1 == "PHASE" && $2 == 3 { print $3 }' "$LOGS/phases.txt")
	recovery=$(awk -v start="$spike_start" -v end="$spike_end" '
		$2 == "-" { next }
		$1 < start { before = $2 }
		$1 >= start && $1 < end { if (low == "" || $2 < low) low = $2 }
		$1 >= end && back == "" && before != "" && $2 >= before { back = ($1 - end) / 1000 }
		END {
			if (before == "") { print "- - -"; exit }
			if (low == "" || low + 0 >= before + 0) { printf "%s %s %s\n", before, before, "unlowered"; exit }
			printf "%s %s %s\n", before, low, (back == "") ? "never" : back "s"
		}' "$samples")
	spike_rows+=("$app $line | $recovery")
	settle
done

{
	echo "Traffic Guard overload bench: $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $(java -version 2>&1 | head -n 1)"
	echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "path $OVERLOAD_PATH; capacity $CAPACITY req/s (baseline, closed loop); open loop from intended send time, ${OVERLOAD_DURATION}s per step"
	echo "sample = Traffic Guard (rate limit off); baseline = plain Spring Boot; goodput = 2xx per second; latencies in ms"
	printf '\n%-4s %-9s %8s %8s %7s %7s %6s %9s %7s %8s %9s %9s %8s %8s  %s\n' load app sent ok shed other \
		transport unsent "goodput" "/cap" "adm p50" "adm p99" "shed p50" "shed p99" "transport errors"
	for row in "${rows[@]}"; do
		read -r load app _ _ _ sent ok shed other transport unsent goodput p50 p99 sp50 sp99 errors <<<"$row"
		printf '%-4s %-9s %8d %8d %7d %7d %6d %9d %7.1f %8.3f %9.1f %9.1f %8.1f %8.1f  %s\n' "$load" "$app" \
			"$sent" "$ok" "$shed" "$other" "$transport" "$unsent" "$goodput" \
			"$(awk -v g="$goodput" -v c="$CAPACITY" 'BEGIN { print g / c }')" "$p50" "$p99" "$sp50" "$sp99" "$errors"
	done
	echo
	echo "spike: $spike (req/s:seconds); limit = the sample's concurrency limit before the spike, lowest during it,"
	echo "and when it was back at the level before the spike, counted from the spike's end"
	printf '%-9s %8s %8s %7s %7s %6s %9s %9s %9s %8s %8s %10s\n' app sent ok shed other transport unsent \
		"adm p50" "adm p99" "shed p99" "limit" "recovered"
	for row in "${spike_rows[@]}"; do
		read -r app _ _ _ sent ok shed other transport unsent _ p50 p99 _ sp99 _ _ _ _ before low back <<<"$row"
		printf '%-9s %8d %8d %7d %7d %6d %9d %9.1f %9.1f %8.1f %8s %10s\n' "$app" "$sent" "$ok" "$shed" \
			"$other" "$transport" "$unsent" "$p50" "$p99" "$sp99" "$before>$low" "$back"
	done
} | tee "$report"
echo
echo "report: $report (app logs, limit samples and phase times in $LOGS)"
