#!/usr/bin/env python3
"""Benchmarks the release binary against the local fakes of Azure and prints one table (markdown).

    .venv/bin/python scripts/bench/run.py [--binary PATH] [--mounts 100] [--json out.json] [--memory-only]

Rows: warm and cold mounts of 1, 10 and 50 secrets at 0 and 20 ms added to every Azure request (median and
p99 of --mounts mounts each, also in round trips = latency / added latency); provider CPU per one-secret
mount; throughput at 1, 16 and 128 concurrent mounts with the CPU share of provider, fakes and client; RSS
after start, peak and 10 s after a burst of 100 concurrent 10-object mounts, and that burst again; token and
Key Vault requests. The fakes run in a process of their own (fakes.py): each process's CPU is read separately.
docs/performance.md says what each row means.
"""
import argparse
import json
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path[:0] = [HERE, os.path.join(REPO, "Tests", "e2e", "gen"), os.path.join(REPO, "Tests", "e2e")]

import classes  # noqa: E402
import proc  # noqa: E402
from driver_client import DriverClient  # noqa: E402
from fakes import Fakes  # noqa: E402
from load import client_cpu_seconds, in_parallel, median, p99, sequential  # noqa: E402
from provider_process import ProviderProcess  # noqa: E402

RELEASE = os.path.join(REPO, ".build-release", "release", "secrets-store-csi-driver-provider-azure")
LATENCIES_MS = (0, 20)
OBJECT_COUNTS = (1, 10, 50)
CONCURRENCY = ((1, 200), (16, 400), (128, 640))   # (callers, mounts)
BURST = 100
CPU_MOUNTS = 300


def progress(text):
    print(text, file=sys.stderr, flush=True)


