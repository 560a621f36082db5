"""`lint` as users run it: files and stdin, text and JSON output, exit codes 0/1/2."""
import glob
import json
import os
import subprocess

from provider_process import REPO, provider_binary, run_provider

FIXTURES = os.path.join(REPO, "Tests", "ProviderParametersTests", "Fixtures")


def test_examples_are_clean():
    examples = sorted(glob.glob(os.path.join(REPO, "examples", "*.yaml")))
    assert examples
    result = run_provider("lint", *examples)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no problems found" in result.stdout


def test_the_three_classic_mistakes_are_each_reported_with_a_fix():
    result = run_provider("lint", os.path.join(FIXTURES, "three-mistakes.yaml"))
    assert result.returncode == 1
    for rule in ("[provider]", "[pod-identity-deprecated]", "[object-field]"):
        assert rule in result.stdout, rule
    assert 'provider "azurekeyvault" is not "azure"' in result.stdout
    assert 'objectType "secrets" is not valid' in result.stdout
    assert result.stdout.count("fix:") >= 3


def test_json_output_for_ci():
    result = run_provider("lint", "--output", "json", os.path.join(FIXTURES, "three-mistakes.yaml"))
    assert result.returncode == 1
    report = json.loads(result.stdout)
    rules = {f["rule"] for f in report["findings"]}
    assert {"provider", "pod-identity-deprecated", "object-field"} <= rules
    finding = report["findings"][0]
    assert {"file", "document", "path", "message", "fix", "severity"} <= set(finding)


def test_stdin_and_unreadable_input():
    with open(os.path.join(FIXTURES, "three-mistakes.yaml")) as f:
        text = f.read()
    piped = subprocess.run([provider_binary(), "lint", "-"], input=text, capture_output=True, text=True, timeout=30)
    assert piped.returncode == 1 and "<stdin>" in piped.stdout
    missing = run_provider("lint", "/nonexistent/class.yaml")
    assert missing.returncode == 2 and "cannot read the file" in missing.stderr
    broken = subprocess.run([provider_binary(), "lint", "-"], input="a: [", capture_output=True, text=True, timeout=30)
    assert broken.returncode == 2 and "not valid YAML" in broken.stderr
