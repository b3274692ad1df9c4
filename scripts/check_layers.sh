#!/usr/bin/env bash
# Fails when a header of a pure (sans-I/O) module includes Asio, Beast or nlohmann/json.hpp, or
# one of its .cpp files includes Asio or Beast. Pure modules: everything under emulator/ and
# rules/ except the I/O shells listed below; io_files are single I/O files inside a pure module.
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root"
io_dirs='^(emulator/(asio|http_server|app|broker)|rules/lambda)/'
io_files='^rules/engine/http_post\.cpp$'  # the http action's client, behind a std-only header
bad=0
while IFS= read -r header; do
  [[ $header =~ $io_dirs ]] && continue
  if grep -nE '#\s*include\s*[<"](boost/asio|boost/beast|nlohmann/json\.hpp)' "$header"; then
    echo "  ^ in $header: a pure module's header must not include Asio, Beast or json.hpp" >&2
    bad=1
  fi
done < <(find emulator rules -name '*.hpp' 2>/dev/null | sort)
while IFS= read -r source; do
  [[ $source =~ $io_dirs || $source =~ $io_files ]] && continue
  if grep -nE '#\s*include\s*[<"](boost/asio|boost/beast)' "$source"; then
    echo "  ^ in $source: a pure module does no I/O; Asio and Beast belong in the I/O layers" >&2
    bad=1
  fi
done < <(find emulator rules -name '*.cpp' 2>/dev/null | sort)
exit $bad