class Bench:
    def __init__(self, fakes, mounts):
        self.fakes = fakes
        self.mounts = mounts
        self.rows = []      # (measurement, result)
        self.data = {}

    def provider(self):
        args, env = self.fakes.provider_settings()
        return ProviderProcess(args=args, env=env).start()

    def counts(self):
        """(token requests, Key Vault requests) logged since the last clear."""
        log = self.fakes.requests()
        return (sum(1 for r in log if r["server"] in ("entra", "imds", "nmi")),
                sum(1 for r in log if r["server"] == "keyvault"),
                [r["duration_ms"] for r in log if r["server"] == "keyvault"])

    def measured(self, pid, run):
        """Runs `run()` between readings of the provider's, the fakes' and this process's CPU and of the logs."""
        self.fakes.clear_requests()
        before = (proc.cpu_seconds(pid), proc.cpu_seconds(self.fakes.pid), client_cpu_seconds(), time.perf_counter())
        result = run()
        after = (proc.cpu_seconds(pid), proc.cpu_seconds(self.fakes.pid), client_cpu_seconds(), time.perf_counter())
        tokens, reads, durations = self.counts()
        cpu = {name: after[i] - before[i] for i, name in enumerate(("provider", "fakes", "client", "wall"))}
        return result, cpu, tokens, reads, durations

    def latency_series(self, provider):
        client = DriverClient(provider.socket_path)
        pid = provider.process.pid
        try:
            for latency in LATENCIES_MS:
                self.fakes.set_latency(latency)
                for count in OBJECT_COUNTS:
                    token = self.fakes.mint_service_account_token("default", "workload-sa", "bench-pod")
                    warm = [classes.workload_identity(count, token)] * self.mounts
                    client.mount(*warm[0])   # this pod's token cached, connections open
                    pods = [f"bench-pod-{i}" for i in range(self.mounts)]
                    cold = [classes.workload_identity(
                        count, self.fakes.mint_service_account_token("default", "workload-sa", pod), pod) for pod in pods]
                    for kind, requests in (("warm", warm), ("cold", cold)):
                        progress(f"{kind} {count} objects, +{latency} ms ...")
                        samples, cpu, tokens, reads, durations = self.measured(pid, lambda: sequential(client, requests))
                        n = len(samples)
                        med, tail = median(samples) * 1000, p99(samples) * 1000
                        rt = (f" ({med / latency:.2f} round trips)", f" ({tail / latency:.2f})") if latency else ("", "")
                        fake_ms = statistics.median(durations) - latency if durations else 0
                        self.rows.append((f"{kind} mount, {count} object{'s' * (count > 1)}, +{latency} ms",
                                          f"median {med:.1f} ms{rt[0]}, p99 {tail:.1f} ms{rt[1]}; per mount "
                                          f"{tokens / n:g} token + {reads / n:g} Key Vault requests, provider CPU "
                                          f"{cpu['provider'] / n * 1000:.2f} ms; fakes' own time per read "
                                          f"{fake_ms:.1f} ms"))
                        self.data[f"{kind}-{count}-{latency}"] = {"samples_ms": [s * 1000 for s in samples],
                                                                   "cpu": cpu, "tokens": tokens, "reads": reads}
            self.fakes.set_latency(0)
            progress("provider CPU per one-secret mount ...")
            one = [classes.service_principal(1)] * CPU_MOUNTS
            client.mount(*one[0])
            samples, cpu, tokens, reads, _ = self.measured(pid, lambda: sequential(client, one))
            self.rows.append(("provider CPU per one-secret mount (warm, +0 ms)",
                              f"{cpu['provider'] / CPU_MOUNTS * 1000:.2f} ms (utime+stime over {CPU_MOUNTS} mounts); "
                              f"fakes {cpu['fakes'] / CPU_MOUNTS * 1000:.2f} ms, client "
                              f"{cpu['client'] / CPU_MOUNTS * 1000:.2f} ms per mount; median "
                              f"{statistics.median(samples) * 1000:.2f} ms"))
            self.data["cpu-one-secret"] = {"cpu": cpu, "mounts": CPU_MOUNTS}
        finally:
            client.close()

    def throughput(self, provider):
        pid = provider.process.pid
        self.fakes.set_latency(0)
        request = classes.service_principal(10)
        for callers, total in CONCURRENCY:
            progress(f"throughput, {callers} concurrent ...")
            (elapsed, samples), cpu, tokens, reads, _ = self.measured(
                pid, lambda: in_parallel(provider.socket_path, request, total, callers))
            share = {k: f"{cpu[k] / cpu['wall'] * 100:.0f}%" for k in ("provider", "fakes", "client")}
            self.rows.append((f"throughput, {callers} concurrent 10-object mounts, +0 ms",
                              f"{total / elapsed:.0f} mounts/s (median {median(samples) * 1000:.1f} ms); CPU of "
                              f"200%: provider {share['provider']}, fakes {share['fakes']}, client {share['client']}; "
                              f"{reads / total:.2f} Key Vault requests per mount"))
            self.data[f"throughput-{callers}"] = {"mounts": total, "elapsed": elapsed, "cpu": cpu, "reads": reads}

    def memory(self):
        """A fresh provider: RSS after start, the burst's peak, and RSS 10 s after it."""
        provider = self.provider()
        pid = provider.process.pid
        try:
            time.sleep(2)
            start = proc.status(pid)
            top = proc.smaps_by_mapping(pid)[:6]
            self.fakes.set_latency(20)
            progress(f"burst of {BURST} concurrent 10-object mounts, +20 ms ...")
            request = classes.service_principal(10)
            (elapsed, _), cpu, tokens, reads, _ = self.measured(
                pid, lambda: in_parallel(provider.socket_path, request, BURST, BURST))
            peak = proc.status(pid)
            time.sleep(10)
            after = proc.status(pid)
            progress("the same burst again (token cached, connections open) ...")
            (again, _), cpu_again, tokens_again, reads_again, _ = self.measured(
                pid, lambda: in_parallel(provider.socket_path, request, BURST, BURST))
            self.rows.append((f"burst: {BURST} concurrent mounts of one 10-object class and identity, +20 ms, "
                              "first mounts of a fresh process",
                              f"{elapsed * 1000:.0f} ms ({elapsed * 1000 / 20:.1f} round trips); {tokens} token + "
                              f"{reads} Key Vault requests; provider CPU {cpu['provider'] * 1000:.0f} ms"))
            self.rows.append(("the same burst 10 s later (token cached, connections open)",
                              f"{again * 1000:.0f} ms ({again * 1000 / 20:.1f} round trips); {tokens_again} token + "
                              f"{reads_again} Key Vault requests; provider CPU {cpu_again['provider'] * 1000:.0f} ms"))
            self.rows.append(("RSS after start (idle 2 s)",
                              f"{proc.mib(start['VmRSS']):.1f} MiB (file-backed {proc.mib(start['RssFile']):.1f}, "
                              f"anonymous {proc.mib(start['RssAnon']):.1f}; {start['Threads']} threads); largest: "
                              + ", ".join(f"{name} {proc.mib(kib):.1f}" for name, kib in top)))
            self.rows.append(("peak RSS (VmHWM) after start + burst",
                              f"{proc.mib(peak['VmHWM']):.1f} MiB ({peak['Threads']} threads)"))
            self.rows.append(("RSS 10 s after the burst",
                              f"{proc.mib(after['VmRSS']):.1f} MiB (anonymous {proc.mib(after['RssAnon']):.1f}; "
                              f"{after['Threads']} threads)"))
            self.data["memory"] = {"start": start, "peak": peak, "after": after, "smaps_start": top,
                                   "burst_ms": elapsed * 1000, "tokens": tokens, "reads": reads,
                                   "burst_again_ms": again * 1000}
        finally:
            provider.stop()

    def table(self):
        lines = ["| measurement | result |", "|---|---|"]
        lines += [f"| {m} | {r} |" for m, r in self.rows]
        return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.environ.get("PROVIDER_BINARY") or RELEASE)
    parser.add_argument("--mounts", type=int, default=100, help="mounts per latency row (at least 100)")
    parser.add_argument("--json", help="also write the raw figures here")
    parser.add_argument("--memory-only", action="store_true", help="only the fresh-process rows (RSS, bursts)")
    options = parser.parse_args()
    if options.mounts < 100:
        parser.error("--mounts: at least 100, or the p99 is not one")
    os.environ["PROVIDER_BINARY"] = options.binary = os.path.abspath(options.binary)
    fakes = Fakes(classes.seed())
    try:
        bench = Bench(fakes, options.mounts)
        bench.memory()
        if not options.memory_only:
            provider = bench.provider()
            try:
                bench.latency_series(provider)
                bench.throughput(provider)
                end = proc.status(provider.process.pid)
                bench.rows.append(("RSS / peak after the whole run (same process as the rows above)",
                                   f"{proc.mib(end['VmRSS']):.1f} / {proc.mib(end['VmHWM']):.1f} MiB"))
            finally:
                provider.stop()
    finally:
        fakes.stop()
    print(f"binary: {options.binary}\n")
    print(bench.table())
    if options.json:
        with open(options.json, "w") as f:
            json.dump(bench.data, f, indent=1)


if __name__ == "__main__":
    main()
