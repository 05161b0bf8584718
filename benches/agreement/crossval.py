#!/usr/bin/env python3
"""Cross-validated agreement of thuhoach grades with committee labels.

Thresholds (the score at which Tốt, Khá, Trung bình start) are fitted on one labeled set and
measured on another, never on the essays they were fitted on. Rules of the rubric (caps) are
kept: each row's `ceiling` says the highest level the rules allow.

Usage:
  python3 benches/agreement/crossval.py A.jsonl A_labels.csv B.jsonl B_labels.csv [C.jsonl C_labels.csv]
    fits on each set, measures on the others; with three sets also leave-one-set-out and
    5-fold cross-validation over all essays together.
"""
import csv, json, random, sys

ORDER = ["poor", "average", "fair", "good"]  # index = ordinal, higher is better
LEVELS = ["good", "fair", "average", "poor"]  # rubric order


def load(results, labels):
    lab = {}
    with open(labels, encoding="utf-8") as f:
        for r in csv.DictReader(f):
            lab[r["file"].split("/")[-1]] = r["grade"].strip()
    rows = []
    with open(results, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            r = json.loads(line)
            name = r["file"].split("/")[-1]
            if name in lab and r.get("score") is not None:
                rows.append((name, r["score"], r.get("ceiling"), lab[name]))
    return rows


def grade(score, ceiling, th):
    """th = (good, fair, average) minimum scores."""
    lvl = 3
    for i, t in enumerate(th):
        if score >= t:
            lvl = i
            break
    if ceiling is not None:
        lvl = max(lvl, LEVELS.index(ceiling))
    return LEVELS[lvl]


def qwk(pairs, k=4):
    O = [[0] * k for _ in range(k)]
    for a, b in pairs:
        O[a][b] += 1
    n = len(pairs)
    ra = [sum(O[i]) for i in range(k)]
    rb = [sum(O[i][j] for i in range(k)) for j in range(k)]
    num = den = 0.0
    for i in range(k):
        for j in range(k):
            w = (i - j) ** 2 / (k - 1) ** 2
            num += w * O[i][j]
            den += w * ra[i] * rb[j] / n
    return 1.0 - num / den if den else 1.0


def measure(rows, th):
    pairs = [(ORDER.index(h), ORDER.index(grade(s, c, th))) for _, s, c, h in rows]
    n = len(pairs)
    exact = sum(a == b for a, b in pairs) / n
    adj = sum(abs(a - b) <= 1 for a, b in pairs) / n
    two = sum(abs(a - b) >= 2 for a, b in pairs)
    conf = [[0] * 4 for _ in range(4)]
    for a, b in pairs:
        conf[a][b] += 1
    return exact, adj, qwk(pairs), two, conf


def fit(rows):
    """Thresholds maximizing exact agreement, then QWK, then fewest essays two levels off.
    Many thresholds tie on a small sample; of those, the one nearest the middle of the tied
    region is taken (the widest margin either side), not the first found."""
    scores = sorted({s for _, s, _, _ in rows})
    cands = sorted({round((a + b) / 2, 2) for a, b in zip(scores, scores[1:])} | {0.0, 100.0})
    best_key, best = None, []
    for g in cands:
        for f in cands:
            if f >= g:
                break
            for a in cands:
                if a >= f:
                    break
                th = (g, f, a)
                e, _, q, two, _ = measure(rows, th)
                key = (e, q, -two)
                if best_key is None or key > best_key:
                    best_key, best = key, [th]
                elif key == best_key:
                    best.append(th)
    mid = tuple(sorted(t[i] for t in best)[len(best) // 2] for i in range(3))
    if mid in best:
        return mid
    return min(best, key=lambda t: sum((t[i] - mid[i]) ** 2 for i in range(3)))


def show(name, rows, th):
    e, adj, q, two, conf = measure(rows, th)
    print(f"  {name}: n={len(rows)} exact={e:.2f} adjacent={adj:.2f} qwk={q:.2f} two-off={two}")
    print("    confusion (rows human poor/average/fair/good, cols engine):", conf)
    return e, adj, q, two


def main(argv):
    sets = []
    for i in range(0, len(argv), 2):
        sets.append((argv[i], load(argv[i], argv[i + 1])))
    for i, (name, rows) in enumerate(sets):
        th = fit(rows)
        print(f"fitted on {name}: thresholds good/fair/average = {th}")
        for j, (other, orows) in enumerate(sets):
            if j != i:
                show(f"measured on {other}", orows, th)
    if len(sets) >= 2:
        print("leave one set out (fit on the others, measure on the one left out; pooled):")
        pooled = []
        for i, (name, rows) in enumerate(sets):
            train = [r for j, (_, rs) in enumerate(sets) if j != i for r in rs]
            th = fit(train)
            pooled += [(r, th) for r in rows]
            print(f"  held out {name}: thresholds {th}")
        pairs = [(ORDER.index(h), ORDER.index(grade(s, c, th))) for (_, s, c, h), th in pooled]
        n = len(pairs)
        conf = [[0] * 4 for _ in range(4)]
        for a, b in pairs:
            conf[a][b] += 1
        print(f"  pooled n={n} exact={sum(a==b for a,b in pairs)/n:.2f} adjacent={sum(abs(a-b)<=1 for a,b in pairs)/n:.2f} qwk={qwk(pairs):.2f} two-off={sum(abs(a-b)>=2 for a,b in pairs)}")
        print("    confusion:", conf)
        allrows = [r for _, rs in sets for r in rs]
        random.seed(13)
        idx = list(range(len(allrows)))
        random.shuffle(idx)
        k = 5
        pairs = []
        for fold in range(k):
            test = [allrows[i] for n_, i in enumerate(idx) if n_ % k == fold]
            train = [allrows[i] for n_, i in enumerate(idx) if n_ % k != fold]
            th = fit(train)
            pairs += [(ORDER.index(h), ORDER.index(grade(s, c, th))) for _, s, c, h in test]
        n = len(pairs)
        conf = [[0] * 4 for _ in range(4)]
        for a, b in pairs:
            conf[a][b] += 1
        print(f"5-fold over all {n}: exact={sum(a==b for a,b in pairs)/n:.2f} adjacent={sum(abs(a-b)<=1 for a,b in pairs)/n:.2f} qwk={qwk(pairs):.2f} two-off={sum(abs(a-b)>=2 for a,b in pairs)}")
        print("    confusion:", conf)


if __name__ == "__main__":
    main(sys.argv[1:])
