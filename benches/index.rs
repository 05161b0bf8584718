//! Search index bench (issue 3): indexing throughput with 2 writer threads, index size, and
//! search latency (p50/p99/max, and CPU time per query) for word, phrase and filtered queries.
//!
//! `cargo bench --bench index` (N = 2,000 essays, about a minute once built);
//! `THUHOACH_INDEX_N=100000 cargo bench --bench index` for the acceptance run. Results and how
//! to read them are in benches/README.md, section "Search index (issue 3)".
//!
//! Environment:
//! - `THUHOACH_INDEX_N`: essays to generate, grade and index (default 2,000);
//! - `THUHOACH_INDEX_QUERIES`: timed queries of each kind (default 300);
//! - `THUHOACH_INDEX_CHUNK`: essays generated and graded at a time (default 5,000);
//! - `THUHOACH_INDEX_DIR`: build the index in this folder and keep it (instead of a temp
//!   folder); if it already holds an index, skip phases 1 and 2 and only time searches (to
//!   profile search without re-indexing);
//! - `THUHOACH_INDEX_VERBOSE`: print the median time of every distinct query (default: the
//!   five slowest of each kind), on stderr.
//!
//! Three phases, so that indexing is timed alone:
//! 1. generate and grade, chunk by chunk (`corpus::generate` with one seed per chunk, grading on
//!    a 2-thread rayon pool); each chunk's texts are appended to a spill file in the temp
//!    folder and only a slim copy of each row is kept, so at most one chunk of text is in
//!    memory;
//! 2. index: stream the texts back from the spill file into `EssayWriter::add` (2 writer
//!    threads), then `commit` (which waits for merges). The writer indexes in background
//!    threads, so adding chunk k while grading chunk k+1 would mix the two costs; the spill
//!    keeps them apart. Reading the spill alone is timed first and reported;
//! 3. reopen the index and time `EssayIndex::search` (limit 20, snippets included) for each
//!    query kind, after one untimed pass over the distinct queries.

mod corpus;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use thuhoach::index::{EssayIndex, SearchOptions};
use thuhoach::{Assessment, Grader};

/// Fixed seed: every run indexes the same bytes (chunk k uses the k-th draw from it).
const SEED: u64 = 0x7468_7568_6f61_6368;
const WRITER_THREADS: usize = 2;
/// Results per search, as in the CLI (`--limit` 20).
const LIMIT: usize = 20;

fn env_usize(name: &str, default: usize) -> usize {
    match std::env::var(name) {
        Ok(v) => v
            .replace(['_', ','], "")
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a whole number, got {v:?}")),
        Err(_) => default,
    }
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

/// CPU time (user + system) used so far by all threads of this process, in seconds: on a
/// busy machine, MB per CPU-second tells what the code costs whatever the other load.
fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses): utime and stime are 14 and 15.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<f64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0.0))
        .collect();
    let ticks = 100.0; // USER_HZ on Linux
    f.get(11)
        .zip(f.get(12))
        .map_or(0.0, |(u, s)| (u + s) / ticks)
}

/// Peak resident memory so far (Linux `VmHWM`), and the current split into anonymous memory
/// and file pages (the index is memory-mapped, so its pages count as resident too).
fn peak_rss() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map_or("?".to_string(), |v| v.trim().to_string())
    };
    format!(
        "{} (now: anonymous {}, file-backed {})",
        field("VmHWM:"),
        field("RssAnon:"),
        field("RssFile:")
    )
}

/// The fields `EssayWriter::add` reads; the rest (criteria, themes, evidence) is dropped so
/// 100,000 rows stay small.
fn slim(row: Assessment) -> Assessment {
    Assessment {
        criteria: Vec::new(),
        themes: Vec::new(),
        parts: Vec::new(),
        caps: Vec::new(),
        signals: None,
        ..row
    }
}

struct Generated {
    rows: Vec<Assessment>,
    bytes: u64,
    gen_time: Duration,
    grade_time: Duration,
    grade_cpu: f64,
    grades: BTreeMap<String, usize>,
}

