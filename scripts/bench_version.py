#!/usr/bin/env python3
"""Measures the provider process: Version round-trip latency from the driver-like Python client over the
Unix socket (median and p99 of N sequential calls), idle resident memory, and the binary's size.

    .venv/bin/python scripts/bench_version.py [--binary PATH] [--calls 1000]

Uses .build-release/release/<binary> when it exists (make release), else the debug build.
"""
import argparse
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
E2E = os.path.join(HERE, "..", "Tests", "e2e")
sys.path[:0] = [os.path.join(E2E, "gen"), E2E]

from driver_client import DriverClient  # noqa: E402
from provider_process import BINARY_NAME, REPO, ProviderProcess  # noqa: E402


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main():
    release = os.path.join(REPO, ".build-release", "release", BINARY_NAME)
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=release if os.path.exists(release) else None)
    parser.add_argument("--calls", type=int, default=1000)
    options = parser.parse_args()
    if options.binary:
        os.environ["PROVIDER_BINARY"] = options.binary
    binary = os.environ.get("PROVIDER_BINARY") or os.path.join(REPO, ".build", "debug", BINARY_NAME)

    provider = ProviderProcess().start()
    try:
        time.sleep(1.0)
        idle = rss_kib(provider.process.pid)
        client = DriverClient(provider.socket_path)
        for _ in range(50):  # warm the connection
            client.version()
        samples = []
        for _ in range(options.calls):
            started = time.perf_counter_ns()
            client.version()
            samples.append((time.perf_counter_ns() - started) / 1e6)
        after = rss_kib(provider.process.pid)
        client.close()
    finally:
        provider.stop()
    samples.sort()
    print(f"binary: {binary} ({os.path.getsize(binary) / 1e6:.1f} MB)")
    print(f"idle RSS: {idle / 1024:.1f} MiB; after {options.calls} calls: {after / 1024:.1f} MiB")
    print(f"Version round trip over {options.calls} calls: median {statistics.median(samples):.3f} ms, "
          f"p99 {samples[int(len(samples) * 0.99) - 1]:.3f} ms, min {samples[0]:.3f} ms")


if __name__ == "__main__":
    main()
