#!/usr/bin/env python3
"""Regenerates every measured table in docs/*.md from the command named beside it.

A table is the text between a marker line naming its command and an end marker:

    <!-- table: firmware/report.sh counts -->
    | shape | ... |
    <!-- end table -->

The command runs from the repository root; its standard output replaces the text
between the markers. So no figure in docs/ is typed by hand, and each says how it was
made.

    python3 tools/tables.py                    # every page
    python3 tools/tables.py docs/firmware.md   # one page
    python3 tools/tables.py --list             # the commands, run nothing
"""
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"(<!-- table: (?P<cmd>.+?) -->\n)(?P<body>.*?)(<!-- end table -->)", re.S)


def regenerate(page: pathlib.Path, run: bool) -> int:
    text = page.read_text()
    count = 0

    def replace(m: re.Match) -> str:
        nonlocal count
        count += 1
        cmd = m["cmd"]
        rel = page.relative_to(ROOT)
        if not run:
            print(f"{rel}: {cmd}")
            return m[0]
        print(f"{rel}: running {cmd}", file=sys.stderr)
        out = subprocess.run(cmd, shell=True, cwd=ROOT, check=True,
                             stdout=subprocess.PIPE, text=True).stdout
        return m[1] + out.rstrip("\n") + "\n" + m[4]

    new = BLOCK.sub(replace, text)
    if run and new != text:
        page.write_text(new)
    return count


def main() -> None:
    args = [a for a in sys.argv[1:] if a != "--list"]
    run = "--list" not in sys.argv[1:]
    pages = [ROOT / a for a in args] or sorted((ROOT / "docs").glob("*.md"))
    total = sum(regenerate(p, run) for p in pages)
    if total == 0:
        sys.exit("no <!-- table: ... --> blocks found")


if __name__ == "__main__":
    main()
