-- wrk prints one machine-readable line per run: requests, seconds, errors and latency percentiles (µs).
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("RESULT %d %.3f %d %d %d %d %d %d %d %d\n",
    summary.requests, summary.duration / 1e6, errors.status, errors.connect, errors.read, errors.write,
    errors.timeout, latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
