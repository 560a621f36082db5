"""Writes (--write) or checks (--check) deploy/provider-azure-installer.yaml, rendered from the chart."""
import sys

from chartlib import STATIC_MANIFEST, load_chart, static_manifest_text


def main(argv):
    if argv not in (["--write"], ["--check"]):
        sys.exit("usage: render_manifest.py --write|--check")
    with load_chart() as chart:
        text = static_manifest_text(chart)
    if argv == ["--write"]:
        with open(STATIC_MANIFEST, "w") as f:
            f.write(text)
        print(f"wrote {STATIC_MANIFEST}")
        return
    with open(STATIC_MANIFEST) as f:
        if f.read() != text:
            sys.exit(f"{STATIC_MANIFEST} is stale: run `make chart-manifest`")
    print(f"{STATIC_MANIFEST} is current")


if __name__ == "__main__":
    main(sys.argv[1:])
