//! Load test of `thuhoach serve`, loopback only and bounded in time:
//!
//! ```text
//! cargo run --release --example serve_load -- [ESSAYS=20000] [SECONDS=30] [CLIENTS=20]
//! ```
//!
//! Builds a workspace of generated essays (benches/corpus, graded and indexed through the
//! library), serves it on 127.0.0.1 (a random port), then runs CLIENTS clients for SECONDS
//! seconds, each looping over: a search (words, phrases, with and without diacritics, with and
//! without filters), an essay page (HTML) and an essay (JSON). Prints p50/p99 latency per kind
//! and the errors, for two mixes of searches: the 8 fixed ones of [`QUERIES`] (repeated, so
//! mostly answered from the server's cache) and varied ones built from [`WORDS`] (nearly all
//! computed). Each mix runs first with one client for SECONDS/3 s, as a reference for what the
//! shared machine gives at that moment. Then CLIENTS clients override at once (10 each): every decision must be
//! present and the decisions log must verify.

#[path = "../benches/corpus/mod.rs"]
#[allow(dead_code)]
mod corpus;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use thuhoach::ingest::{RawDocument, SourceFormat};
use thuhoach::serve::{self, Role, Workspace};

const QUERIES: [&str; 8] = [
    "chuyển đổi số",
    "chuyen doi so",
    "\"nguồn nhân lực chất lượng cao\"",
    "\"ba dot pha chien luoc\"",
    "kinh tế thị trường định hướng xã hội chủ nghĩa",
    "tu dien bien tu chuyen hoa",
    "\"xây dựng, chỉnh đốn Đảng\"",
    "dan biet dan ban dan lam",
];

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse())
        .collect::<Result<_, _>>()?;
    let n = args.first().copied().unwrap_or(20_000);
    let seconds = args.get(1).copied().unwrap_or(30) as u64;
    let clients = args.get(2).copied().unwrap_or(20);

    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("data");
    let password = "tai-thu-mat-khau";
    serve::add_user(&data, "tai-thu", Role::Reviewer, password)?;
    let ws = Workspace::open(&data, thuhoach::CompiledRubric::builtin()?)?;
    let started = Instant::now();
    let batch = ws.new_batch("tải thử", n as i64)?;
    let docs = corpus::essays(n, 0x5e_12e)
        .map(|(name, text)| {
            let doc = RawDocument {
                format: SourceFormat::Txt,
                text,
                notes: Vec::new(),
                legacy_encoding: None,
            };
            (name, Ok(doc))
        })
        .collect();
    ws.import_documents(batch, docs)?;
    eprintln!(
        "workspace: {n} essays graded, indexed and stored in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let ws = Arc::new(ws);
    let runtime = tokio::runtime::Runtime::new()?;
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let base = format!("http://{}", listener.local_addr()?);
    let app = serve::router(ws.clone(), serve::DEFAULT_MAX_UPLOAD_BYTES);
    runtime.spawn(async move {
        let _ = axum::serve(listener, app).await;
    });

    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut resp = agent
        .post(format!("{base}/api/v1/login"))
        .header("content-type", "application/json")
        .send(format!(r#"{{"name":"tai-thu","password":"{password}"}}"#))?;
    let login: serde_json::Value = serde_json::from_str(&resp.body_mut().read_to_string()?)?;
    let token = login["token"].as_str().ok_or("no token")?.to_string();
    let auth = format!("Bearer {token}");

    // Each mix: one client alone first (the same machine at the same time, as a reference
    // for what the shared cores give), then every client at once.
    let mut failed = false;
    for mix in [Mix::Repeated, Mix::Varied] {
        for (k, secs) in [(1, (seconds / 3).max(1)), (clients, seconds)] {
            let (mut all, errors) = run_clients(&agent, &base, &auth, n, k, secs, mix);
            println!(
                "\n{k} client(s), {secs} s, {n} essays, loopback, {}",
                match mix {
                    Mix::Repeated => "the 8 fixed searches (answered from the cache after the first)",
                    Mix::Varied => "varied searches (1-3 random words or phrases of 40, with or without diacritics: nearly all computed)",
                }
            );
            println!("| request | count | p50 ms | p99 ms | max ms |");
            println!("|---|---:|---:|---:|---:|");
            for (name, t) in ["search (API)", "essay page (HTML)", "essay (API JSON)"]
                .iter()
                .zip(all.iter_mut())
            {
                t.sort();
                println!(
                    "| {name} | {} | {:.1} | {:.1} | {:.1} |",
                    t.len(),
                    percentile(t, 0.5),
                    percentile(t, 0.99),
                    percentile(t, 1.0)
                );
            }
            println!("errors: {errors}");
            failed |= errors > 0;
        }
    }

    // Concurrent overrides: every acknowledged decision recorded, the log verifies.
    let before = ws.decisions()?.len();
    let t = Instant::now();
    let acked: usize = std::thread::scope(|s| {
        let hs: Vec<_> = (0..clients)
            .map(|c| {
                let (base, auth, agent) = (&base, &auth, agent.clone());
                s.spawn(move || {
                    (0..10)
                        .filter(|k| {
                            let id = (c * 10 + k) % n + 1;
                            agent
                                .post(format!("{base}/api/v1/essays/{id}/override"))
                                .header("authorization", auth)
                                .header("content-type", "application/json")
                                .send(format!(r#"{{"grade":"fair","reason":"tải thử {c}-{k}"}}"#))
                                .is_ok_and(|r| r.status().as_u16() == 200)
                        })
                        .count()
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap_or(0)).sum()
    });
    let recorded = ws.decisions()?.len() - before;
    let verified = ws.verify_log()?;
    println!(
        "overrides: {clients} clients x 10 at once: {acked} acknowledged, {recorded} recorded, log verifies ({verified} entries), {:.2} s",
        t.elapsed().as_secs_f64()
    );
    if failed || acked != clients * 10 || recorded != acked {
        return Err("load test failed".into());
    }
    Ok(())
}

/// Which searches the clients send.
#[derive(Clone, Copy)]
enum Mix {
    /// [`QUERIES`], as reviewers repeating common searches.
    Repeated,
    /// Built from [`WORDS`] at random, so that nearly every search is new.
    Varied,
}

/// Words and phrases of the generated essays, with and without diacritics.
const WORDS: [(&str, &str); 40] = [
    ("Đảng", "dang"),
    ("nhân dân", "nhan dan"),
    ("chuyển đổi số", "chuyen doi so"),
    ("kinh tế", "kinh te"),
    ("văn hoá", "van hoa"),
    ("đột phá", "dot pha"),
    ("chiến lược", "chien luoc"),
    ("cán bộ", "can bo"),
    ("đảng viên", "dang vien"),
    ("chi bộ", "chi bo"),
    ("nghị quyết", "nghi quyet"),
    ("phát triển", "phat trien"),
    ("bền vững", "ben vung"),
    ("hội nhập", "hoi nhap"),
    ("quốc tế", "quoc te"),
    ("an ninh", "an ninh"),
    ("quốc phòng", "quoc phong"),
    ("tham nhũng", "tham nhung"),
    ("lãng phí", "lang phi"),
    ("nguồn nhân lực", "nguon nhan luc"),
    ("khoa học", "khoa hoc"),
    ("công nghệ", "cong nghe"),
    ("đổi mới", "doi moi"),
    ("sáng tạo", "sang tao"),
    ("thể chế", "the che"),
    ("hạ tầng", "ha tang"),
    ("giáo dục", "giao duc"),
    ("đào tạo", "dao tao"),
    ("môi trường", "moi truong"),
    ("y tế", "y te"),
    ("xã hội", "xa hoi"),
    ("đoàn kết", "doan ket"),
    ("kỷ luật", "ky luat"),
    ("trách nhiệm", "trach nhiem"),
    ("nêu gương", "neu guong"),
    ("tư tưởng", "tu tuong"),
    ("đạo đức", "dao duc"),
    ("lối sống", "loi song"),
    ("niềm tin", "niem tin"),
    ("thực hiện", "thuc hien"),
];

fn varied_query(rng: &mut corpus::Rng) -> String {
    let n = rng.range(1, 3);
    (0..n)
        .map(|_| {
            let (accented, folded) = WORDS[rng.range(0, WORDS.len() as u64 - 1) as usize];
            let w = if rng.chance(0.5) { accented } else { folded };
            if w.contains(' ') && rng.chance(0.5) {
                format!("\"{w}\"")
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

type Latencies = [Vec<Duration>; 3];

/// `clients` threads for `seconds` s, each looping: a search, an essay page, an essay as
/// JSON. The latencies of each kind, and the requests that failed.
fn run_clients(
    agent: &ureq::Agent,
    base: &str,
    auth: &str,
    n: usize,
    clients: usize,
    seconds: u64,
    mix: Mix,
) -> (Latencies, usize) {
    let stop = AtomicBool::new(false);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..clients)
            .map(|c| {
                let (agent, stop) = (agent.clone(), &stop);
                s.spawn(move || {
                    let mut rng = corpus::Rng::new(c as u64 + 1 + 1000 * mix as u64);
                    let mut times: Latencies = Default::default();
                    let mut errors = 0usize;
                    while !stop.load(Ordering::Relaxed) {
                        let q = match mix {
                            Mix::Repeated => {
                                QUERIES[rng.range(0, QUERIES.len() as u64 - 1) as usize].to_string()
                            }
                            Mix::Varied => varied_query(&mut rng),
                        };
                        let filter = match rng.range(0, 2) {
                            0 => "",
                            1 => "&grade=good",
                            _ => "&unit=chi%20bo",
                        };
                        let id = rng.range(1, n as u64);
                        let urls = [
                            format!("{base}/api/v1/search?q={}&limit=20{filter}", url(&q)),
                            format!("{base}/essays/{id}"),
                            format!("{base}/api/v1/essays/{id}"),
                        ];
                        for (kind, u) in urls.iter().enumerate() {
                            let t = Instant::now();
                            let ok = agent
                                .get(u)
                                .header("authorization", auth)
                                .call()
                                .ok()
                                .and_then(|mut r| {
                                    let status = r.status().as_u16();
                                    r.body_mut()
                                        .with_config()
                                        .limit(64 << 20)
                                        .read_to_vec()
                                        .ok()
                                        .map(|_| status)
                                });
                            times[kind].push(t.elapsed());
                            if ok != Some(200) {
                                errors += 1;
                            }
                        }
                    }
                    (times, errors)
                })
            })
            .collect();
        std::thread::sleep(Duration::from_secs(seconds));
        stop.store(true, Ordering::Relaxed);
        let mut all: Latencies = Default::default();
        let mut errors = 0;
        for h in handles {
            match h.join() {
                Ok((times, e)) => {
                    for (a, t) in all.iter_mut().zip(times) {
                        a.extend(t);
                    }
                    errors += e;
                }
                Err(_) => errors += 1,
            }
        }
        (all, errors)
    })
}

fn url(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
