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
        #[command(flatten)]
        committee: CommitteeArgs,
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
        /// Only essays with this grade: Tốt, Khá, Trung bình, Chưa đạt (diacritics optional) or an id.
        #[arg(long)]
        grade: Option<String>,
        /// Rubric whose levels --grade names (default: built-in).
        #[arg(long)]
        rubric: Option<PathBuf>,
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
    /// Fit the rubric's level thresholds to grades the committee gave by hand; print agreement
    /// before and after (cross-validated) and write the tuned rubric.
    Calibrate {
        /// Results of `grade --format jsonl` for the labeled essays.
        results: PathBuf,
        /// CSV with columns file,grade (repeatable): the committee's grades, matched by file name.
        #[arg(long, required = true)]
        labels: Vec<PathBuf>,
        /// Rubric to tune; default: built-in.
        #[arg(long)]
        rubric: Option<PathBuf>,
        /// Write the tuned rubric (TOML) here.
        #[arg(long)]
        out: Option<PathBuf>,
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
}

#[derive(Subcommand)]
enum TokenizerCommand {
    /// Write tokenizer.json: the same normalization and syllable tokens as thuhoach.
    Export {
        #[arg(long, default_value = "tokenizer.json")]
        out: PathBuf,
    },
}

/// Who issues the report and when: a `[committee]` TOML file, and options over it.
#[derive(clap::Args)]
struct CommitteeArgs {
    /// TOML file with a [committee] table (name, parent, place, date, number, signer_title,
    /// signer_name); options below override it.
    #[arg(long)]
    config: Option<PathBuf>,
    /// The committee issuing the report, e.g. "TỔ ĐÁNH GIÁ BÀI THU HOẠCH".
    #[arg(long)]
    committee: Option<String>,
    /// The party committee above it, e.g. "ĐẢNG BỘ XÃ YÊN THẠCH".
    #[arg(long)]
    parent: Option<String>,
    /// Place in the date line, e.g. "Yên Thạch".
    #[arg(long)]
    place: Option<String>,
    /// Date of the report: 05/06/2026 or 2026-06-05 (default: today).
    #[arg(long)]
    date: Option<String>,
    /// Document number, e.g. "Số 12-BC/TĐG".
    #[arg(long)]
    number: Option<String>,
    /// Signer's title, e.g. "TỔ TRƯỞNG".
    #[arg(long)]
    signer_title: Option<String>,
    /// Signer's name.
    #[arg(long)]
    signer_name: Option<String>,
}