/// Phase 1: generate and grade chunk by chunk, texts to `spill`, slim rows kept.
fn generate_and_grade(n: usize, chunk: usize, grader: &Grader, spill: &Path) -> Generated {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .expect("2-thread pool");
    let mut out = BufWriter::new(File::create(spill).expect("create spill file"));
    let mut seeds = corpus::Rng::new(SEED);
    let mut g = Generated {
        rows: Vec::with_capacity(n),
        bytes: 0,
        gen_time: Duration::ZERO,
        grade_time: Duration::ZERO,
        grade_cpu: 0.0,
        grades: BTreeMap::new(),
    };
    let mut k = 0;
    while g.rows.len() < n {
        let size = chunk.min(n - g.rows.len());
        let t = Instant::now();
        let essays: Vec<(String, String)> = corpus::generate(size, seeds.next_u64())
            .into_iter()
            // Names restart at 0000 in every chunk; the chunk number keeps them unique (the
            // index replaces an essay with the same file name).
            .map(|(name, text)| (format!("c{k:03}/{name}"), text))
            .collect();
        g.gen_time += t.elapsed();

        let t = Instant::now();
        let cpu = cpu_secs();
        let rows: Vec<Assessment> = pool.install(|| {
            essays
                .par_iter()
                .map(|(name, text)| slim(grader.grade_text(name, text)))
                .collect()
        });
        g.grade_time += t.elapsed();
        g.grade_cpu += cpu_secs() - cpu;

        for ((_, text), row) in essays.iter().zip(rows) {
            out.write_all(&(text.len() as u32).to_le_bytes())
                .and_then(|_| out.write_all(text.as_bytes()))
                .expect("write spill file");
            g.bytes += text.len() as u64;
            *g.grades
                .entry(row.grade.clone().unwrap_or_default())
                .or_insert(0) += 1;
            g.rows.push(row);
        }
        k += 1;
        if k % 4 == 0 || g.rows.len() == n {
            eprintln!(
                "  generated and graded {} / {n} (load {})",
                g.rows.len(),
                loadavg()
            );
        }
    }
    out.flush().expect("flush spill file");
    g
}

/// Reads the spill file, calling `each(i, text)` for every essay in order.
fn read_spill(spill: &Path, mut each: impl FnMut(usize, &str)) {
    let mut r = BufReader::with_capacity(1 << 20, File::open(spill).expect("open spill file"));
    let mut len = [0u8; 4];
    let mut buf = Vec::new();
    let mut i = 0;
    loop {
        match r.read_exact(&mut len) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(e) => panic!("read spill file: {e}"),
        }
        buf.resize(u32::from_le_bytes(len) as usize, 0);
        r.read_exact(&mut buf).expect("read spill file");
        each(i, std::str::from_utf8(&buf).expect("spill is UTF-8"));
        i += 1;
    }
}

/// Total size of the files under `dir`, and how many segments (`.idx` files) it has.
fn disk_usage(dir: &Path) -> (u64, usize, usize) {
    let (mut bytes, mut files, mut segments) = (0, 0, 0);
    for e in std::fs::read_dir(dir).expect("read index folder") {
        let e = e.expect("index folder entry");
        let meta = e.metadata().expect("index file metadata");
        if meta.is_dir() {
            let (b, f, s) = disk_usage(&e.path());
            bytes += b;
            files += f;
            segments += s;
        } else {
            bytes += meta.len();
            files += 1;
            if e.path().extension().is_some_and(|x| x == "idx") {
                segments += 1;
            }
        }
    }
    (bytes, files, segments)
}

/// One timed query.
struct Query {
    text: String,
    opts: SearchOptions,
    label: String,
}

fn plain(text: &str) -> Query {
    Query {
        text: text.to_string(),
        opts: SearchOptions {
            limit: LIMIT,
            ..SearchOptions::default()
        },
        label: text.to_string(),
    }
}

