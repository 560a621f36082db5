"""`lint` as users run it: files and stdin, text and JSON output, exit codes 0/1/2.

The fixture lives in the e2e suite (fixtures/three-mistakes.yaml), so these tests do not depend on the
layout of the Swift test targets."""
import json
import os
import subprocess

from provider_process import REPO, provider_binary, run_provider

THREE_MISTAKES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "three-mistakes.yaml")
# One example per identity mode and one with every object field (README); more may be added.
EXAMPLES = {"all-object-fields.yaml", "identity-binding.yaml", "pod-identity.yaml", "service-principal.yaml",
            "workload-identity.yaml", "vm-managed-identity-system-assigned.yaml",
            "vm-managed-identity-user-assigned.yaml"}

PROVIDER_MESSAGE = ('provider "azurekeyvault" is not "azure": the driver looks for a socket named after the provider '
                    '(azurekeyvault.sock) and the mount fails')
POD_IDENTITY_MESSAGE = "usePodIdentity uses aad-pod-identity, which is deprecated and archived upstream"
POD_IDENTITY_FIX = ("move to workload identity: remove usePodIdentity, set clientID to the identity's client id and "
                    "federate it with the pod's service account")
OBJECT_TYPE_MESSAGE = ('objects[0] (objectName "app-secret"): objectType "secrets" is not valid, accepted values are '
                       'secret, key, cert (did you mean "secret"?)')


def expected_text_report(name):
    """The whole text report for the fixture read as `name`. The objectType finding points at the line of
    `objects: |` (12), not at the line inside the block (16)."""
    return (
        f"{name}:7: error: {PROVIDER_MESSAGE} [provider]\n"
        "    at spec.provider in SecretProviderClass/legacy-class (document 1)\n"
        "    fix: set spec.provider: azure\n"
        f"{name}:9: warning: {POD_IDENTITY_MESSAGE} [pod-identity-deprecated]\n"
        "    at spec.parameters.usePodIdentity in SecretProviderClass/legacy-class (document 1)\n"
        f"    fix: {POD_IDENTITY_FIX}\n"
        f"{name}:12: error: {OBJECT_TYPE_MESSAGE} [object-field]\n"
        "    at spec.parameters.objects[0].objectType in SecretProviderClass/legacy-class (document 1)\n"
        "    fix: use the singular form shown (secret, key or cert)\n"
        "3 problems (2 errors, 1 warning)\n")


def test_examples_are_clean():
    names = set(os.listdir(os.path.join(REPO, "examples")))
    assert EXAMPLES <= names, sorted(EXAMPLES - names)
    result = run_provider("lint", *sorted(os.path.join(REPO, "examples", n) for n in names if n.endswith(".yaml")))
    assert (result.returncode, result.stdout, result.stderr) == (0, "no problems found\n", "")


def test_the_three_classic_mistakes_are_each_reported_with_a_fix():
    result = run_provider("lint", THREE_MISTAKES)
    assert (result.returncode, result.stdout, result.stderr) == (1, expected_text_report(THREE_MISTAKES), "")


def test_json_output_for_ci():
    result = run_provider("lint", "--output", "json", THREE_MISTAKES)
    assert result.returncode == 1
    common = {"document": 1, "file": THREE_MISTAKES, "resource": "SecretProviderClass/legacy-class"}
    assert json.loads(result.stdout) == {"errors": 2, "warnings": 1, "findings": [
        dict(common, line=7, path="spec.provider", rule="provider", severity="error", message=PROVIDER_MESSAGE,
             fix="set spec.provider: azure"),
        dict(common, line=9, path="spec.parameters.usePodIdentity", rule="pod-identity-deprecated",
             severity="warning", message=POD_IDENTITY_MESSAGE, fix=POD_IDENTITY_FIX),
        dict(common, line=12, path="spec.parameters.objects[0].objectType", rule="object-field", severity="error",
             message=OBJECT_TYPE_MESSAGE, fix="use the singular form shown (secret, key or cert)"),
    ]}


def lint_stdin(text):
    return subprocess.run([provider_binary(), "lint", "-"], input=text, capture_output=True, text=True, timeout=30)


def test_stdin_and_unreadable_input():
    with open(THREE_MISTAKES) as f:
        piped = lint_stdin(f.read())
    assert (piped.returncode, piped.stdout) == (1, expected_text_report("<stdin>"))
    missing = run_provider("lint", "/nonexistent/class.yaml")
    assert (missing.returncode, missing.stdout, missing.stderr) == (
        2, "", "lint: /nonexistent/class.yaml: cannot read the file (missing or not readable)\n")
    broken = lint_stdin("a: [")
    assert (broken.returncode, broken.stdout, broken.stderr) == (
        2, "", "lint: <stdin>: not valid YAML: 2:1: error: parser: while parsing a flow node in line 2, column 1\n"
               "did not find expected node content:\na: [\n^\n")