impl CommitteeArgs {
    fn options(self) -> anyhow::Result<ReportOptions> {
        let mut options = ReportOptions::default();
        if let Some(path) = &self.config {
            thuhoach::report::CommitteeConfig::from_file(path)
                .map_err(|e| usage(e.to_string()))?
                .apply(&mut options)
                .map_err(|e| usage(format!("{}: {e}", path.display())))?;
        }
        thuhoach::report::CommitteeConfig {
            name: self.committee,
            parent: self.parent,
            place: self.place,
            date: self.date,
            number: self.number,
            signer_title: self.signer_title,
            signer_name: self.signer_name,
        }
        .apply(&mut options)
        .map_err(|e| usage(format!("--date: {e}")))?;
        Ok(options)
    }
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
    /// Write the built-in rubric (TOML, commented) to edit; to standard output without --out.
    Export {
        #[arg(long)]
        out: Option<PathBuf>,
    },
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
            let report_out = out.as_deref().and_then(ReportFormat::from_path);
            if roster.is_some() && !matches!(report_out, Some(f) if f != ReportFormat::Csv) {
                bail!(usage(
                    "--roster chỉ dùng khi --out là báo cáo .xlsx, .docx hoặc .html; kết quả từng bài \
                     (.csv, .jsonl, bảng) không dùng danh sách. Hãy chấm ra .jsonl rồi lập báo cáo: \
                     thuhoach report KQ.jsonl --roster DS.xlsx --out bao-cao.csv"
                ));
            }
            if let Some(done) = &skip_done {
                let jsonl = format.or_else(|| Format::from_extension(done)) == Some(Format::Jsonl);
                if out.as_deref() != Some(done.as_path()) || !jsonl {
                    bail!(usage(format!(
                        "--skip-done {} phải là chính tệp --out (.jsonl) để các bài mới được ghi nối \
                         vào; với tệp --out khác, các bài đã chấm sẽ vắng mặt trong tệp mới",
                        done.display()
                    )));
                }
            }
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
            committee,
        } => {
            let mut options = committee.options()?;
            let rubric = load_rubric(rubric.as_deref())?;
            let mut rows =
                thuhoach::report::read_results(&results).map_err(|e| usage(e.to_string()))?;
            let roster = load_roster(roster.as_deref())?;
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
            rubric,
            min_score,
            flag,
            limit,
            format,
        } => {
            let idx = EssayIndex::open(&index).map_err(|e| usage(e.to_string()))?;
            let grade = match grade {
                Some(g) => {
                    let rubric = load_rubric(rubric.as_deref())?;
                    let level = thuhoach::rubric::resolve_level(&rubric, &g)
                        .map_err(|e| usage(format!("--grade: {e}")))?;
                    Some(level.id.clone())
                }
                None => None,
            };
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
        Command::Calibrate {
            results,
            labels,
            rubric,
            out,
        } => {
            let text = match &rubric {
                Some(p) => std::fs::read_to_string(p)
                    .with_context(|| format!("không đọc được barem {}", p.display()))
                    .map_err(|e| usage(format!("{e:#}")))?,
                None => thuhoach::rubric::DEFAULT_RUBRIC_TOML.to_string(),
            };
            let rubric = load_rubric(rubric.as_deref())?;
            let rows =
                thuhoach::report::read_results(&results).map_err(|e| usage(e.to_string()))?;
            let mut all = Vec::new();
            for path in &labels {
                all.extend(
                    thuhoach::calibrate::read_labels(path, &rubric)
                        .map_err(|e| usage(e.to_string()))?,
                );
            }
            let c = thuhoach::calibrate::calibrate(&rows, &all, &rubric)
                .map_err(|e| usage(e.to_string()))?;
            print!("{}", c.render());
            if let Some(out) = out {
                let names: Vec<String> = labels
                    .iter()
                    .map(|p| {
                        // The folder and the file: "dev/labels.csv".
                        let parts: Vec<_> = p.components().rev().take(2).collect();
                        parts
                            .into_iter()
                            .rev()
                            .map(|c| c.as_os_str().to_string_lossy().into_owned())
                            .collect::<Vec<_>>()
                            .join("/")
                    })
                    .collect();
                let note = c.note(
                    &names.join(", "),
                    &thuhoach::report::ReportDate::today().short_vi(),
                );
                let tuned = thuhoach::calibrate::tuned_rubric_text(&text, &c, &note)
                    .map_err(|e| usage(e.to_string()))?;
                std::fs::write(&out, tuned)
                    .with_context(|| format!("không ghi được {}", out.display()))?;
                eprintln!(
                    "đã ghi barem hiệu chỉnh {} (kiểm tra: thuhoach rubric check {})",
                    out.display(),
                    out.display()
                );
            }
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
        Command::Rubric {
            command: RubricCommand::Check { file },
        } => {
            let rubric = CompiledRubric::from_file(&file)?;
            print!("{}", thuhoach::rubric::describe(&rubric));
            Ok(Outcome::AllHandled)
        }
        Command::Rubric {
            command: RubricCommand::Export { out },
        } => {
            let text = thuhoach::rubric::DEFAULT_RUBRIC_TOML;
            match out {
                Some(out) => {
                    std::fs::write(&out, text)
                        .with_context(|| format!("không ghi được {}", out.display()))?;
                    eprintln!("đã ghi barem mặc định vào {}", out.display());
                }
                None => {
                    let mut stdout = io::stdout().lock();
                    stdout.write_all(text.as_bytes())?;
                    stdout.flush()?;
                }
            }
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
        // First run of a resumable batch: nothing is done yet.
        Some(p) if !p.exists() => Some(thuhoach::DoneSet::default()),
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
