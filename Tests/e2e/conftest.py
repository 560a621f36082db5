import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "gen"))
sys.path.insert(0, HERE)

from driver_client import DriverClient  # noqa: E402
from provider_process import ProviderProcess  # noqa: E402

pytest_plugins = ["fakeazure.pytest_fixtures"]


def pytest_addoption(parser):
    parser.addoption("--long", action="store_true", default=False,
                     help="also run the long reliability tests (marked `long`); or RELIABILITY_LONG=1")


def pytest_configure(config):
    config.addinivalue_line("markers", "long: a long reliability run, only with --long or RELIABILITY_LONG=1")


def pytest_collection_modifyitems(config, items):
    """Long runs are deselected (not skipped) unless asked for: the default run stays within its time budget."""
    if config.getoption("--long") or os.environ.get("RELIABILITY_LONG") == "1":
        return
    long_runs = [item for item in items if item.get_closest_marker("long")]
    if long_runs:
        config.hook.pytest_deselected(items=long_runs)
        items[:] = [item for item in items if not item.get_closest_marker("long")]


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


def fake_azure_flags(fake_azure, *extra):
    """Points a provider at the fakes the way a cluster behind an egress proxy is set up: proxy variables,
    an extra trusted CA, the NMI port. No test-only switch."""
    env = {"HTTPS_PROXY": fake_azure.proxy_url, "HTTP_PROXY": fake_azure.proxy_url, "NO_PROXY": ""}
    args = (f"--extra-ca-bundle={fake_azure.ca_bundle}", f"--nmi-port={fake_azure.nmi_port}", *extra)
    return args, env


@pytest.fixture
def azure_provider(fake_azure, start_provider):
    """A provider wired to the fake Azure services (default flags)."""
    args, env = fake_azure_flags(fake_azure)
    return start_provider(*args, env=env)


@pytest.fixture
def azure_client(azure_provider):
    c = DriverClient(azure_provider.socket_path)
    yield c
    c.close()


@pytest.fixture
def issued_tokens(fake_azure, monkeypatch):
    """Every access token the fakes issue during the test, in order: what a leak scan must never find."""
    issued = []
    issue = fake_azure.tokens.issue

    def recording_issue(*args, **kwargs):
        result = issue(*args, **kwargs)
        issued.append(result[0])
        return result
    monkeypatch.setattr(fake_azure.tokens, "issue", recording_issue)
    return issued
