#!/usr/bin/env bash
# Runs every test class of the given test projects on its own, to find a class that only passes after others ran.
# Usage: tests/run-classes-alone.sh [project...]  (default: Server.Tests and Components.Tests; build them with -c Release first)
set -uo pipefail
cd "$(dirname "$0")/.."
projects=("$@")
[ ${#projects[@]} -eq 0 ] && projects=(Dashboard.Server.Tests Dashboard.Components.Tests)
failed=0
for project in "${projects[@]}"; do
  for file in $(grep -rlE '\[(Fact|Theory)' --include='*.cs' "tests/$project" | grep -v '/obj/'); do
    namespace=$(sed -n 's/^namespace \(.*\);$/\1/p' "$file" | head -n 1)
    for class in $(grep -oE '(public|internal) (sealed |abstract )?(partial )?class [A-Za-z0-9_]+Tests\b' "$file" | awk '{print $NF}'); do
      if nice -n 19 dotnet test "tests/$project" -c Release --no-build -nologo --filter "FullyQualifiedName~$namespace.$class." > /tmp/alone-$class.log 2>&1; then
        echo "ok    $namespace.$class"
      else
        echo "FAIL  $namespace.$class (log: /tmp/alone-$class.log)"
        failed=$((failed + 1))
      fi
    done
  done
done
echo "classes failing alone: $failed"
[ "$failed" -eq 0 ]