/// Word queries: one syllable or two unquoted words, with and without diacritics.
fn word_queries() -> Vec<Query> {
    [
        "đảng",
        "dang",
        "Đảng",
        "nghị",
        "quyết",
        "số",
        "so",
        "thể",
        "chế",
        "tham",
        "nhũng",
        "nhung",
        "khát",
        "vọng",
        "khat vong",
        "hạ tầng",
        "ha tang",
        "nghi quyet",
        "nghị quyết",
        "NGHỊ QUYẾT",
        "chuyển đổi",
        "chuyen doi",
        "đột phá",
        "dot pha",
        "cam kết",
        "cam ket",
        "đề nghị",
        "kinh phí",
        "kinh phi",
        "hộ nghèo",
        "ho ngheo",
        "biến đổi",
        "khí hậu",
        "khi hau",
        "phòng chống",
        "quốc phòng",
        "quoc phong",
        "dân chủ",
        "dan chu",
        "thu nhập",
        "lợi nhuận",
        "ngoại ngữ",
        "ngoai ngu",
        "hòa bình",
        "hoà bình",
        "thuỷ",
        "uy ban",
        "Ủy ban",
        "sinh viên",
        "y tế",
    ]
    .into_iter()
    .map(plain)
    .collect()
}

const PHRASES: &[&str] = &[
    "\"chuyển đổi số\"",
    "\"chuyen doi so\"",
    "\"nguồn nhân lực chất lượng cao\"",
    "\"nhân lực chất lượng cao\"",
    "\"nhan luc chat luong cao\"",
    "\"ba đột phá chiến lược\"",
    "\"ba dot pha chien luoc\"",
    "\"nghị quyết\"",
    "\"nghi quyet\"",
    "\"NGHỊ QUYẾT ĐẠI HỘI XIII\"",
    "\"xây dựng, chỉnh đốn Đảng\"",
    "\"chỉnh đốn đảng\"",
    "\"kinh tế số\"",
    "\"xã hội số\"",
    "\"phòng, chống tham nhũng\"",
    "\"không có vùng cấm\"",
    "\"khát vọng phát triển đất nước\"",
    "\"dân biết, dân bàn, dân làm\"",
    "\"biến đổi khí hậu\"",
    "\"thu nhập trung bình cao\"",
    "\"kinh tế thị trường định hướng xã hội chủ nghĩa\"",
    "\"tự phê bình\"",
    "\"tu phe binh\"",
    "\"chủ nghĩa cá nhân\"",
    "\"đạo đức, phong cách Hồ Chí Minh\"",
    "\"hồ sơ được xử lý trực tuyến\"",
    "\"lớp cảm tình Đảng\"",
    "\"kết cấu hạ tầng\"",
    "\"hoà bình, ổn định\"",
    "\"uỷ ban nhân dân\"",
    "\"đảng viên\" \"chuyển đổi số\"",
    "\"nâng cấp trang thiết bị\" kinh phí",
];

fn phrase_queries() -> Vec<Query> {
    PHRASES.iter().copied().map(plain).collect()
}

/// Phrases with filters: grade, unit, minimum score, and combinations.
fn filtered_queries() -> Vec<Query> {
    type Filter = (Option<&'static str>, Option<&'static str>, Option<f64>);
    let filters: &[Filter] = &[
        (Some("good"), None, None),
        (Some("fair"), None, None),
        (Some("poor"), None, None),
        (None, Some("trạm y tế"), None),
        (None, Some("cong an xa"), None),
        (None, Some("Hợp tác xã"), None),
        (None, None, Some(70.0)),
        (None, None, Some(85.0)),
        (Some("good"), None, Some(80.0)),
        (Some("good"), Some("truong thpt"), None),
        (None, Some("khu phố"), Some(60.0)),
    ];
    let mut out = Vec::new();
    for (i, phrase) in PHRASES.iter().enumerate() {
        for (j, &(grade, unit, min_score)) in filters.iter().enumerate() {
            // Every phrase with three of the filters, so all pairs are not needed.
            if (i + j) % 4 != 0 {
                continue;
            }
            let mut label = phrase.to_string();
            if let Some(g) = grade {
                label.push_str(&format!(" --grade {g}"));
            }
            if let Some(u) = unit {
                label.push_str(&format!(" --unit {u:?}"));
            }
            if let Some(m) = min_score {
                label.push_str(&format!(" --min-score {m}"));
            }
            out.push(Query {
                text: phrase.to_string(),
                opts: SearchOptions {
                    grade: grade.map(str::to_string),
                    unit: unit.map(str::to_string),
                    min_score,
                    limit: LIMIT,
                    ..SearchOptions::default()
                },
                label,
            });
        }
    }
    out
}

