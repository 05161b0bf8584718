//! Throughput of the analyzer and of grading, on a synthetic corpus (see `corpus/mod.rs`).
//!
//! `cargo bench --bench grading` — results and how to read them are in benches/README.md.
//!
//! Groups (each reports bytes of essay text per second; essays/s = ESSAYS / time):
//! - `analyzer`: `thuhoach::text::analyze` over every essay;
//! - `grade_1_thread`: `Grader::grade_text` over every essay, one after another;
//! - `grade_2_threads`: the same on a 2-thread rayon pool, `par_iter` + `collect`;
//! - `docx_ingest_1_thread` / `docx_ingest_2_threads`: `thuhoach::ingest::read_bytes(…, Docx)`
//!   over the same essays as .docx (`corpus::write_docx`), in memory; reports documents/s.
//!
//! Environment:
//! - `THUHOACH_BENCH_DUMP=<dir>` writes the corpus to `<dir>` (see [`dump`]);
//! - `THUHOACH_BENCH_DUMP_N=<n>` dumps `n` essays instead of the 300 benched ones, streaming,
//!   e.g. 100,000 for the scale test, with near-duplicates and resolution copies planted
//!   (`corpus::Mix::default()`; the file names say which essay is what);
//! - `THUHOACH_BENCH_DUMP_PLANT=on|off`: planting on or off whatever the count (default: on with
//!   `THUHOACH_BENCH_DUMP_N`, off without it, so that the default dump is exactly the 300 benched
//!   essays); with `off` the first 300 of any `n` are the benched ones;
//! - `THUHOACH_BENCH_DUMP_FORMAT=txt|docx|both` (default `txt`).

mod corpus;

/// The allocator of the `thuhoach` binary, so the bench times what the command line does.
#[cfg(feature = "cli")]
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use rayon::prelude::*;
use thuhoach::ingest::SourceFormat;
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

/// With `THUHOACH_BENCH_DUMP=<dir>` set, writes the corpus there (to read it, or to run the CLI
/// or a profiler on exactly the benchmarked bytes): by default the 300 benched essays as .txt;
/// `THUHOACH_BENCH_DUMP_N` and `THUHOACH_BENCH_DUMP_FORMAT` change how many and in which format,
/// `THUHOACH_BENCH_DUMP_PLANT` whether copies are planted (see the module docs).
fn dump() {
    let Some(dir) = std::env::var_os("THUHOACH_BENCH_DUMP") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    let count = std::env::var("THUHOACH_BENCH_DUMP_N").ok();
    let n = match &count {
        Some(v) => v
            .replace('_', "")
            .parse()
            .expect("THUHOACH_BENCH_DUMP_N: a number"),
        None => ESSAYS,
    };
    let plant = match std::env::var("THUHOACH_BENCH_DUMP_PLANT").as_deref() {
        Ok("on") => true,
        Ok("off") => false,
        Err(_) => count.is_some(),
        Ok(other) => panic!("THUHOACH_BENCH_DUMP_PLANT={other}: expected on or off"),
    };
    let mix = if plant {
        corpus::Mix::default()
    } else {
        corpus::Mix::none()
    };
    let format = match std::env::var("THUHOACH_BENCH_DUMP_FORMAT").as_deref() {
        Ok("txt") | Err(_) => corpus::DumpFormat::Txt,
        Ok("docx") => corpus::DumpFormat::Docx,
        Ok("both") => corpus::DumpFormat::Both,
        Ok(other) => panic!("THUHOACH_BENCH_DUMP_FORMAT={other}: expected txt, docx or both"),
    };
    let t = std::time::Instant::now();
    let d = corpus::dump(&dir, n, SEED, format, &mix).expect("write the corpus");
    eprintln!(
        "corpus written to {}: {} essays ({}), {} bytes of .txt, {} bytes of .docx, {:.1} s",
        dir.display(),
        d.essays,
        if plant {
            "with planted copies"
        } else {
            "as benched, nothing planted"
        },
        d.txt_bytes,
        d.docx_bytes,
        t.elapsed().as_secs_f64()
    );
}

/// The essays as .docx, built once (not timed); checks that reading them back gives the text.
fn docx_corpus(essays: &[(String, String)]) -> Vec<Vec<u8>> {
    let docs: Vec<Vec<u8>> = essays
        .par_iter()
        .map(|(_, text)| corpus::write_docx(text))
        .collect();
    let same = essays
        .iter()
        .zip(&docs)
        .filter(|((_, text), doc)| {
            thuhoach::ingest::read_bytes(doc, SourceFormat::Docx)
                .is_ok_and(|d| d.text == text.trim_end_matches('\n'))
        })
        .count();
    let bytes: usize = docs.iter().map(Vec::len).sum();
    eprintln!(
        "docx: {} files, {} bytes ({:.2} MB, mean {} bytes), read back exactly: {}/{}",
        docs.len(),
        bytes,
        bytes as f64 / 1e6,
        bytes / docs.len().max(1),
        same,
        docs.len()
    );
    docs
}

/// Reads every .docx; returns the total length of text (so nothing is optimized away).
fn ingest_all<'a>(docs: impl Iterator<Item = &'a Vec<u8>>) -> usize {
    docs.map(|doc| {
        thuhoach::ingest::read_bytes(black_box(doc), SourceFormat::Docx)
            .expect("generated .docx reads")
            .text
            .len()
    })
    .sum()
}

fn benches(c: &mut Criterion) {
    dump();
    let essays = corpus::generate(ESSAYS, SEED);
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

    let docs = docx_corpus(&essays);
    let mut g = c.benchmark_group("docx_ingest_1_thread");
    g.throughput(Throughput::Elements(docs.len() as u64))
        .sampling_mode(SamplingMode::Flat);
    g.bench_function("corpus", |b| b.iter(|| ingest_all(docs.iter())));
    g.finish();

    let mut g = c.benchmark_group("docx_ingest_2_threads");
    g.throughput(Throughput::Elements(docs.len() as u64))
        .sampling_mode(SamplingMode::Flat);
    g.bench_function("corpus", |b| {
        b.iter(|| {
            pool.install(|| {
                docs.par_iter()
                    .map(|doc| ingest_all(std::iter::once(doc)))
                    .sum::<usize>()
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
