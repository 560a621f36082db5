import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "gen"))
sys.path.insert(0, HERE)

from driver_client import DriverClient  # noqa: E402

pytest_plugins = ["fakeazure.pytest_fixtures"]
from provider_process import ProviderProcess  # noqa: E402


@pytest.fixture
def start_provider():
    """Starts providers with the given flags; stops whatever is still running at the end of the test."""
    started = []

    def start(*args, env=None, wait=True, **kwargs):
        process = ProviderProcess(args=args, env=env, **kwargs).start(wait=wait)
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()


@pytest.fixture
def provider(start_provider):
    return start_provider()


@pytest.fixture
def client(provider):
    c = DriverClient(provider.socket_path)
    yield c
    c.close()
