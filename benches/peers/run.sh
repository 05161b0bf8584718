#!/usr/bin/env bash
# Peer comparison (issue 7): the same Vietnamese text through pyvi's ViTokenizer, underthesea's
# word_tokenize and thuhoach's analyzer, in one run; prints the throughput of each and the ratios.
#
#   benches/peers/run.sh            # from anywhere; ~1 min once installed and built
#
# The text is the benchmark corpus: the 300 essays of `corpus::generate(300, SEED)`, 2.33 MB,
# written to a folder by the `grading` bench (THUHOACH_BENCH_DUMP). The same bench process then
# times `thuhoach::text::analyze` over exactly those bytes (criterion group `analyzer`, median of
# 10 samples); peers.py then times pyvi and underthesea over the same files, line by line.
#
# Environment:
#   PEERS_VENV   virtualenv to use or create (default: benches/peers/.venv, gitignored)
#   PEERS_WORK   scratch folder (default: a new /tmp/thuhoach-peers.XXXXXX, removed at the end
#                unless PEERS_KEEP=1)
#   PEERS_ONLY   "pyvi" or "underthesea" to run one peer only
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
venv=${PEERS_VENV:-$here/.venv}
work=${PEERS_WORK:-$(mktemp -d /tmp/thuhoach-peers.XXXXXX)}
if [[ -z ${PEERS_WORK:-} && ${PEERS_KEEP:-0} != 1 ]]; then
    trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"

# 1. Peers from PyPI, pinned to the versions measured in benches/README.md. Their models ship in
#    the wheels: nothing is downloaded at run time.
if ! "$venv/bin/python" -c 'import pyvi, underthesea' 2>/dev/null; then
    echo "== installing pyvi and underthesea into $venv" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet 'pyvi==0.1.1' 'underthesea==9.5.0'
fi

# 2. The bench executable (release profile), without running it.
echo "== building the grading bench" >&2
bench=$(cd "$root" && cargo bench --bench grading --no-run --message-format=json 2>/dev/null |
    python3 -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["target"]["name"] == "grading":
        print(m["executable"])')
[[ -x $bench ]] || { echo "no bench executable (cargo bench --bench grading --no-run)" >&2; exit 1; }

echo "== $(date -u '+%F %T UTC'), commit $(git -C "$root" rev-parse --short HEAD), load average $(cut -d' ' -f1-3 /proc/loadavg)"

# 3. Dump the corpus and time thuhoach's analyzer on it, in the same process. CRITERION_HOME keeps
#    this run's estimates apart from anyone else's target/criterion.
echo "== thuhoach analyzer (criterion group analyzer)" >&2
(cd "$root" && THUHOACH_BENCH_DUMP="$work/corpus" CRITERION_HOME="$work/criterion" \
    "$bench" --bench '^analyzer/corpus$') 2>&1 | tee "$work/analyzer.log" | grep -E '^corpus|time:|thrpt:' >&2

# 4. The peers on the same files, then the table.
"$venv/bin/python" "$here/peers.py" \
    --corpus "$work/corpus" \
    --thuhoach "$work/criterion/analyzer/corpus/new/estimates.json" \
    ${PEERS_ONLY:+--only "$PEERS_ONLY"}
echo "== done, load average $(cut -d' ' -f1-3 /proc/loadavg)"
