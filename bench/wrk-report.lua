-- Prints one machine-readable line after a wrk run:
-- requests duration_s errors p50_ms p99_ms p999_ms
done = function(summary, latency, requests)
	local errors = summary.errors.connect + summary.errors.read + summary.errors.write
		+ summary.errors.timeout + summary.errors.status
	io.write(string.format("WRK %d %.3f %d %.3f %.3f %.3f\n",
		summary.requests, summary.duration / 1e6, errors,
		latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000))
end
