"""Local stand-ins for Azure Key Vault, Entra ID, IMDS and NMI that speak the real wire protocol.
See README.md. Entry points: FakeAzure.start(...), `python -m fakeazure`, the pytest plugin pytest_fixtures."""
from .server import FakeAzure

__all__ = ["FakeAzure"]
