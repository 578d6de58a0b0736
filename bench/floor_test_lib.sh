# Shared by the floor readers' tests (floor_reader_test.sh,
# formats_floor_test.sh; sourced): the binary under test, a scratch folder
# removed on exit, and the output helpers.
set -euo pipefail
FLOOR="$1"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# field OUT NAME: the value after NAME in the floor's output line.
field() { awk -v k="$2" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }' <<<"$1"; }
