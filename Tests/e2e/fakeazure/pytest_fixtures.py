"""pytest plugin: `pytest_plugins = ["fakeazure.pytest_fixtures"]` in conftest.py.

fake_azure        session-scoped FakeAzure with the default seed, started once
fake_azure_clean  function-scoped: the same instance with faults, request log and token lifetime reset
An autouse fixture also resets the session instance before each test that uses fake_azure.
"""
import os

import pytest

from .server import FakeAzure


@pytest.fixture(scope="session")
def fake_azure(tmp_path_factory):
    state = os.environ.get("FAKEAZURE_STATE_DIR")  # optional: reuse a key-material cache across runs
    fa = FakeAzure.start(state_dir=state or None)
    yield fa
    fa.stop()


@pytest.fixture(autouse=True)
def _fake_azure_reset(request):
    if "fake_azure" in request.fixturenames:
        request.getfixturevalue("fake_azure").reset()
    yield


@pytest.fixture
def fake_azure_clean(fake_azure):
    fake_azure.reset()
    yield fake_azure
    fake_azure.reset()
