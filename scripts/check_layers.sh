#!/usr/bin/env bash
# Fails when a header of a pure (sans-I/O) module includes Asio, Beast or nlohmann/json.hpp.
# Pure modules: everything under emulator/ and rules/ except the I/O shells listed below.
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root"
io_dirs='^(emulator/(asio|http_server|app|broker)|rules/lambda)/'
bad=0
while IFS= read -r header; do
  [[ $header =~ $io_dirs ]] && continue
  if grep -nE '#\s*include\s*[<"](boost/asio|boost/beast|nlohmann/json\.hpp)' "$header"; then
    echo "  ^ in $header: a pure module's header must not include Asio, Beast or json.hpp" >&2
    bad=1
  fi
done < <(find emulator rules -name '*.hpp' 2>/dev/null | sort)
exit $bad
