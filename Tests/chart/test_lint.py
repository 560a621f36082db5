"""`helm lint --strict` with Helm's own linter, for the defaults and the combinations the other tests render."""
import helm_python as helm
import pytest

from chartlib import BASE_VALUES, CHART_DIR, merge
from test_render import COMBINATIONS

# The driver chart is declared but cannot be downloaded on these machines (test_dependency checks the
# declaration). This is the one finding lint may report, and only because charts/ has no archive of it.
MISSING_DEPENDENCY = "chart directory is missing these dependencies: secrets-store-csi-driver"


@pytest.mark.parametrize("name", sorted(COMBINATIONS))
def test_lint_strict(name):
    report = helm.lint(CHART_DIR, merge(BASE_VALUES, COMBINATIONS[name]), strict=True, kube_version="v1.37.0")
    assert report["total_charts_linted"] == 1
    problems = [m for m in report["messages"] if m["severity"] >= 2 and m["error"] != MISSING_DEPENDENCY]
    assert problems == [], problems
    assert report["errors"] == [MISSING_DEPENDENCY]


def test_lint_reports_schema_violations():
    """The linter validates values against values.schema.json. (Helm's lint mode only logs `fail`, so the
    chart's refusals are checked by rendering, in test_schema.py.)"""
    report = helm.lint(CHART_DIR, merge(BASE_VALUES, {"linux": {"healthzPort": "8989"}}), strict=True)
    assert any("/linux/healthzPort" in e and "want integer" in e for e in report["errors"]), report
