#!/usr/bin/env bash
# Fails when a tracked C++ file differs from what clang-format makes of it (.clang-format at the
# root), naming each file and line. Debian's clang-format (scripts/setup installs it); fix with
#   git ls-files '*.cpp' '*.hpp' | xargs clang-format -i
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root"
command -v clang-format >/dev/null || { echo "clang-format is missing: run scripts/setup" >&2; exit 1; }
git ls-files -z '*.cpp' '*.hpp' '*.cpp.in' | xargs -0 clang-format --dry-run -Werror