/// Snippets analyze the text of every hit, paragraph by paragraph, until a sentence shows the
/// whole query: times `LIMIT` whole-text analyses of corpus essays, the most a search returning
/// `LIMIT` hits spends on analysis for snippets (on one thread; hits are cut in parallel).
fn snippet_ceiling() {
    let essays = corpus::generate(LIMIT, SEED);
    let mut times: Vec<f64> = (0..50)
        .map(|_| {
            let t = Instant::now();
            for (_, text) in &essays {
                std::hint::black_box(thuhoach::text::analyze(text).tokens.len());
            }
            secs(t.elapsed()) * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let bytes: usize = essays.iter().map(|(_, t)| t.len()).sum();
    println!(
        "snippet ceiling: `text::analyze` on {LIMIT} whole essays ({:.0} KB) takes {:.2} ms (median of 50)",
        bytes as f64 / 1e3,
        percentile(&times, 50.0)
    );
}

/// `p`-th percentile (nearest rank) of sorted values.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

struct KindResult {
    kind: &'static str,
    distinct: usize,
    timed: usize,
    p50: f64,
    p90: f64,
    p99: f64,
    max: f64,
    mean: f64,
    mean_total: f64,
    empty: usize,
    /// CPU time (all threads of the process) per query, in ms: steadier than wall time on a
    /// busy machine.
    cpu: f64,
}

/// Times `count` searches drawn from `queries` (after one untimed pass over all of them).
fn time_kind(
    index: &EssayIndex,
    kind: &'static str,
    queries: &[Query],
    count: usize,
    rng: &mut corpus::Rng,
) -> KindResult {
    for q in queries {
        index.search(&q.text, &q.opts).expect("warm-up query");
    }
    let mut times = Vec::with_capacity(count);
    let mut totals = 0usize;
    let mut empty = 0;
    // Per distinct query: its times and its number of hits.
    let mut by_query: BTreeMap<&str, (Vec<f64>, usize)> = BTreeMap::new();
    let cpu = cpu_secs();
    for _ in 0..count {
        let q = rng.pick_ref(queries);
        let t = Instant::now();
        let res = index.search(&q.text, &q.opts).expect("query");
        let ms = secs(t.elapsed()) * 1e3;
        std::hint::black_box(&res);
        times.push(ms);
        totals += res.total;
        if res.hits.is_empty() {
            empty += 1;
        }
        let entry = by_query.entry(&q.label).or_default();
        entry.0.push(ms);
        entry.1 = res.total;
    }
    let cpu = (cpu_secs() - cpu) * 1e3 / count as f64;
    let mut per_query: Vec<(f64, usize, usize, &str)> = by_query
        .into_iter()
        .map(|(label, (mut ms, total))| {
            ms.sort_by(f64::total_cmp);
            (percentile(&ms, 50.0), ms.len(), total, label)
        })
        .collect();
    per_query.sort_by(|a, b| b.0.total_cmp(&a.0));
    let verbose = std::env::var_os("THUHOACH_INDEX_VERBOSE").is_some();
    eprintln!(
        "  {kind} queries by median time ({}):",
        if verbose { "all" } else { "slowest 5" }
    );
    for (median, runs, total, label) in per_query.iter().take(if verbose { usize::MAX } else { 5 })
    {
        eprintln!("    {median:7.2} ms  ×{runs:<3} {total:>7} hits  {label}");
    }
    let mean = times.iter().sum::<f64>() / count as f64;
    times.sort_by(f64::total_cmp);
    KindResult {
        kind,
        distinct: queries.len(),
        timed: count,
        p50: percentile(&times, 50.0),
        p90: percentile(&times, 90.0),
        p99: percentile(&times, 99.0),
        max: *times.last().expect("at least one query"),
        mean,
        mean_total: totals as f64 / count as f64,
        empty,
        cpu,
    }
}

fn main() {
    let n = env_usize("THUHOACH_INDEX_N", 2_000).max(1);
    let per_kind = env_usize("THUHOACH_INDEX_QUERIES", 300).max(1);
    let chunk = env_usize("THUHOACH_INDEX_CHUNK", 5_000).max(1);
    let started = Instant::now();
    println!("== thuhoach search index bench (issue 3) ==");
    println!(
        "essays: {n}, chunk: {chunk}, writer threads: {WRITER_THREADS}, queries per kind: \
         {per_kind}, limit: {LIMIT}; cores: {}; load average at start: {}",
        std::thread::available_parallelism().map_or(0, |p| p.get()),
        loadavg()
    );

    let tmp = tempfile::Builder::new()
        .prefix("thuhoach-index-bench-")
        .tempdir()
        .expect("temp folder");
    let kept = std::env::var_os("THUHOACH_INDEX_DIR").map(std::path::PathBuf::from);
    let index_dir = kept.clone().unwrap_or_else(|| tmp.path().join("index"));
    let reuse = kept.is_some() && index_dir.join("thuhoach-index.json").exists();

    let indexing = if reuse {
        println!(
            "reusing the index in {} (phases 1 and 2 skipped, THUHOACH_INDEX_N ignored)",
            index_dir.display()
        );
        None
    } else {
        Some(build(n, chunk, &tmp.path().join("texts.bin"), &index_dir))
    };

    // 3. Search.
    eprintln!("phase 3: search (load {})", loadavg());
    let t = Instant::now();
    let index = EssayIndex::open(&index_dir).expect("open index");
    let open_time = t.elapsed();
    let (disk, files, segments) = disk_usage(&index_dir);
    println!(
        "opened the index in {:.1} ms: {} docs, {:.1} MB in {files} files, {segments} segment(s)",
        secs(open_time) * 1e3,
        index.num_docs(),
        mb(disk)
    );
    snippet_ceiling();
    let mut rng = corpus::Rng::new(SEED ^ 0x5EA2C4);
    let results = [
        time_kind(&index, "word", &word_queries(), per_kind, &mut rng),
        time_kind(&index, "phrase", &phrase_queries(), per_kind, &mut rng),
        time_kind(&index, "filtered", &filtered_queries(), per_kind, &mut rng),
    ];
    println!(
        "search latency, ms per `search` call (limit {LIMIT}, snippets included; load average \
         now {}):",
        loadavg()
    );
    println!(
        "  {:<9} {:>8} {:>6} {:>7} {:>7} {:>7} {:>7} {:>7} {:>8} {:>10} {:>6}",
        "kind",
        "distinct",
        "timed",
        "p50",
        "p90",
        "p99",
        "max",
        "mean",
        "CPU/q",
        "mean hits",
        "empty"
    );
    for r in &results {
        println!(
            "  {:<9} {:>8} {:>6} {:>7.2} {:>7.2} {:>7.2} {:>7.2} {:>7.2} {:>8.2} {:>10.0} {:>6}",
            r.kind,
            r.distinct,
            r.timed,
            r.p50,
            r.p90,
            r.p99,
            r.max,
            r.mean,
            r.cpu,
            r.mean_total,
            r.empty
        );
    }

    let worst_p99 = results.iter().map(|r| r.p99).fold(0.0, f64::max);
    let index_target = match indexing {
        Some(mbps) => format!(
            "{} ({mbps:.1} MB/s)",
            if mbps >= 15.0 { "MET" } else { "NOT MET" }
        ),
        None => "not measured in this run".into(),
    };
    println!(
        "targets: indexing ≥ 15 MB/s with 2 threads: {index_target}; p99 ≤ 20 ms: {} (worst \
         p99 {worst_p99:.2} ms)",
        if worst_p99 <= 20.0 { "MET" } else { "NOT MET" },
    );
    println!(
        "peak RSS: {}; total {:.1} s; load average at end: {}",
        peak_rss(),
        secs(started.elapsed()),
        loadavg()
    );
    drop(index);
    tmp.close().expect("remove temp folder");
}

/// Phases 1 and 2: generate, grade, then index into `index_dir`; returns indexing MB/s.
fn build(n: usize, chunk: usize, spill: &Path, index_dir: &Path) -> f64 {
    let grader = Grader::with_default_rubric().expect("built-in rubric compiles");
    eprintln!("phase 1: generate and grade");
    let g = generate_and_grade(n, chunk, &grader, spill);
    let bytes = g.bytes;
    println!(
        "corpus: {n} essays, {bytes} bytes ({:.1} MB, mean {:.0} bytes/essay), grades {:?}",
        mb(bytes),
        bytes as f64 / n as f64,
        g.grades
    );
    println!(
        "generate: {:.2} s ({:.1} MB/s, 1 thread); grade: {:.2} s ({:.1} MB/s, {:.0} essays/s, \
         2 threads; {:.1} CPU-s, {:.1} MB per CPU-s) — neither counted as indexing",
        secs(g.gen_time),
        mb(bytes) / secs(g.gen_time),
        secs(g.grade_time),
        mb(bytes) / secs(g.grade_time),
        n as f64 / secs(g.grade_time),
        g.grade_cpu,
        mb(bytes) / g.grade_cpu
    );
    println!("peak RSS after grading: {}", peak_rss());

    let t = Instant::now();
    let mut check = 0u64;
    read_spill(spill, |_, text| check += text.len() as u64);
    let read_time = t.elapsed();
    assert_eq!(check, bytes, "spill file holds the corpus");
    println!(
        "reading the spill file alone: {:.2} s ({:.0} MB/s; included in the indexing time below)",
        secs(read_time),
        mb(bytes) / secs(read_time)
    );

    eprintln!("phase 2: index (load {})", loadavg());
    let load_before = loadavg();
    let index = EssayIndex::open_or_create(index_dir).expect("create index");
    let t = Instant::now();
    let cpu = cpu_secs();
    let mut writer = index.writer(WRITER_THREADS).expect("index writer");
    read_spill(spill, |i, text| {
        writer.add(&g.rows[i], text).expect("add essay");
        if (i + 1) % 20_000 == 0 {
            eprintln!("  added {} / {n} (load {})", i + 1, loadavg());
        }
    });
    let add_time = t.elapsed();
    let t = Instant::now();
    writer.commit().expect("commit");
    let commit_time = t.elapsed();
    let index_time = add_time + commit_time;
    let index_cpu = cpu_secs() - cpu;
    let load_after = loadavg();
    assert_eq!(index.num_docs(), n as u64, "every essay indexed once");
    drop(index);
    let (disk, files, segments) = disk_usage(index_dir);
    let mbps = mb(bytes) / secs(index_time);
    println!(
        "index ({WRITER_THREADS} writer threads): add {:.2} s + commit/merge {:.2} s = {:.2} s \
         → {mbps:.1} MB/s, {:.0} docs/s (load average before {load_before}, after {load_after})",
        secs(add_time),
        secs(commit_time),
        secs(index_time),
        n as f64 / secs(index_time)
    );
    println!(
        "indexing CPU time: {index_cpu:.1} CPU-s ({:.1} MB per CPU-s; {:.0} % of 2 cores \
         over the indexing time)",
        mb(bytes) / index_cpu,
        100.0 * index_cpu / (2.0 * secs(index_time))
    );
    println!(
        "index size: {disk} bytes ({:.1} MB) in {files} files, {segments} segment(s); \
         {:.2}× the text size",
        mb(disk),
        disk as f64 / bytes as f64
    );
    println!("peak RSS after indexing: {}", peak_rss());
    mbps
}
