"""Performance benchmarks on this machine: `python -m benchmarks [all|latency|redaction|retrieval|ingest]`.

Each benchmark returns a `BenchResult` with its tables, headline metrics and one baseline ratio measured in
the same run; `__main__` prints them and writes `benchmarks/reports/latest.md` and `latest.json`.
"""
