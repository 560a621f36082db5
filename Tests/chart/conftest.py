import pytest

from chartlib import load_chart


@pytest.fixture(scope="session")
def chart():
    with load_chart() as loaded:
        yield loaded
