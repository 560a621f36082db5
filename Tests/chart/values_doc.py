"""The values table of the chart's README.md, generated from the `# --` comments of values.yaml.

`python values_doc.py --write` rewrites the table between the README's markers; the tests call
`expected_table()` and fail when the README differs, or when a value has no description.
"""
import json
import os
import re
import sys

import yaml

from chartlib import CHART_DIR

VALUES = os.path.join(CHART_DIR, "values.yaml")
README = os.path.join(CHART_DIR, "README.md")
START, END = "<!-- values-table:start -->", "<!-- values-table:end -->"
KEY_LINE = re.compile(r"^(?P<indent> *)(?P<key>[A-Za-z0-9_.-]+):(?:\s|$)")
DOC_LINE = re.compile(r"^ *# -- (?P<text>.+)$")


def documented_keys(text):
    """[(dotted key, description)] in file order: each key line directly preceded by a `# --` comment."""
    out, stack, pending = [], [], None
    for line in text.splitlines():
        doc = DOC_LINE.match(line)
        if doc:
            pending = doc.group("text").strip()
            continue
        m = KEY_LINE.match(line)
        if not m:
            if line.strip() and not line.lstrip().startswith("#"):
                pending = None  # a list item or a continuation: a description applies to the next key only
            continue
        indent = len(m.group("indent"))
        while stack and stack[-1][0] >= indent:
            stack.pop()
        stack.append((indent, m.group("key")))
        if pending is not None:
            out.append((".".join(k for _, k in stack), pending))
            pending = None
    return out


def lookup(values, dotted):
    node = values
    for part in dotted.split("."):
        node = node[part]
    return node


def leaves(values, prefix=""):
    """Dotted paths of every scalar, list or empty map in the values (what a user can set)."""
    for key, value in values.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            yield from leaves(value, path + ".")
        else:
            yield path


def expected_table():
    with open(VALUES) as f:
        text = f.read()
    values = yaml.safe_load(text)
    rows = ["| Key | Default | Description |", "|---|---|---|"]
    for key, description in documented_keys(text):
        default = json.dumps(lookup(values, key), separators=(",", ":"))
        rows.append(f"| `{key}` | `{default}` | {description.replace('|', '&#124;')} |")
    return "\n".join(rows) + "\n"


def undocumented_leaves():
    """Settable values that neither they nor a parent map carry a `# --` description."""
    with open(VALUES) as f:
        text = f.read()
    documented = {k for k, _ in documented_keys(text)}
    return [leaf for leaf in leaves(yaml.safe_load(text))
            if not any(leaf == d or leaf.startswith(d + ".") for d in documented)]


def readme_table():
    with open(README) as f:
        text = f.read()
    if START not in text or END not in text:
        raise AssertionError(f"{README} lacks the markers {START} / {END}")
    return text.split(START, 1)[1].split(END, 1)[0].lstrip("\n")


def write():
    with open(README) as f:
        text = f.read()
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    with open(README, "w") as f:
        f.write(f"{head}{START}\n{expected_table()}{END}{tail}")


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: values_doc.py --write")
    write()
    print(f"rewrote the values table of {README}")
