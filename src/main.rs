//! `thuhoach`: a thin command line over the library. Each subcommand parses its arguments,
//! calls one library function and prints; exit codes are 0 (all inputs handled), 1 (some
//! inputs failed, the rest still reported; or an altered decisions log), 2 (the run stopped on
//! an error: usage, rubric, configuration, an input or output that cannot be used); see
//! [`exit_code`].

#![forbid(unsafe_code)]

/// Grading makes many small, short-lived allocations; mimalloc serves them faster than the
/// system allocator (see benches/README.md).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
use thuhoach::rubric::registry::TopicTally;
use thuhoach::{CompiledRubric, Grader};

/// The exit codes, at the end of `thuhoach --help` (see [`exit_code`]).
const EXIT_CODES_HELP: &str = "Mã thoát: 0 mọi tệp đều chấm được (kể cả khi ống dẫn ra bị đóng, ví dụ | head); \
1 lệnh chạy xong nhưng có tệp không chấm được (vẫn có dòng kết quả ghi lỗi) hoặc sổ quyết định bị sửa; \
2 lệnh dừng vì lỗi: cách dùng, barem, cấu hình, đường dẫn vào hoặc tệp ra không dùng được.";

/// Output buffer: a JSON row is about 12 KB, so a few dozen rows per write.
const OUTPUT_BUFFER: usize = 256 * 1024;

