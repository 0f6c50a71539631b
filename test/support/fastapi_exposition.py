"""What a Python FastAPI model service's /metrics says, scrape after scrape, written by the real prometheus_client.

The metrics are declared as prometheus-fastapi-instrumentator's `metrics.default()` declares them (names, label
names, the 0.1/0.5/1 buckets, status grouped as "2xx"/"5xx"), plus the application's `model_loaded` gauge; each
request of a step is counted and observed one by one, then the registry is rendered with generate_latest(), as the
service's /metrics handler does. Usage: fastapi_exposition.py spec.json out.json, where spec.json is
{"replicas": [[{"serving", "loaded", "predict", "failed", "seconds", "health"}, ...], ...]} (one entry per scrape,
request counts of the step before it), and out.json gets, per replica, the exposition text of each scrape (null
while the replica does not answer).
"""
import json
import sys

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest


def replica_expositions(samples):
    registry = CollectorRegistry()
    requests = Counter("http_requests_total", "Total number of requests by method, status and handler.",
                       ["method", "status", "handler"], registry=registry)
    duration = Histogram("http_request_duration_seconds", "Latency with only few buckets by handler.",
                         ["method", "handler"], buckets=(0.1, 0.5, 1), registry=registry)
    loaded = Gauge("model_loaded", "1 when the model is loaded, 0 when not.", registry=registry)
    texts = []
    for sample in samples:
        loaded.set(1 if sample["loaded"] else 0)
        for status, count, seconds in (("2xx", sample["predict"], sample["seconds"]), ("5xx", sample["failed"], 0.004)):
            for _ in range(count):
                requests.labels(method="POST", status=status, handler="/predict").inc()
                duration.labels(method="POST", handler="/predict").observe(seconds)
        for _ in range(sample["health"]):
            requests.labels(method="GET", status="2xx", handler="/health").inc()
            duration.labels(method="GET", handler="/health").observe(0.002)
        texts.append(generate_latest(registry).decode() if sample["serving"] else None)
    return texts


def main(spec_file, out_file):
    with open(spec_file) as f:
        spec = json.load(f)
    with open(out_file, "w") as f:
        json.dump([replica_expositions(samples) for samples in spec["replicas"]], f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
