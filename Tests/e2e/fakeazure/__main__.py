"""`python -m fakeazure [--seed FILE] [--state-dir DIR] [--latency-ms N]`: start every fake on free loopback
ports, print one JSON line describing them, run until SIGTERM/SIGINT (exit 0)."""
import argparse
import json
import signal
import sys
import threading

from .server import FakeAzure


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m fakeazure", description=__doc__)
    p.add_argument("--seed", help="seed file (YAML or JSON); default: the built-in default seed")
    p.add_argument("--state-dir", help="directory for the test CA and the key-material cache")
    p.add_argument("--latency-ms", type=int, default=0, help="fixed latency added to every request")
    p.add_argument("--token-lifetime", type=int, default=None, help="lifetime of issued tokens in seconds")
    args = p.parse_args(argv)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    fa = FakeAzure.start(seed=args.seed, latency_ms=args.latency_ms, state_dir=args.state_dir,
                         token_lifetime=args.token_lifetime)
    try:
        sys.stdout.write(json.dumps(fa.info()) + "\n")
        sys.stdout.flush()
        while not done.wait(1.0):
            pass
    finally:
        fa.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
