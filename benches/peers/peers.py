"""Times pyvi and underthesea on the benchmark corpus and compares them with thuhoach's analyzer.

Run by run.sh, which dumps the corpus and measures thuhoach first. Each peer gets every essay,
one non-empty line (paragraph) at a time, the usual way to call them; one warm-up essay is
tokenized first so that loading the model is not timed. Throughput is in MB (10^6 bytes) of the
corpus files per second of wall-clock time, the same bytes for every engine.
"""

import argparse
import json
import os
import platform
import time
from importlib.metadata import version
from pathlib import Path


def load(corpus: Path):
    files = sorted(corpus.glob("*.txt"))
    if not files:
        raise SystemExit(f"no .txt files in {corpus}")
    texts = [f.read_text(encoding="utf-8") for f in files]
    return texts, sum(f.stat().st_size for f in files)


def engines():
    """(name, version, tokenize(line) -> number of tokens)."""

    def pyvi_tokens(line):
        from pyvi import ViTokenizer

        return len(ViTokenizer.tokenize(line).split())

    def underthesea_tokens(line):
        from underthesea import word_tokenize

        return len(word_tokenize(line))

    return [
        ("pyvi", version("pyvi"), pyvi_tokens, "ViTokenizer.tokenize"),
        ("underthesea", version("underthesea"), underthesea_tokens, "word_tokenize"),
    ]


def run(tokenize, texts):
    for line in texts[0].splitlines():  # warm-up: imports and model loading
        if line.strip():
            tokenize(line)
    tokens = 0
    wall = time.perf_counter()
    cpu = time.process_time()
    for text in texts:
        for line in text.splitlines():
            if line.strip():
                tokens += tokenize(line)
    return time.perf_counter() - wall, time.process_time() - cpu, tokens


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", type=Path, required=True, help="folder of .txt essays")
    ap.add_argument("--thuhoach", type=Path, required=True, help="criterion estimates.json")
    ap.add_argument("--only", choices=["pyvi", "underthesea"])
    args = ap.parse_args()

    texts, size = load(args.corpus)
    mb = size / 1e6
    syllables = sum(len(t.split()) for t in texts)
    print(
        f"text: {len(texts)} essays, {size} bytes ({mb:.2f} MB), {syllables} whitespace-separated "
        f"syllables; Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.2f}"
    )

    est = json.loads(args.thuhoach.read_text())
    t_secs = est["median"]["point_estimate"] / 1e9
    lo = est["median"]["confidence_interval"]["lower_bound"] / 1e9
    hi = est["median"]["confidence_interval"]["upper_bound"] / 1e9
    rows = [("thuhoach analyzer", "text::analyze", t_secs, t_secs, None)]
    print(
        f"thuhoach text::analyze: median {t_secs * 1e3:.1f} ms per pass "
        f"(95% CI {lo * 1e3:.1f}-{hi * 1e3:.1f} ms)"
    )

    for name, ver, tokenize, call in engines():
        if args.only and name != args.only:
            continue
        print(f"{name} {ver} {call}: running ...", flush=True)
        wall, cpu, tokens = run(tokenize, texts)
        print(
            f"{name} {ver}: {wall:.2f} s wall, {cpu:.2f} s CPU, {tokens} tokens, "
            f"load average {os.getloadavg()[0]:.2f}",
            flush=True,
        )
        rows.append((f"{name} {ver}", call, wall, cpu, tokens))

    print()
    print("| engine | call | seconds / pass | MB/s | tokens/s | thuhoach analyzer is … × faster |")
    print("|---|---|---|---|---|---|")
    for name, call, wall, _cpu, tokens in rows:
        if tokens is None:
            per_s, ratio = "—", "(reference)"
        else:
            per_s, ratio = f"{tokens / wall:,.0f}", f"{wall / t_secs:,.0f}"
        print(f"| {name} | `{call}` | {wall:.3f} | {mb / wall:.3f} | {per_s} | {ratio} |")


if __name__ == "__main__":
    main()
