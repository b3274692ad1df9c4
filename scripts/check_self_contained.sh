#!/usr/bin/env bash
# Fails when a tracked file points outside the repository (at the shared folder beside it, or at
# a "spec" section instead of docs/), or cites a docs/ file that does not exist, or a section
# (`docs/aws/iot-core.md §3.4`, also `§5.1, §5.2` and `§5.1–5.2`) that is not a numbered heading
# of that file. Links between docs/ files (`[data-plane.md](data-plane.md) §1.2`) are checked the
# same way. A few git grep calls and one python3 pass.
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root"
dir=shared section='§'  # spelled apart, so that this file does not match its own pattern
outside="\.\./$dir|/work/$dir|$dir/(spec|seeds|notes)|spec $section"
bad=0

if git grep -nE "$outside"; then
  echo "  ^ the repository must explain itself: cite docs/ (see docs/README.md)" >&2
  bad=1
fi

{ git grep -nP '(?<![\w./-])docs/' || true
  git grep -nP '\]\([\w./-]+\.md\)' -- 'docs/*.md' || true
} | python3 -c '
import os, re, sys

number = r"\d+(?:\.\d+)*"
sections = rf"(?:\s*§({number})((?:\s*(?:[–-]\s*{number}|,\s*(?:(?://+|#)\s*)?§{number}))*))?"
cited = re.compile(r"(?<![\w./-])(docs/[\w./-]*[\w/])" + sections)
linked = re.compile(r"\]\(([\w./-]+\.md)\)" + sections)
heading = re.compile(rf"^#+\s+({number})\.?\s", re.M)
headings = {}

def numbers_in(path):
    if path not in headings:
        with open(path, encoding="utf-8") as f:
            headings[path] = set(heading.findall(f.read()))
    return headings[path]

bad = False
seen = set()
for line in sys.stdin:
    where, _, text = line.rstrip("\n").partition(":")
    lineno, _, text = text.partition(":")
    patterns = [(cited, "")]
    if where.startswith("docs/"):
        patterns.append((linked, os.path.dirname(where)))
    for pattern, base in patterns:
        for m in pattern.finditer(text):
            path = os.path.normpath(os.path.join(base, m.group(1)))
            key = (where, lineno, path, m.group(0))
            if key in seen:
                continue
            seen.add(key)
            if not os.path.exists(path):
                print(f"{where}:{lineno}: cites {path}, which does not exist", file=sys.stderr)
                bad = True
                continue
            wanted = ([m.group(2)] if m.group(2) else []) + re.findall(number, m.group(3) or "")
            if wanted and not path.endswith(".md"):
                print(f"{where}:{lineno}: cites a section of {path}, not a document", file=sys.stderr)
                bad = True
                continue
            for section in wanted:
                if section not in numbers_in(path):
                    print(f"{where}:{lineno}: {path} has no section §{section}", file=sys.stderr)
                    bad = True
sys.exit(1 if bad else 0)
' || bad=1
exit $bad
