//! `thuhoach`: a thin command line over the library. Each subcommand parses its arguments,
//! calls one library function and prints; exit codes are 0 (all inputs handled), 1 (some
//! inputs failed, the rest still reported), 2 (usage, rubric or configuration error).

use std::fs::OpenOptions;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{anyhow, bail, Context};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use thuhoach::index::{EssayIndex, SearchOptions};
use thuhoach::originality::Thresholds;
use thuhoach::report::{
    apply_decisions, explain, write_report, write_report_with, Format, ReportFormat, ReportOptions,
    Roster, RowWriter,
};
use thuhoach::{CompiledRubric, Grader};

/// Output buffer: a JSON row is about 12 KB, so a few dozen rows per write.
const OUTPUT_BUFFER: usize = 256 * 1024;

#[derive(Parser)]
#[command(
    name = "thuhoach",
    version,
    about = "Chấm bài thu hoạch Nghị quyết: grade Vietnamese reflection essays (Tốt / Khá / Trung bình / Chưa đạt) with evidence."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Grade essays (.docx, .txt; folders are searched recursively).
    Grade {
        /// Essay files or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Rubric (barem) TOML file; default: the built-in Nghị quyết Đại hội XIII rubric.
        #[arg(long)]
        rubric: Option<PathBuf>,
        /// Output format; default: from --out's extension, else table.
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// Write results to this file (.json, .jsonl, .csv, .txt) instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Worker threads (default: all cores). Results are identical for any value.
        #[arg(long)]
        jobs: Option<usize>,
        /// Party roster (.csv or .xlsx) for the committee report written by --out .xlsx/.docx/.html.
        #[arg(long)]
        roster: Option<PathBuf>,
        /// Reference text (file or folder: the resolution, sample essays) to check copying against.
        #[arg(long)]
        reference: Vec<PathBuf>,
        /// Near-duplicates within the batch: auto = on for batches up to 20,000 files.
        #[arg(long, value_enum, default_value = "auto")]
        dupes: DupesMode,
        /// Resume: leave out files already in this results .jsonl with the same content and
        /// rubric. If it is also the --out file, new rows are appended to it.
        #[arg(long)]
        skip_done: Option<PathBuf>,
    },
    /// Committee report from grade results: per party cell, participation, Tốt/Khá/Trung bình.
    Report {
        /// Results of `grade --format jsonl`.
        results: PathBuf,
        /// Party roster (.csv or .xlsx): STT, Họ và tên, Chi bộ, optional Tệp.
        #[arg(long)]
        roster: Option<PathBuf>,
        /// Rubric whose levels label the report (default: built-in).
        #[arg(long)]
        rubric: Option<PathBuf>,
        /// Output: .xlsx, .docx, .html or .csv.
        #[arg(long)]
        out: PathBuf,
        /// The committee's decisions log (`thuhoach override`): the report uses the final grades.
        #[arg(long)]
        overrides: Option<PathBuf>,
    },
    /// Clusters of essays copied from each other, with the shared passages.
    Dupes {
        /// Essay files or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Reference text (file or folder): the rubric's base text is excluded from matching.
        #[arg(long)]
        reference: Vec<PathBuf>,
        #[arg(long)]
        rubric: Option<PathBuf>,
        /// Similarity (0–1) from which two essays are near-duplicates.
        #[arg(long, default_value_t = 0.5)]
        threshold: f64,
        #[arg(long, value_enum, default_value = "table")]
        format: SearchFormat,
        #[arg(long)]
        jobs: Option<usize>,
    },
    /// Build or update a search index (re-indexing a file replaces it).
    Index {
        /// Essay files or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Index folder (created if missing).
        #[arg(long)]
        index: PathBuf,
        #[arg(long)]
        rubric: Option<PathBuf>,
        /// Remove essays whose files no longer exist.
        #[arg(long)]
        prune: bool,
        #[arg(long)]
        jobs: Option<usize>,
    },
    /// Search indexed essays: words and "quoted phrases", with or without diacritics.
    Search {
        query: String,
        #[arg(long)]
        index: PathBuf,
        /// Only essays of this party cell / unit (diacritics optional).
        #[arg(long)]
        unit: Option<String>,
        /// Only essays with this grade id (good, fair, average, poor).
        #[arg(long)]
        grade: Option<String>,
        #[arg(long)]
        min_score: Option<f64>,
        /// Only essays with this flag (repeatable), e.g. near_duplicate.
        #[arg(long)]
        flag: Vec<String>,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long, value_enum, default_value = "table")]
        format: SearchFormat,
    },
    /// Explain one essay's grade in Vietnamese: themes with evidence, parts, flags, advice.
    Explain {
        file: PathBuf,
        #[arg(long)]
        rubric: Option<PathBuf>,
        /// Reference text (file or folder) to show copied passages from.
        #[arg(long)]
        reference: Vec<PathBuf>,
    },
    /// Rubric (barem) tools.
    Rubric {
        #[command(subcommand)]
        command: RubricCommand,
    },
    /// Record the committee's decision on one essay's grade (append-only, tamper-evident log).
    Override {
        /// Decisions log (JSON Lines; created on first use).
        #[arg(long)]
        log: PathBuf,
        /// The essay file (as in the results, or its path).
        #[arg(long)]
        file: String,
        /// The committee's grade: Tốt, Khá, Trung bình, Chưa đạt (diacritics optional) or an id.
        #[arg(long)]
        grade: String,
        /// Who decides (name, title).
        #[arg(long)]
        by: String,
        /// Why (written into the log and the report).
        #[arg(long)]
        reason: String,
        /// Results of `grade --format jsonl` with the engine's grade; else the file is graded now.
        #[arg(long)]
        results: Option<PathBuf>,
        /// Rubric (barem) naming the levels; default: built-in.
        #[arg(long)]
        rubric: Option<PathBuf>,
    },
    /// Decisions log tools.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// The analyzer as a Hugging Face tokenizer, for ML pipelines in other systems.
    Tokenizer {
        #[command(subcommand)]
        command: TokenizerCommand,
    },
    /// Reviewers' web app and HTTP API (pages in Vietnamese, JSON under /api/v1).
    Serve {
        /// Essays (files or folders) to grade and import at start.
        paths: Vec<PathBuf>,
        /// Workspace folder (database, search index, decisions log).
        #[arg(long, default_value = "thuhoach-data")]
        data: PathBuf,
        /// Address to listen on; other than 127.0.0.1 needs an admin account first.
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: std::net::SocketAddr,
        #[arg(long)]
        rubric: Option<PathBuf>,
        /// Party roster (.csv or .xlsx) for participation.
        #[arg(long)]
        roster: Option<PathBuf>,
        /// Largest upload accepted, in MB.
        #[arg(long, default_value_t = 200)]
        max_upload_mb: usize,
    },
    /// Users of the web app.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user (or change their role and password); the password is read from stdin.
    Add {
        name: String,
        #[arg(long, value_enum)]
        role: UserRole,
        /// Workspace folder of `thuhoach serve`.
        #[arg(long, default_value = "thuhoach-data")]
        data: PathBuf,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum UserRole {
    Reviewer,
    Admin,
}

#[derive(Subcommand)]
enum TokenizerCommand {
    /// Write tokenizer.json: the same normalization and syllable tokens as thuhoach.
    Export {
        #[arg(long, default_value = "tokenizer.json")]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check that no entry of a decisions log was changed, removed or reordered
    /// (exit 0 intact, 1 altered).
    Verify { log: PathBuf },
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum DupesMode {
    Auto,
    On,
    Off,
}

/// Largest batch `grade --dupes auto` compares (all texts are held in memory for it).
const AUTO_DUPES_MAX_FILES: usize = 20_000;

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum SearchFormat {
    Table,
    Json,
}

#[derive(Subcommand)]
enum RubricCommand {
    /// Validate a rubric file and print what it contains.
    Check { file: PathBuf },
}

/// How a run ended, apart from hard errors.
enum Outcome {
    AllHandled,
    SomeFailed,
}

/// An error that is the user's to fix (usage, rubric, configuration): exit code 2.
#[derive(Debug)]
struct UsageError(String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(Outcome::AllHandled) => ExitCode::SUCCESS,
        Ok(Outcome::SomeFailed) => ExitCode::from(1),
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("thuhoach: {err:#}");
            if err.downcast_ref::<UsageError>().is_some()
                || err.downcast_ref::<thuhoach::RubricError>().is_some()
            {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

fn usage(msg: impl Into<String>) -> anyhow::Error {
    anyhow!(UsageError(msg.into()))
}

fn load_rubric(path: Option<&Path>) -> anyhow::Result<CompiledRubric> {
    Ok(match path {
        Some(p) => CompiledRubric::from_file(p)?,
        None => CompiledRubric::builtin()?,
    })
}

fn run(cli: Cli) -> anyhow::Result<Outcome> {
    match cli.command {
        Command::Grade {
            paths,
            rubric,
            format,
            out,
            jobs,
            roster,
            reference,
            dupes,
            skip_done,
        } => {
            let files = thuhoach::collect_inputs(&paths).map_err(|e| usage(e.to_string()))?;
            let grader = originality_grader(
                load_rubric(rubric.as_deref())?,
                &files,
                &reference,
                dupes,
                jobs.unwrap_or(0),
            )?;
            match out.as_deref().and_then(ReportFormat::from_path) {
                Some(report_format) if report_format != ReportFormat::Csv => grade_to_report(
                    &grader,
                    &files,
                    out.as_deref().unwrap_or(Path::new("")),
                    roster.as_deref(),
                    jobs,
                ),
                _ => grade(
                    &grader,
                    &files,
                    format,
                    out.as_deref(),
                    jobs,
                    skip_done.as_deref(),
                ),
            }
        }
        Command::Dupes {
            paths,
            reference,
            rubric,
            threshold,
            format,
            jobs,
        } => {
            let rubric = load_rubric(rubric.as_deref())?;
            let references =
                thuhoach::references_for(&rubric, &reference).map_err(|e| usage(e.to_string()))?;
            let thresholds = Thresholds {
                near_duplicate: threshold,
                ..Thresholds::default()
            };
            let files = thuhoach::collect_inputs(&paths).map_err(|e| usage(e.to_string()))?;
            let mut grader = Grader::new(rubric).with_references(references, thresholds);
            let report = grader.find_duplicates(&files, jobs.unwrap_or(0))?;
            let mut out = io::stdout().lock();
            match format {
                SearchFormat::Json => {
                    serde_json::to_writer_pretty(&mut out, &report)?;
                    writeln!(out)?;
                }
                SearchFormat::Table => print_clusters(&mut out, &report, files.len())?,
            }
            out.flush()?;
            Ok(Outcome::AllHandled)
        }
        Command::Report {
            results,
            roster,
            rubric,
            out,
            overrides,
        } => {
            let rubric = load_rubric(rubric.as_deref())?;
            let mut rows =
                thuhoach::report::read_results(&results).map_err(|e| usage(e.to_string()))?;
            let roster = load_roster(roster.as_deref())?;
            let mut options = ReportOptions::default();
            if let Some(log) = overrides {
                thuhoach::audit::verify(&log).map_err(|e| {
                    usage(format!(
                        "{e}. Không lập báo cáo từ một sổ quyết định không toàn vẹn."
                    ))
                })?;
                let decisions = thuhoach::audit::read(&log).map_err(|e| usage(e.to_string()))?;
                options.decisions = apply_decisions(&mut rows, &decisions, &rubric);
                eprintln!(
                    "thuhoach: áp dụng {} quyết định của tổ đánh giá",
                    options.decisions.changes.len()
                );
                for w in options.decisions.warnings() {
                    eprintln!("thuhoach: {w}");
                }
            }
            print_matching(&rows, roster.as_ref(), &rubric);
            write_report_with(&rows, roster.as_ref(), &rubric, &out, &options)
                .map_err(|e| usage(e.to_string()))?;
            eprintln!("đã ghi {} ({} bài)", out.display(), rows.len());
            Ok(Outcome::AllHandled)
        }
        Command::Index {
            paths,
            index,
            rubric,
            prune,
            jobs,
        } => {
            let grader = Grader::new(load_rubric(rubric.as_deref())?);
            let files = thuhoach::collect_inputs(&paths).map_err(|e| usage(e.to_string()))?;
            let idx = EssayIndex::open_or_create(&index).map_err(|e| usage(e.to_string()))?;
            let report = grader.index_files(&idx, &files, jobs.unwrap_or(0), prune, |row| {
                eprintln!(
                    "thuhoach: {}: {}",
                    row.file,
                    row.error.as_deref().unwrap_or("")
                );
            })?;
            eprintln!(
                "Đã lập chỉ mục {} bài ({} tệp lỗi, {} bài đã xóa); chỉ mục có {} bài.",
                report.indexed, report.failed, report.removed, report.total
            );
            Ok(if report.failed > 0 {
                Outcome::SomeFailed
            } else {
                Outcome::AllHandled
            })
        }
        Command::Search {
            query,
            index,
            unit,
            grade,
            min_score,
            flag,
            limit,
            format,
        } => {
            let idx = EssayIndex::open(&index).map_err(|e| usage(e.to_string()))?;
            let opts = SearchOptions {
                unit,
                grade,
                min_score,
                flags: flag,
                limit,
            };
            let results = idx.search(&query, &opts).map_err(|e| match e {
                thuhoach::index::IndexError::Query(q) => usage(q.to_string()),
                other => other.into(),
            })?;
            let mut out = io::stdout().lock();
            match format {
                SearchFormat::Json => {
                    serde_json::to_writer_pretty(&mut out, &results)?;
                    writeln!(out)?;
                }
                SearchFormat::Table => print_hits(&mut out, &results, io::stdout().is_terminal())?,
            }
            out.flush()?;
            Ok(Outcome::AllHandled)
        }
        Command::Explain {
            file,
            rubric,
            reference,
        } => {
            let grader = originality_grader(
                load_rubric(rubric.as_deref())?,
                std::slice::from_ref(&file),
                &reference,
                DupesMode::Off,
                1,
            )?;
            let row = grader.grade_file(&file);
            print!("{}", explain(&row, grader.rubric()));
            io::stdout().flush()?;
            Ok(if row.error.is_some() {
                Outcome::SomeFailed
            } else {
                Outcome::AllHandled
            })
        }
        Command::Override {
            log,
            file,
            grade,
            by,
            reason,
            results,
            rubric,
        } => {
            let rubric = load_rubric(rubric.as_deref())?;
            let request = thuhoach::audit::OverrideRequest {
                file: &file,
                grade: &grade,
                by: &by,
                reason: &reason,
                results: results.as_deref(),
            };
            let log = thuhoach::audit::DecisionLog::open(log);
            let d = thuhoach::audit::record_override(&log, &request, &rubric)
                .map_err(|e| usage(e.to_string()))?;
            let label = |id: &str| {
                rubric
                    .level_index(id)
                    .map_or(id.to_string(), |i| rubric.spec.levels[i].label.clone())
            };
            println!(
                "Đã ghi quyết định số {} vào {}: {} — {} → {} (người quyết định: {}).",
                d.seq,
                log.path().display(),
                d.file,
                d.old_grade.as_deref().map_or("(chưa có)".into(), label),
                label(&d.new_grade),
                d.by
            );
            Ok(Outcome::AllHandled)
        }
        Command::Audit {
            command: AuditCommand::Verify { log },
        } => match thuhoach::audit::verify(&log) {
            Ok(n) => {
                println!("{}: nguyên vẹn, {n} quyết định.", log.display());
                Ok(Outcome::AllHandled)
            }
            Err(e @ thuhoach::audit::AuditError::Altered { .. }) => {
                println!("{e}");
                Ok(Outcome::SomeFailed)
            }
            Err(e) => Err(usage(e.to_string())),
        },
        Command::Tokenizer {
            command: TokenizerCommand::Export { out },
        } => {
            let json = thuhoach::text::export_tokenizer_json(true)?;
            std::fs::write(&out, json)
                .with_context(|| format!("không ghi được {}", out.display()))?;
            eprintln!("đã ghi {}", out.display());
            Ok(Outcome::AllHandled)
        }
        Command::Serve {
            paths,
            data,
            bind,
            rubric,
            roster,
            max_upload_mb,
        } => {
            let options = thuhoach::serve::ServeOptions {
                data,
                bind,
                rubric: load_rubric(rubric.as_deref())?,
                roster,
                paths,
                max_upload_bytes: max_upload_mb.saturating_mul(1024 * 1024),
            };
            match thuhoach::serve::serve(options) {
                Err(thuhoach::serve::ServeError::Refused(m)) => Err(usage(m)),
                other => other.map(|_| Outcome::AllHandled).map_err(Into::into),
            }
        }
        Command::User {
            command: UserCommand::Add { name, role, data },
        } => {
            let mut password = String::new();
            io::stdin()
                .read_line(&mut password)
                .context("không đọc được mật khẩu từ đầu vào chuẩn")?;
            let password = password.trim_end_matches(['\r', '\n']);
            let role = match role {
                UserRole::Reviewer => thuhoach::serve::Role::Reviewer,
                UserRole::Admin => thuhoach::serve::Role::Admin,
            };
            match thuhoach::serve::add_user(&data, &name, role, password) {
                Err(thuhoach::serve::ServeError::Refused(m)) => return Err(usage(m)),
                other => other?,
            }
            eprintln!(
                "đã thêm người dùng {name} ({}) vào {}",
                role.label(),
                data.display()
            );
            Ok(Outcome::AllHandled)
        }
        Command::Rubric {
            command: RubricCommand::Check { file },
        } => {
            let rubric = CompiledRubric::from_file(&file)?;
            print!("{}", thuhoach::rubric::describe(&rubric));
            Ok(Outcome::AllHandled)
        }
    }
}

fn print_hits(
    out: &mut impl Write,
    results: &thuhoach::index::SearchResults,
    terminal: bool,
) -> io::Result<()> {
    let (open, close) = if terminal {
        ("\x1b[1;33m", "\x1b[0m")
    } else {
        ("[", "]")
    };
    writeln!(
        out,
        "{} bài phù hợp{}",
        results.total,
        if results.hits.len() < results.total {
            format!(", hiện {} bài đầu", results.hits.len())
        } else {
            String::new()
        }
    )?;
    for (i, h) in results.hits.iter().enumerate() {
        writeln!(
            out,
            "\n{}. {} — {} — {} — {} {}",
            i + 1,
            h.file,
            h.author.as_deref().unwrap_or("(không rõ)"),
            h.unit.as_deref().unwrap_or("(không rõ)"),
            h.grade_label.as_deref().unwrap_or("-"),
            h.score.map(|s| format!("{s:.1}")).unwrap_or_default()
        )?;
        let mut marked = String::new();
        let mut at = 0;
        for &(start, end) in &h.highlights {
            if start < at || end > h.snippet.len() {
                continue;
            }
            marked.push_str(&h.snippet[at..start]);
            marked.push_str(open);
            marked.push_str(&h.snippet[start..end]);
            marked.push_str(close);
            at = end;
        }
        marked.push_str(&h.snippet[at..]);
        writeln!(out, "   {}", thuhoach::text::display(&marked))?;
    }
    Ok(())
}

/// Tells the secretary how the essays matched the roster (nothing without one).
fn print_matching(rows: &[thuhoach::Assessment], roster: Option<&Roster>, rubric: &CompiledRubric) {
    let summary = thuhoach::report::Summary::build(rows, roster, &rubric.spec.levels);
    if let Some(line) = summary.matching_vi() {
        eprintln!("thuhoach: {line}");
    }
}

fn load_roster(path: Option<&Path>) -> anyhow::Result<Option<Roster>> {
    path.map(|p| Roster::from_path(p).map_err(|e| usage(e.to_string())))
        .transpose()
}

/// `grade --out x.xlsx|.docx|.html`: grade, then write the committee report.
fn grade_to_report(
    grader: &Grader,
    files: &[PathBuf],
    out: &Path,
    roster: Option<&Path>,
    jobs: Option<usize>,
) -> anyhow::Result<Outcome> {
    let roster = load_roster(roster)?;
    let mut rows = Vec::with_capacity(files.len());
    grader.grade_files(files, jobs.unwrap_or(0), |row| rows.push(row))?;
    print_matching(&rows, roster.as_ref(), grader.rubric());
    write_report(&rows, roster.as_ref(), grader.rubric(), out).map_err(|e| usage(e.to_string()))?;
    let failed = rows.iter().filter(|r| r.error.is_some()).count();
    eprintln!(
        "đã ghi {} ({} bài, {} tệp lỗi)",
        out.display(),
        rows.len(),
        failed
    );
    Ok(if failed > 0 {
        Outcome::SomeFailed
    } else {
        Outcome::AllHandled
    })
}

/// A grader that also checks copying: against references (the rubric's and `--reference`),
/// and between the essays of the batch when `dupes` asks for it.
fn originality_grader(
    rubric: thuhoach::CompiledRubric,
    files: &[PathBuf],
    reference: &[PathBuf],
    dupes: DupesMode,
    jobs: usize,
) -> anyhow::Result<Grader> {
    let references =
        thuhoach::references_for(&rubric, reference).map_err(|e| usage(e.to_string()))?;
    let compare = match dupes {
        DupesMode::On => true,
        DupesMode::Off => false,
        DupesMode::Auto => {
            let small = files.len() <= AUTO_DUPES_MAX_FILES;
            if !small {
                eprintln!(
                    "thuhoach: lô {} tệp lớn hơn {AUTO_DUPES_MAX_FILES}: không so trùng lặp giữa các bài (dùng --dupes on hoặc `thuhoach dupes` theo từng chi bộ)",
                    files.len()
                );
            }
            small
        }
    };
    let mut grader = Grader::new(rubric).with_references(references, Thresholds::default());
    if compare {
        grader.find_duplicates(files, jobs)?;
    }
    Ok(grader)
}

fn print_clusters(
    out: &mut impl Write,
    report: &thuhoach::originality::DuplicateReport,
    files: usize,
) -> io::Result<()> {
    writeln!(
        out,
        "{} nhóm bài gần trùng nhau trong {files} bài",
        report.clusters.len()
    )?;
    for (i, cluster) in report.clusters.iter().enumerate() {
        writeln!(out, "\nNhóm {}: {} bài", i + 1, cluster.files.len())?;
        for f in &cluster.files {
            writeln!(out, "  - {f}")?;
        }
        for pair in &cluster.pairs {
            writeln!(
                out,
                "  {} ↔ {}: giống nhau {:.0}%",
                pair.a,
                pair.b,
                pair.similarity * 100.0
            )?;
            for passage in pair.passages.iter().take(2) {
                writeln!(out, "      «{}»", passage)?;
            }
        }
    }
    Ok(())
}

fn grade(
    grader: &Grader,
    files: &[PathBuf],
    format: Option<Format>,
    out: Option<&Path>,
    jobs: Option<usize>,
    skip_done: Option<&Path>,
) -> anyhow::Result<Outcome> {
    let format = match (format, out) {
        (Some(f), _) => f,
        (None, Some(p)) => Format::from_extension(p).ok_or_else(|| {
            usage(format!(
                "không biết định dạng cho {} (dùng .json, .jsonl, .csv, .txt hoặc --format)",
                p.display()
            ))
        })?,
        (None, None) => Format::Table,
    };
    if files.is_empty() {
        bail!(usage("không tìm thấy tệp .docx hoặc .txt nào để chấm"));
    }
    let done = match skip_done {
        Some(p) => Some(
            thuhoach::DoneSet::from_jsonl(p, grader.rubric())
                .map_err(|e| usage(format!("--skip-done {}: {e}", p.display())))?,
        ),
        None => None,
    };
    let append = skip_done.is_some() && skip_done == out;
    if append && format != Format::Jsonl {
        bail!(usage(
            "--skip-done vào cùng tệp --out chỉ dùng được với định dạng jsonl"
        ));
    }
    let sink: Box<dyn Write> = match out {
        Some(p) => {
            let file = OpenOptions::new()
                .write(true)
                .create(true)
                .append(append)
                .truncate(!append)
                .open(p)
                .with_context(|| format!("không tạo được tệp {}", p.display()))?;
            Box::new(BufWriter::with_capacity(OUTPUT_BUFFER, file))
        }
        None => Box::new(BufWriter::with_capacity(OUTPUT_BUFFER, io::stdout().lock())),
    };
    let mut writer = RowWriter::new(format, sink, grader.rubric())?;
    let progress = if io::stderr().is_terminal() {
        let bar = ProgressBar::new(files.len() as u64);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} bài  {per_sec}  còn {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let mut failed = 0usize;
    let mut write_error: Option<io::Error> = None;
    let skipped = grader.grade_files_skipping(files, jobs.unwrap_or(0), done.as_ref(), |row| {
        progress.inc(1);
        if row.error.is_some() {
            failed += 1;
        }
        if write_error.is_none() {
            if let Err(e) = writer.write(&row) {
                write_error = Some(e);
            }
        }
    })?;
    progress.finish_and_clear();
    if skipped > 0 {
        eprintln!("thuhoach: bỏ qua {skipped} tệp đã chấm (cùng nội dung và barem)");
    }
    if let Some(e) = write_error {
        return Err(e.into());
    }
    writer.finish()?;
    if failed > 0 {
        eprintln!(
            "thuhoach: {failed}/{} tệp không chấm được (xem cột lỗi)",
            files.len()
        );
        Ok(Outcome::SomeFailed)
    } else {
        Ok(Outcome::AllHandled)
    }
}
