//! Near-duplicate detection at scale (issue 4): `thuhoach::originality::find_duplicates` on
//! the bench corpus with planted copies.
//!
//! Two modes:
//! - `cargo bench --bench originality` — a criterion group, `dupes_2000`: find_duplicates on
//!   2,000 essays (about 100 of them planted copies) on a 2-thread pool.
//! - `THUHOACH_DUPES_N=100000 cargo bench --bench originality` — the scale run: generates N
//!   essays, runs find_duplicates once on a 2-thread pool, and prints wall time, recall of the
//!   planted pairs and false pairs per 10,000 essays. Run it under `/usr/bin/time -v` for the
//!   peak memory (see benches/README.md, "Originality (issue 4)"). With
//!   `THUHOACH_DUPES_DEBUG=1` it also prints up to 20 missed planted pairs with their
//!   similarity (or that they were not a candidate) and how the planted pairs' similarities
//!   are spread.
//!
//! The batch is `corpus::generate_with(n, SEED, &Mix::default())` (see `benches/corpus`): the
//! essays of the grading bench's generator with sentences of the writer's own in part I, and
//! planted near-duplicates (5 % of the essays are copies of an earlier essay, one copy in five
//! a second copy of the same source; new header, two body paragraphs swapped, 10–20 % of the
//! body's sentences edited, one copy in four without diacritics), essays mostly copied from
//! the resolution (2 %) and essays quoting one or two of its sentences (5 %). The ground truth
//! is `corpus::plan`.
//!
//! Scoring: a *planted pair* is two essays of one group (a source and its copies); *recall*
//! is planted pairs reported / planted pairs. A reported pair of two essays mostly copied from
//! the resolution is counted apart (they do share most of their text: the same official
//! sentences); any other reported pair is a *false pair*.

mod corpus;

use std::collections::HashMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use corpus::{Mix, Planted};
use criterion::{criterion_group, Criterion, SamplingMode};
use thuhoach::originality::{find_duplicates, DuplicateReport};

const SEED: u64 = 0x6475_7065_735f_3034;

/// `n` essays with what each one is, and the planted group of each (the index of the source,
/// for a source and its copies; `None` for an essay in no group).
struct Batch {
    docs: Vec<(String, String)>,
    plan: Vec<Planted>,
    group: Vec<Option<usize>>,
    planted_pairs: usize,
}

fn generate(n: usize, seed: u64) -> Batch {
    let mix = Mix::default();
    let plan = corpus::plan(n, seed, &mix);
    let group = corpus::copy_groups(&plan);
    let planted_pairs = corpus::planted_pairs(&group);
    Batch {
        docs: corpus::generate_with(n, seed, &mix),
        plan,
        group,
        planted_pairs,
    }
}

struct Score {
    found_planted: usize,
    /// Reported pairs of two essays that are both mostly copied from the resolution.
    resolution_pairs: usize,
    false_pairs: usize,
}

fn score(batch: &Batch, report: &DuplicateReport) -> Score {
    let index: HashMap<&str, usize> = batch
        .docs
        .iter()
        .enumerate()
        .map(|(i, (name, _))| (name.as_str(), i))
        .collect();
    let (mut found_planted, mut resolution_pairs, mut false_pairs) = (0, 0, 0);
    for pair in report.clusters.iter().flat_map(|c| &c.pairs) {
        let (a, b) = (index[pair.a.as_str()], index[pair.b.as_str()]);
        match (batch.group[a], batch.group[b]) {
            (Some(x), Some(y)) if x == y => found_planted += 1,
            _ if batch.plan[a] == Planted::ResolutionCopy
                && batch.plan[b] == Planted::ResolutionCopy =>
            {
                resolution_pairs += 1
            }
            _ => {
                false_pairs += 1;
                if false_pairs <= 5 {
                    eprintln!(
                        "false pair: {} ~ {} similarity {} ({:?})",
                        pair.a,
                        pair.b,
                        pair.similarity,
                        pair.passages.first()
                    );
                }
            }
        }
    }
    if std::env::var_os("THUHOACH_DUPES_DEBUG").is_some() {
        explain_misses(batch, report);
    }
    Score {
        found_planted,
        resolution_pairs,
        false_pairs,
    }
}