#[derive(Parser)]
#[command(
    name = "thuhoach",
    version,
    about = "Chấm bài thu hoạch Nghị quyết: xếp loại Tốt / Khá / Trung bình / Chưa đạt, có dẫn chứng (grade Vietnamese reflection essays).",
    after_help = EXIT_CODES_HELP
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Chấm bài (.docx, .doc, .odt, .rtf, .pdf, .txt, .md, .html; thư mục được đọc cả thư mục con).
    Grade {
        /// Tệp bài hoặc thư mục bài.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Barem (rubric): tệp TOML hoặc mã barem có sẵn (`thuhoach rubric list`); mặc định:
        /// barem Nghị quyết Đại hội XIII có sẵn.
        #[arg(long)]
        rubric: Option<PathBuf>,
        /// Định dạng kết quả (format); mặc định theo đuôi tệp --out, không có thì in bảng.
        #[arg(long, value_enum)]
        format: Option<FormatArg>,
        /// Ghi kết quả vào tệp này (.jsonl, .json, .csv, .txt; .xlsx/.docx/.html: báo cáo).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Số luồng xử lý (mặc định: mọi nhân); kết quả như nhau với mọi giá trị.
        #[arg(long)]
        jobs: Option<usize>,
        /// Danh sách đảng viên (.csv, .xlsx) cho báo cáo khi --out là .xlsx/.docx/.html.
        #[arg(long)]
        roster: Option<PathBuf>,
        /// Văn bản đối chiếu sao chép (tệp hoặc thư mục: Nghị quyết, bài mẫu).
        #[arg(long)]
        reference: Vec<PathBuf>,
        /// So trùng lặp giữa các bài: auto = bật khi lô không quá 20.000 tệp.
        #[arg(long, value_enum, default_value = "auto")]
        dupes: DupesMode,
        /// Chấm tiếp: bỏ qua bài đã có trong tệp kết quả .jsonl này (cùng nội dung, cùng
        /// barem); phải là chính tệp --out, bài mới được ghi nối vào.
        #[arg(long)]
        skip_done: Option<PathBuf>,
    },
    /// Lập báo cáo của tổ đánh giá từ kết quả chấm: theo chi bộ, tỷ lệ tham gia, xếp loại.
    Report {
        /// Tệp kết quả chấm (.jsonl của lệnh grade).
        results: PathBuf,
        /// Danh sách đảng viên (.csv, .xlsx): STT, Họ và tên, Chi bộ, có thể có cột Tệp.
        #[arg(long)]
        roster: Option<PathBuf>,
        /// Barem đặt tên các mức xếp loại (mặc định: barem có sẵn).
        #[arg(long)]
        rubric: Option<PathBuf>,
        /// Tệp báo cáo: .docx, .xlsx, .html hoặc .csv.
        #[arg(long)]
        out: PathBuf,
        /// Sổ quyết định của tổ (lệnh override): báo cáo dùng xếp loại cuối cùng của tổ.
        #[arg(long)]
        overrides: Option<PathBuf>,
        #[command(flatten)]
        committee: CommitteeArgs,
    },
    /// Tìm các nhóm bài chép của nhau, kèm đoạn giống nhau.
    Dupes {
        /// Tệp bài hoặc thư mục bài.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Văn bản đối chiếu (tệp hoặc thư mục): phần trích Nghị quyết không tính là chép nhau.
        #[arg(long)]
        reference: Vec<PathBuf>,
        #[arg(long)]
        rubric: Option<PathBuf>,
        /// Mức giống nhau (0–1) từ đó hai bài bị coi là gần trùng.
        #[arg(long, default_value_t = 0.5)]
        threshold: f64,
        #[arg(long, value_enum, default_value = "table")]
        format: SearchFormat,
        #[arg(long)]
        jobs: Option<usize>,
    },
    /// Lập hoặc cập nhật chỉ mục tìm kiếm (lập lại một tệp thì thay bản cũ).
    Index {
        /// Tệp bài hoặc thư mục bài.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Thư mục chỉ mục (tạo mới nếu chưa có).
        #[arg(long)]
        index: PathBuf,
        #[arg(long)]
        rubric: Option<PathBuf>,
        /// Xóa khỏi chỉ mục các bài mà tệp không còn.
        #[arg(long)]
        prune: bool,
        #[arg(long)]
        jobs: Option<usize>,
    },
    /// Tìm trong các bài đã lập chỉ mục: từ và "cụm từ trong ngoặc kép", có dấu hoặc không.
    Search {
        query: String,
        #[arg(long)]
        index: PathBuf,
        /// Chỉ bài của chi bộ / đơn vị này (có dấu hoặc không).
        #[arg(long)]
        unit: Option<String>,
        /// Chỉ bài có xếp loại này: Tốt, Khá, Trung bình, Chưa đạt (có dấu hoặc không).
        #[arg(long)]
        grade: Option<String>,
        /// Barem có các mức mà --grade nêu (mặc định: barem có sẵn).
        #[arg(long)]
        rubric: Option<PathBuf>,
        #[arg(long)]
        min_score: Option<f64>,
        /// Chỉ bài có cờ cảnh báo này (lặp lại được), ví dụ near_duplicate.
        #[arg(long)]
        flag: Vec<String>,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long, value_enum, default_value = "table")]
        format: SearchFormat,
    },
    /// Giải thích xếp loại một bài: chủ đề và câu dẫn chứng, các phần, cảnh báo, lời khuyên.
    Explain {
        file: PathBuf,
        #[arg(long)]
        rubric: Option<PathBuf>,
        /// Văn bản đối chiếu (tệp hoặc thư mục) để chỉ ra đoạn sao chép.
        #[arg(long)]
        reference: Vec<PathBuf>,
        /// Ghi phiếu nhận xét một trang (.docx) cho người viết thay vì in ra màn hình.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Công cụ barem: kiểm tra, xuất barem có sẵn.
    Rubric {
        #[command(subcommand)]
        command: RubricCommand,
    },
    /// Ghi quyết định xếp loại của tổ cho một bài (sổ chỉ ghi thêm, phát hiện được sửa đổi).
    Override {
        /// Sổ quyết định (JSON Lines; tạo mới khi dùng lần đầu).
        #[arg(long)]
        log: PathBuf,
        /// Tệp bài (như trong kết quả chấm, hoặc đường dẫn).
        #[arg(long)]
        file: String,
        /// Xếp loại của tổ: Tốt, Khá, Trung bình, Chưa đạt (có dấu hoặc không).
        #[arg(long)]
        grade: String,
        /// Người quyết định (họ tên, chức vụ).
        #[arg(long)]
        by: String,
        /// Lý do (ghi vào sổ và báo cáo).
        #[arg(long)]
        reason: String,
        /// Tệp kết quả chấm có xếp loại của máy; không có thì chấm lại bài ngay.
        #[arg(long)]
        results: Option<PathBuf>,
        /// Barem có các mức xếp loại (mặc định: barem có sẵn).
        #[arg(long)]
        rubric: Option<PathBuf>,
    },
    /// Hiệu chỉnh ngưỡng xếp loại theo mẫu tổ chấm tay: in mức khớp trước và sau (kiểm định
    /// chéo), ghi barem đã hiệu chỉnh.
    Calibrate {
        /// Tệp kết quả chấm (.jsonl) của các bài đã chấm tay.
        results: PathBuf,
        /// Tệp CSV cột file,grade: xếp loại của tổ, khớp theo tên tệp (lặp lại được).
        #[arg(long, required = true)]
        labels: Vec<PathBuf>,
        /// Barem cần hiệu chỉnh (mặc định: barem có sẵn).
        #[arg(long)]
        rubric: Option<PathBuf>,
        /// Ghi barem đã hiệu chỉnh (TOML) vào tệp này.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Công cụ sổ quyết định: kiểm tra tính toàn vẹn.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Xuất bộ tách tiếng dạng Hugging Face tokenizer (cho hệ thống học máy khác).
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
    /// Ghi tokenizer.json: cùng cách chuẩn hóa và tách tiếng như thuhoach.
    Export {
        #[arg(long, default_value = "tokenizer.json")]
        out: PathBuf,
    },
}

/// Who issues the report and when: a `[committee]` TOML file, and options over it.
#[derive(clap::Args)]
struct CommitteeArgs {
    /// Tệp TOML có bảng [committee] (name, parent, place, date, number, signer_title,
    /// signer_name); các tùy chọn dưới đây ghi đè.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Tên tổ ban hành báo cáo, ví dụ "TỔ ĐÁNH GIÁ BÀI THU HOẠCH".
    #[arg(long)]
    committee: Option<String>,
    /// Cấp ủy cấp trên, ví dụ "ĐẢNG BỘ XÃ YÊN THẠCH".
    #[arg(long)]
    parent: Option<String>,
    /// Địa danh ở dòng ngày tháng, ví dụ "Yên Thạch".
    #[arg(long)]
    place: Option<String>,
    /// Ngày báo cáo: 05/06/2026 hoặc 2026-06-05 (mặc định: hôm nay).
    #[arg(long)]
    date: Option<String>,
    /// Số văn bản, ví dụ "Số 12-BC/TĐG".
    #[arg(long)]
    number: Option<String>,
    /// Chức danh người ký, ví dụ "TỔ TRƯỞNG".
    #[arg(long)]
    signer_title: Option<String>,
    /// Họ tên người ký.
    #[arg(long)]
    signer_name: Option<String>,
}

impl CommitteeArgs {
    fn options(self) -> anyhow::Result<ReportOptions> {
        let mut options = ReportOptions::default();
        if let Some(path) = &self.config {
            thuhoach::report::CommitteeConfig::from_file(path)?
                .apply(&mut options)
                .map_err(|e| anyhow!("{}: {e}", path.display()))?;
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
        .map_err(|e| anyhow!("--date: {e}"))?;
        Ok(options)
    }
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Kiểm tra sổ quyết định không bị sửa, xóa hay đảo thứ tự mục nào
    /// (mã thoát 0: nguyên vẹn, 1: bị sửa).
    Verify { log: PathBuf },
}

/// `--dupes`: [`thuhoach::Dupes`] (the policy, and its 20,000-file limit, is the library's).
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum DupesMode {
    Auto,
    On,
    Off,
}

impl From<DupesMode> for thuhoach::Dupes {
    fn from(mode: DupesMode) -> Self {
        match mode {
            DupesMode::Auto => thuhoach::Dupes::Auto,
            DupesMode::On => thuhoach::Dupes::On,
            DupesMode::Off => thuhoach::Dupes::Off,
        }
    }
}

/// `grade --format`: [`Format`] (clap stays in the binary).
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum FormatArg {
    /// Aligned columns for a terminal.
    Table,
    /// One JSON array.
    Json,
    /// One JSON object per line.
    Jsonl,
    /// Comma-separated values with a header row.
    Csv,
}

impl From<FormatArg> for Format {
    fn from(arg: FormatArg) -> Self {
        match arg {
            FormatArg::Table => Format::Table,
            FormatArg::Json => Format::Json,
            FormatArg::Jsonl => Format::Jsonl,
            FormatArg::Csv => Format::Csv,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum SearchFormat {
    Table,
    Json,
}

#[derive(Subcommand)]
enum RubricCommand {
    /// Kiểm tra một barem (tệp hoặc mã có sẵn) và in mọi thiết lập của nó.
    Check { file: PathBuf },
    /// Liệt kê các barem có sẵn (dùng với `--rubric <mã>`).
    List,
    /// Xuất barem có sẵn (TOML, có chú thích) để sửa; không có --out thì in ra màn hình.
    Export {
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Soạn nháp barem từ toàn văn một nghị quyết (.docx, .pdf, .txt…) để thư ký sửa.
    Draft {
        /// Toàn văn nghị quyết.
        #[arg(long)]
        from: PathBuf,
        /// Mã barem mới (chữ thường, không dấu, gạch nối), ví dụ nq-tw5-khoa-xiv.
        #[arg(long)]
        id: String,
        /// Ghi barem vào tệp này (mặc định: in ra màn hình).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// How a run ended, apart from hard errors.
enum Outcome {
    AllHandled,
    SomeFailed,
}

/// Help pages in Vietnamese: headings of the template and of every argument.
const HELP_TEMPLATE: &str = "{about-with-newline}\nCách dùng: {usage}\n\n{all-args}{after-help}";

/// The command line with Vietnamese headings, help and version flags, on every subcommand.
fn vietnamese(cmd: clap::Command) -> clap::Command {
    use clap::{Arg, ArgAction};
    let ids: Vec<(String, bool)> = cmd
        .get_arguments()
        .map(|a| (a.get_id().to_string(), a.is_positional()))
        .collect();
    let mut cmd = cmd
        .help_template(HELP_TEMPLATE)
        .subcommand_help_heading("Lệnh")
        .subcommand_value_name("LỆNH")
        .disable_help_subcommand(true)
        .disable_help_flag(true)
        .disable_version_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("In hướng dẫn này")
                .help_heading("Tùy chọn"),
        );
    if cmd.get_version().is_some() {
        cmd = cmd.arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("In phiên bản")
                .help_heading("Tùy chọn"),
        );
    }
    for (id, positional) in ids {
        cmd = cmd.mut_arg(id, |a| {
            a.help_heading(if positional {
                "Đối số"
            } else {
                "Tùy chọn"
            })
        });
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    for name in names {
        cmd = cmd.mut_subcommand(name, vietnamese);
    }
    cmd
}

/// A clap error as a Vietnamese sentence, clap's own message after it in parentheses.
fn vietnamese_error(err: &clap::Error) -> String {
    use clap::error::ErrorKind;
    let sentence = match err.kind() {
        ErrorKind::InvalidValue => "giá trị không hợp lệ",
        ErrorKind::UnknownArgument => "tùy chọn không có",
        ErrorKind::InvalidSubcommand => "lệnh không có",
        ErrorKind::NoEquals => "tùy chọn cần dấu =",
        ErrorKind::ValueValidation => "giá trị không hợp lệ",
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues => "số giá trị không đúng",
        ErrorKind::TooFewValues => "thiếu giá trị",
        ErrorKind::ArgumentConflict => "các tùy chọn không dùng chung được",
        ErrorKind::MissingRequiredArgument => "thiếu đối số hoặc tùy chọn bắt buộc",
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "thiếu lệnh"
        }
        ErrorKind::InvalidUtf8 => "đối số không phải UTF-8",
        _ => "cách dùng không đúng",
    };
    let original = err.to_string();
    let original = original
        .trim()
        .trim_start_matches("error: ")
        .replace("\n\nFor more information, try '--help'.", "")
        .replace("\n\n", " ")
        .replace('\n', " ");
    format!(
        "thuhoach: {sentence} ({original}). Xem hướng dẫn: thuhoach --help hoặc thuhoach LỆNH --help"
    )
}

fn parse_cli() -> Result<Cli, ExitCode> {
    use clap::{CommandFactory, FromArgMatches};
    let cmd = vietnamese(Cli::command());
    let parsed = cmd
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m));
    parsed.map_err(|err| {
        use clap::error::ErrorKind;
        match err.kind() {
            ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                let _ = err.print();
                ExitCode::SUCCESS
            }
            _ => {
                eprintln!("{}", vietnamese_error(&err));
                ExitCode::from(2)
            }
        }
    })
}

fn main() -> ExitCode {
    let cli = match parse_cli() {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    match run(cli) {
        Ok(Outcome::AllHandled) => ExitCode::SUCCESS,
        Ok(Outcome::SomeFailed) => ExitCode::from(1),
        Err(err) => {
            let code = exit_code(&err);
            if code != 0 {
                eprintln!("thuhoach: {}", message(&err));
            }
            ExitCode::from(code)
        }
    }
}

/// The one place an error becomes an exit code (the contract, also in `--help` and the
/// README): a closed pipe anywhere in the chain (`thuhoach grade … | head`) is success;
/// anything else stopped the run, 2. (1 is not an error: the run finished and some inputs
/// failed, each with its row.)
fn exit_code(err: &anyhow::Error) -> u8 {
    let broken_pipe = err.chain().any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    });
    if broken_pipe {
        0
    } else {
        2
    }
}

/// The error and its causes, each said once: a cause whose message the text already holds
/// (library errors include what they wrap, since rows and pages show them alone) is left out.
fn message(err: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in err.chain() {
        let said = cause.to_string();
        if said.is_empty() || text.contains(&said) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&said);
    }
    text
}

/// `--rubric`: a file, else a shipped rubric's id, else the default.
fn load_rubric(path: Option<&Path>) -> anyhow::Result<CompiledRubric> {
    Ok(thuhoach::rubric::registry::choose(path)?.rubric)
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
            let format = format.map(Format::from);
            let report_out = out.as_deref().and_then(ReportFormat::from_path);
            if roster.is_some() && !matches!(report_out, Some(f) if f != ReportFormat::Csv) {
                bail!(
                    "--roster chỉ dùng khi --out là báo cáo .xlsx, .docx hoặc .html; kết quả từng bài \
                     (.csv, .jsonl, bảng) không dùng danh sách. Hãy chấm ra .jsonl rồi lập báo cáo: \
                     thuhoach report KQ.jsonl --roster DS.xlsx --out bao-cao.csv"
                )
            }
            if let Some(done) = &skip_done {
                let jsonl = format.or_else(|| Format::from_extension(done)) == Some(Format::Jsonl);
                if out.as_deref() != Some(done.as_path()) || !jsonl {
                    bail!(format!(
                        "--skip-done {} phải là chính tệp --out (.jsonl) để các bài mới được ghi nối \
                         vào; với tệp --out khác, các bài đã chấm sẽ vắng mặt trong tệp mới",
                        done.display()
                    ));
                }
            }
            let files = thuhoach::collect_inputs(&paths)?;
            let chosen = thuhoach::rubric::registry::choose(rubric.as_deref())?;
            eprintln!("thuhoach: {}", chosen.describe());
            let dupes = thuhoach::Dupes::from(dupes);
            if let Some(note) = dupes.skipped_note(files.len()) {
                eprintln!("thuhoach: {note}");
            }
            let grader =
                Grader::for_batch(chosen.rubric, &files, &reference, dupes, jobs.unwrap_or(0))?;
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
            let references = thuhoach::references_for(&rubric, &reference)?;
            let thresholds = Thresholds {
                near_duplicate: threshold,
                ..Thresholds::default()
            };
            let files = thuhoach::collect_inputs(&paths)?;
            let mut grader = Grader::new(rubric).with_references(references, thresholds);
            let report = grader.find_duplicates(&files, jobs.unwrap_or(0))?;
            let mut out = io::stdout().lock();
            match format {
                SearchFormat::Json => {
                    serde_json::to_writer_pretty(&mut out, &report)?;
                    writeln!(out)?;
                }
                SearchFormat::Table => report.write_table(&mut out, files.len())?,
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
            let mut rows = thuhoach::report::read_results(&results)?;
            let roster = load_roster(roster.as_deref())?;
            if let Some(log) = overrides {
                thuhoach::audit::verify(&log).map_err(|e| {
                    anyhow!("{e}. Không lập báo cáo từ một sổ quyết định không toàn vẹn.")
                })?;
                let decisions = thuhoach::audit::read(&log)?;
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
            write_report_with(&rows, roster.as_ref(), &rubric, &out, &options)?;
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
            let files = thuhoach::collect_inputs(&paths)?;
            let idx = EssayIndex::open_or_create(&index)?;
            let report = grader
                .index_files(&idx, &files, jobs.unwrap_or(0), prune, |row| {
                    eprintln!(
                        "thuhoach: {}: {}",
                        row.file,
                        row.error.as_deref().unwrap_or("")
                    );
                })
                .with_context(|| format!("không lập được chỉ mục {}", index.display()))?;
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
            let idx = EssayIndex::open(&index)?;
            let grade = match grade {
                Some(g) => {
                    let rubric = load_rubric(rubric.as_deref())?;
                    let level = thuhoach::rubric::resolve_level(&rubric, &g).context("--grade")?;
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
            let results = idx.search(&query, &opts)?;
            let mut out = io::stdout().lock();
            match format {
                SearchFormat::Json => {
                    serde_json::to_writer_pretty(&mut out, &results)?;
                    writeln!(out)?;
                }
                SearchFormat::Table => {
                    let (open, close) = if io::stdout().is_terminal() {
                        ("\x1b[1;33m", "\x1b[0m")
                    } else {
                        ("[", "]")
                    };
                    results.write_table(&mut out, open, close)?
                }
            }
            out.flush()?;
            Ok(Outcome::AllHandled)
        }
        Command::Explain {
            file,
            rubric,
            reference,
            out,
        } => {
            let grader = Grader::for_batch(
                load_rubric(rubric.as_deref())?,
                std::slice::from_ref(&file),
                &reference,
                thuhoach::Dupes::Off,
                1,
            )?;
            let row = grader.grade_file(&file);
            let text = explain(&row, grader.rubric());
            match out {
                Some(out) => {
                    thuhoach::report::write_feedback_docx(&text, &out)?;
                    eprintln!("đã ghi phiếu nhận xét {}", out.display());
                }
                None => {
                    print!("{text}");
                    io::stdout().flush()?;
                }
            }
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
            let d = thuhoach::audit::record_override(&log, &request, &rubric)?;
            let label = |id: &str| {
                rubric
                    .level_index(id)
                    .map_or(id.to_string(), |i| rubric.spec().levels[i].label.clone())
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
                    .with_context(|| format!("không đọc được barem {}", p.display()))?,
                None => thuhoach::rubric::DEFAULT_RUBRIC_TOML.to_string(),
            };
            let rubric = load_rubric(rubric.as_deref())?;
            let rows = thuhoach::report::read_results(&results)?;
            let mut all = Vec::new();
            for path in &labels {
                all.extend(thuhoach::calibrate::read_labels(path, &rubric)?);
            }
            let c = thuhoach::calibrate::calibrate(&rows, &all, &rubric)?;
            print!("{}", c.render());
            if let Some(out) = out {
                let note = c.note(
                    &thuhoach::calibrate::label_sources(&labels),
                    &thuhoach::report::ReportDate::today().short_vi(),
                );
                let tuned = thuhoach::calibrate::tuned_rubric_text(&text, &c, &note)?;
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
            Err(e) => Err(e.into()),
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
            thuhoach::serve::serve(options)?;
            Ok(Outcome::AllHandled)
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
            thuhoach::serve::add_user(&data, &name, role, password)?;
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
            let rubric = load_rubric(Some(&file))?;
            print!("{}", thuhoach::rubric::describe(&rubric));
            Ok(Outcome::AllHandled)
        }
        Command::Rubric {
            command: RubricCommand::List,
        } => {
            let mut out = io::stdout().lock();
            for r in thuhoach::rubric::registry::list()? {
                let default = if r.default { " (mặc định)" } else { "" };
                writeln!(out, "{:<14} {}{default}", r.id, r.title)?;
                writeln!(
                    out,
                    "{:<14} {}; {} chủ đề, phiên bản {}",
                    "", r.resolution, r.themes, r.version
                )?;
            }
            writeln!(out, "\nDùng: thuhoach grade <thư mục> --rubric <mã>")?;
            out.flush()?;
            Ok(Outcome::AllHandled)
        }
        Command::Rubric {
            command: RubricCommand::Draft { from, id, out },
        } => {
            let draft = thuhoach::rubric::draft::draft_file(&from, &id)?;
            match out {
                Some(path) => {
                    std::fs::write(&path, &draft.toml)
                        .with_context(|| format!("không ghi được {}", path.display()))?;
                    eprintln!(
                        "đã ghi {} ({} chủ đề); kiểm tra: thuhoach rubric check {}",
                        path.display(),
                        draft.themes,
                        path.display()
                    );
                }
                None => print!("{}", draft.toml),
            }
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

/// Tells the secretary how the essays matched the roster (nothing without one).
fn print_matching(rows: &[thuhoach::Assessment], roster: Option<&Roster>, rubric: &CompiledRubric) {
    let summary = thuhoach::report::Summary::build(rows, roster, &rubric.spec().levels);
    if let Some(line) = summary.matching_vi() {
        eprintln!("thuhoach: {line}");
    }
}

fn load_roster(path: Option<&Path>) -> anyhow::Result<Option<Roster>> {
    Ok(path.map(Roster::from_path).transpose()?)
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
    let mut tally = TopicTally::new();
    grader.grade_files(files, jobs.unwrap_or(0), |row| {
        tally.observe(&row);
        rows.push(row)
    })?;
    advise_rubric(&tally, grader.rubric());
    print_matching(&rows, roster.as_ref(), grader.rubric());
    write_report(&rows, roster.as_ref(), grader.rubric(), out)?;
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

/// Says on stderr when another shipped rubric fits the batch better than the chosen one.
fn advise_rubric(tally: &TopicTally, rubric: &CompiledRubric) {
    if let Some(s) = tally.suggest(rubric) {
        eprintln!("thuhoach: {}", s.message(rubric));
    }
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
            anyhow!(
                "không biết định dạng cho {} (dùng .json, .jsonl, .csv, .txt hoặc --format)",
                p.display()
            )
        })?,
        (None, None) => Format::Table,
    };
    if files.is_empty() {
        bail!("không tìm thấy tệp .docx hoặc .txt nào để chấm");
    }
    let done = match skip_done {
        // First run of a resumable batch: nothing is done yet.
        Some(p) if !p.exists() => Some(thuhoach::DoneSet::default()),
        Some(p) => Some(thuhoach::DoneSet::from_jsonl(p, grader.rubric()).context("--skip-done")?),
        None => None,
    };
    let append = skip_done.is_some() && skip_done == out;
    if append && format != Format::Jsonl {
        bail!("--skip-done vào cùng tệp --out chỉ dùng được với định dạng jsonl");
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
    let mut tally = TopicTally::new();
    let skipped = grader.grade_files_skipping(files, jobs.unwrap_or(0), done.as_ref(), |row| {
        progress.inc(1);
        tally.observe(&row);
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
    advise_rubric(&tally, grader.rubric());
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
