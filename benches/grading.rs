//! Throughput of the analyzer and of grading, on a synthetic corpus (see `corpus/mod.rs`).
//!
//! `cargo bench --bench grading` — results and how to read them are in benches/README.md.
//!
//! Groups (each reports bytes of essay text per second; essays/s = ESSAYS / time):
//! - `analyzer`: `thuhoach::text::analyze` over every essay;
//! - `grade_1_thread`: `Grader::grade_text` over every essay, one after another;
//! - `grade_2_threads`: the same on a 2-thread rayon pool, `par_iter` + `collect`.

mod corpus;

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use rayon::prelude::*;
use thuhoach::{Assessment, Grader};

/// Essays per iteration: ~2 MB of text, well under a second per iteration.
const ESSAYS: usize = 300;
/// Fixed seed: every run benches the same bytes.
const SEED: u64 = 0x7468_7568_6f61_6368;

fn grade_all(grader: &Grader, essays: &[(String, String)]) -> Vec<Assessment> {
    essays
        .iter()
        .map(|(name, text)| grader.grade_text(name, text))
        .collect()
}

/// Prints what the corpus is made of, so a change in the numbers can be told apart from a
/// change in the data.
fn describe(essays: &[(String, String)], grader: &Grader) {
    let bytes: usize = essays.iter().map(|(_, t)| t.len()).sum();
    let words: Vec<usize> = essays
        .iter()
        .map(|(_, t)| t.split_whitespace().count())
        .collect();
    let mut grades = BTreeMap::new();
    for row in grade_all(grader, essays) {
        *grades.entry(row.grade.unwrap_or_default()).or_insert(0) += 1;
    }
    eprintln!(
        "corpus: {} essays, {} bytes ({:.2} MB), {}–{} syllables (mean {}), grades {:?}",
        essays.len(),
        bytes,
        bytes as f64 / 1e6,
        words.iter().min().unwrap_or(&0),
        words.iter().max().unwrap_or(&0),
        words.iter().sum::<usize>() / words.len().max(1),
        grades
    );
}

/// With `THUHOACH_BENCH_DUMP=<dir>` set, writes the corpus there as .txt files (to read it,
/// or to run the CLI or a profiler on exactly the benchmarked bytes).
fn dump(essays: &[(String, String)]) {
    let Some(dir) = std::env::var_os("THUHOACH_BENCH_DUMP") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).expect("create dump folder");
    for (name, text) in essays {
        std::fs::write(dir.join(name), text).expect("write essay");
    }
    eprintln!("corpus written to {}", dir.display());
}

fn benches(c: &mut Criterion) {
    let essays = corpus::generate(ESSAYS, SEED);
    dump(&essays);
    let bytes: u64 = essays.iter().map(|(_, t)| t.len() as u64).sum();
    let grader = Grader::with_default_rubric().expect("built-in rubric compiles");
    describe(&essays, &grader);

    let mut g = c.benchmark_group("analyzer");
    g.throughput(Throughput::Bytes(bytes))
        .sampling_mode(SamplingMode::Flat);
    g.bench_function("corpus", |b| {
        b.iter(|| {
            essays
                .iter()
                .map(|(_, text)| thuhoach::text::analyze(black_box(text)).tokens.len())
                .sum::<usize>()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("grade_1_thread");
    g.throughput(Throughput::Bytes(bytes))
        .sampling_mode(SamplingMode::Flat);
    g.bench_function("corpus", |b| {
        b.iter(|| grade_all(&grader, black_box(&essays)))
    });
    g.finish();

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .expect("2-thread pool");
    let mut g = c.benchmark_group("grade_2_threads");
    g.throughput(Throughput::Bytes(bytes))
        .sampling_mode(SamplingMode::Flat);
    g.bench_function("corpus", |b| {
        b.iter(|| {
            pool.install(|| {
                black_box(&essays)
                    .par_iter()
                    .map(|(name, text)| grader.grade_text(name, text))
                    .collect::<Vec<Assessment>>()
            })
        })
    });
    g.finish();
}

criterion_group! {
    name = grading;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(8));
    targets = benches
}
criterion_main!(grading);