/// Prints why planted pairs were missed: runs find_duplicates again with a threshold of 0.01,
/// which reports every candidate pair that shares anything, and prints for up to 20 missed
/// pairs their similarity, or that LSH did not make them a candidate; then how the
/// similarities of all planted pairs are spread.
fn explain_misses(batch: &Batch, report: &DuplicateReport) {
    let found: std::collections::HashSet<(&str, &str)> = report
        .clusters
        .iter()
        .flat_map(|c| &c.pairs)
        .map(|p| (p.a.as_str(), p.b.as_str()))
        .collect();
    let docs: Vec<(String, &str)> = batch
        .docs
        .iter()
        .map(|(name, text)| (name.clone(), text.as_str()))
        .collect();
    let all = pool().install(|| find_duplicates(&docs, 0.01));
    let similarity: HashMap<(&str, &str), f64> = all
        .clusters
        .iter()
        .flat_map(|c| &c.pairs)
        .map(|p| ((p.a.as_str(), p.b.as_str()), p.similarity))
        .collect();
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, g) in batch.group.iter().enumerate() {
        if let Some(g) = g {
            groups.entry(*g).or_default().push(i);
        }
    }
    let (mut shown, mut deciles) = (0, [0usize; 11]);
    for members in groups.values() {
        for (x, &i) in members.iter().enumerate() {
            for &j in &members[x + 1..] {
                // Pairs are named in input order.
                let key = (batch.docs[i].0.as_str(), batch.docs[j].0.as_str());
                let s = similarity.get(&key).copied();
                deciles[s.map_or(0, |s| (s * 10.0) as usize)] += 1;
                if found.contains(&key) || shown >= 20 {
                    continue;
                }
                shown += 1;
                match s {
                    Some(s) => eprintln!("missed: {} ~ {}: similarity {s:.3}", key.0, key.1),
                    None => eprintln!("missed: {} ~ {}: not a candidate", key.0, key.1),
                }
            }
        }
    }
    eprintln!("planted pairs by similarity (tenths; not a candidate counts as 0): {deciles:?}");
}

fn pool() -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .expect("thread pool")
}

/// CPU seconds (user + system) this process has used so far, from /proc (Linux); `None`
/// elsewhere. With the wall time it shows whether the run had its two cores to itself.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// The scale run: prints one line of numbers per phase and a summary.
fn scale(n: usize) {
    let t0 = Instant::now();
    let batch = generate(n, SEED);
    let bytes: usize = batch.docs.iter().map(|(_, t)| t.len()).sum();
    let generated = t0.elapsed();
    let count = |f: fn(&Planted) -> bool| batch.plan.iter().filter(|p| f(p)).count();
    eprintln!(
        "generated {} essays ({:.1} MB; {} planted copies, {} planted pairs; {} mostly copied \
         from the resolution, {} quoting it) in {:.1} s",
        n,
        bytes as f64 / 1e6,
        count(|p| matches!(p, Planted::Copy { .. })),
        batch.planted_pairs,
        count(|p| *p == Planted::ResolutionCopy),
        count(|p| *p == Planted::ResolutionQuote),
        generated.as_secs_f64()
    );
    let docs: Vec<(String, &str)> = batch
        .docs
        .iter()
        .map(|(name, text)| (name.clone(), text.as_str()))
        .collect();
    let cpu0 = cpu_seconds();
    let t1 = Instant::now();
    let report = pool().install(|| find_duplicates(&docs, 0.5));
    let took = t1.elapsed();
    if let (Some(a), Some(b)) = (cpu0, cpu_seconds()) {
        eprintln!(
            "find_duplicates used {:.1} CPU s in {:.1} s wall ({:.2} cores)",
            b - a,
            took.as_secs_f64(),
            (b - a) / took.as_secs_f64()
        );
    }
    let s = score(&batch, &report);
    let pairs: usize = report.clusters.iter().map(|c| c.pairs.len()).sum();
    println!(
        "dupes n={} threads=2: find_duplicates {:.1} s ({:.0} essays/s), {} clusters, {} pairs; \
         recall {}/{} = {:.4}; false pairs {} = {:.2} per 10,000 essays; pairs of two \
         resolution copies {}; generation {:.1} s",
        n,
        took.as_secs_f64(),
        n as f64 / took.as_secs_f64(),
        report.clusters.len(),
        pairs,
        s.found_planted,
        batch.planted_pairs,
        s.found_planted as f64 / batch.planted_pairs.max(1) as f64,
        s.false_pairs,
        s.false_pairs as f64 * 10_000.0 / n as f64,
        s.resolution_pairs,
        generated.as_secs_f64(),
    );
}

fn bench_dupes(c: &mut Criterion) {
    let batch = generate(2_000, SEED);
    let docs: Vec<(String, &str)> = batch
        .docs
        .iter()
        .map(|(name, text)| (name.clone(), text.as_str()))
        .collect();
    let pool = pool();
    let report = pool.install(|| find_duplicates(&docs, 0.5));
    let s = score(&batch, &report);
    eprintln!(
        "dupes_2000: recall {}/{}, false pairs {}, pairs of two resolution copies {}",
        s.found_planted, batch.planted_pairs, s.false_pairs, s.resolution_pairs
    );
    let mut group = c.benchmark_group("dupes_2000");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(8));
    group.bench_function("find_duplicates_2_threads", |b| {
        b.iter(|| pool.install(|| black_box(find_duplicates(black_box(&docs), 0.5))))
    });
    group.finish();
}

criterion_group!(benches, bench_dupes);

fn main() {
    if let Some(n) = std::env::var("THUHOACH_DUPES_N")
        .ok()
        .and_then(|v| v.replace('_', "").parse::<usize>().ok())
    {
        scale(n);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
