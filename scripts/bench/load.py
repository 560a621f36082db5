"""The load generator: timed mounts, one after another or from many client threads at once.

Calls go through `DriverClient` (the driver's channel options). Concurrent callers get one connection per
16 threads: grpcio otherwise multiplexes every channel onto one shared connection, and 128 streams on one
connection got GOAWAY (PROTOCOL_ERROR) from the provider's HTTP/2 server."""
import concurrent.futures
import resource
import statistics
import time

import grpc
import service_pb2_grpc
from driver_client import MAX_RECEIVE_BYTES, SERVICE_CONFIG, DriverClient

THREADS_PER_CHANNEL = 16


def client_cpu_seconds():
    """This process's CPU time (the Python client and gRPC's C threads)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def sequential(client, requests):
    """Mounts each (attributes, secrets) in turn; the seconds each took."""
    samples = []
    for attributes, secrets in requests:
        started = time.perf_counter()
        client.mount(attributes, secrets)
        samples.append(time.perf_counter() - started)
    return samples


def in_parallel(socket_path, request, total, concurrency):
    """`total` mounts of one (attributes, secrets), `concurrency` at a time. Returns (elapsed seconds, the
    seconds each mount took)."""
    channels = [_own_connection(socket_path) for _ in range(max(1, concurrency // THREADS_PER_CHANNEL))]
    try:
        for c in channels:
            c.version()  # connected before the clock starts

        def one(i):
            started = time.perf_counter()
            channels[i % len(channels)].mount(*request)
            return time.perf_counter() - started

        with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
            started = time.perf_counter()
            samples = list(pool.map(one, range(total)))
            elapsed = time.perf_counter() - started
        return elapsed, samples
    finally:
        for c in channels:
            c.close()


def _own_connection(socket_path):
    """A DriverClient whose channel does not share its connection with the other channels."""
    client = DriverClient.__new__(DriverClient)
    client.channel = grpc.insecure_channel("unix:" + socket_path, options=[
        ("grpc.default_authority", "localhost"), ("grpc.service_config", SERVICE_CONFIG),
        ("grpc.enable_retries", 1), ("grpc.max_receive_message_length", MAX_RECEIVE_BYTES),
        ("grpc.use_local_subchannel_pool", 1)])
    client.stub = service_pb2_grpc.CSIDriverProviderStub(client.channel)
    return client


def median(samples):
    return statistics.median(samples)


def p99(samples):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]
