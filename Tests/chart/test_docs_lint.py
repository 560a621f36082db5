"""The manifests in the user guides and examples/ say what `lint` finds in them, and it does: each YAML
block after a `<!-- docs-lint: clean -->` or `<!-- docs-lint: rule rule ... -->` marker is linted with the
built binary (`make build`; PROVIDER_BINARY overrides), and a following `$ ... lint app.yaml` transcript
must match the binary's output line for line."""
import glob
import json
import os
import re
import subprocess

import pytest

from chartlib import ROOT

BINARY = os.environ.get("PROVIDER_BINARY") or os.path.join(ROOT, ".build", "debug", "secrets-store-csi-driver-provider-azure")
GUIDES = ["install-aks.md", "identity-modes.md", "using-secrets.md", "clouds-and-proxies.md",
          "operations.md", "troubleshooting.md", "migration.md"]
BLOCK = re.compile(r"<!-- docs-lint: (?P<expect>[^>]*?) -->\n```yaml\n(?P<yaml>.*?)```\n(?:\n```\n(?P<transcript>\$ [^\n]*lint app\.yaml\n.*?)```)?",
                   re.S)


def blocks():
    found = []
    for name in GUIDES:
        with open(os.path.join(ROOT, "docs", name)) as f:
            for i, m in enumerate(BLOCK.finditer(f.read())):
                found.append(pytest.param(m.group("expect").split(), m.group("yaml"), m.group("transcript"),
                                          id=f"{name}#{i}"))
    return found


def lint(tmp_path, text):
    assert os.access(BINARY, os.X_OK), f"{BINARY} is missing: run `make build` first (or set PROVIDER_BINARY)"
    (tmp_path / "app.yaml").write_text(text)
    as_json = subprocess.run([BINARY, "lint", "--output", "json", "app.yaml"], cwd=tmp_path,
                             capture_output=True, text=True, timeout=60)
    as_text = subprocess.run([BINARY, "lint", "app.yaml"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert as_json.returncode in (0, 1), as_json.stderr
    return json.loads(as_json.stdout), as_text.stdout, as_json.returncode


def test_guides_have_linted_blocks():
    found = blocks()
    assert len(found) >= 2 and any(p.values[2] for p in found), "a docs-lint marker or transcript was lost"


@pytest.mark.parametrize("expect,text,transcript", blocks())
def test_guide_manifest(tmp_path, expect, text, transcript):
    report, output, status = lint(tmp_path, text)
    rules = sorted({f["rule"] for f in report["findings"]})
    if expect == ["clean"]:
        assert (status, rules) == (0, []), output
    else:
        assert (status, rules) == (1, sorted(expect)), output
    if transcript:
        summaries = [line for line in output.splitlines() if line.startswith("app.yaml")]
        documented = [line for line in transcript.splitlines()[1:] if line.strip()]
        assert documented == summaries, output


@pytest.mark.parametrize("path", sorted(glob.glob(os.path.join(ROOT, "examples", "*.yaml"))), ids=os.path.basename)
def test_examples_are_clean(tmp_path, path):
    with open(path) as f:
        report, output, status = lint(tmp_path, f.read())
    assert (status, report["findings"]) == (0, []), output
