//! `thuhoach serve`: the reviewers' web app and the HTTP JSON API, on one workspace.
//!
//! A workspace (`--data`) is a folder holding `thuhoach.sqlite` (essays, rows, texts, batches,
//! users, sessions, an index of the decisions, the near-duplicate pairs found after every
//! import, the essays removed by admins), `index/` (the tantivy index of
//! [`crate::index::EssayIndex`], the engine of `thuhoach search`), `decisions.jsonl` (the
//! tamper-evident decisions log, the authority for overrides) and the roster.
//!
//! Requests are served by tokio (axum); grading, indexing and database work run on blocking
//! threads (grading on rayon), so a big upload never stalls the pages.

mod admin;
mod api;
mod auth;
pub mod decisions;
mod html;
mod pages;
pub mod store;
mod workspace;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

pub use store::{Decision, Role};
pub use workspace::{EssayFilter, Workspace};

use crate::CompiledRubric;

/// Request bodies other than uploads are capped at this size.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;
/// Default cap of one upload request (essays, a .zip of essays, a roster).
pub const DEFAULT_MAX_UPLOAD_BYTES: usize = 200 * 1024 * 1024;
/// The essays of one .zip may not inflate to more than this in total.
pub const MAX_ZIP_TOTAL_BYTES: u64 = 1024 * 1024 * 1024;

/// Why the server could not start or a request failed.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// A query or transaction on the workspace database (`thuhoach.sqlite`) failed.
    #[error("lỗi cơ sở dữ liệu: {0}")]
    Sql(#[from] rusqlite::Error),
    /// A file or folder of the workspace could not be read or written, or the listening
    /// socket could not be opened.
    #[error("lỗi đọc/ghi: {0}")]
    Io(#[from] std::io::Error),
    /// The workspace's search index could not be opened, written or searched (including a
    /// search query that cannot be parsed).
    #[error(transparent)]
    Index(#[from] crate::index::IndexError),
    /// The committee report could not be written, or a roster cannot be used.
    #[error(transparent)]
    Report(#[from] crate::report::ReportError),
    /// The grading library failed: the essays to import cannot be listed, or the rubric's
    /// references cannot be loaded.
    #[error(transparent)]
    Library(#[from] crate::Error),
    /// An internal failure, with its message: stored data that cannot be read back or written
    /// out, a lock left poisoned by an earlier failure, a background task that stopped, no
    /// randomness for tokens or password salts, or a decisions log that cannot be read or
    /// written or whose chain does not verify.
    #[error("{0}")]
    Data(String),
    /// A configuration the server refuses (e.g. a public address without an admin).
    #[error("{0}")]
    Refused(String),
}

/// How to run the server.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The workspace folder.
    pub data: PathBuf,
    /// Address and port to listen on; a non-loopback address requires an admin user.
    pub bind: SocketAddr,
    /// The rubric new and uploaded essays are graded with.
    pub rubric: CompiledRubric,
    /// Roster to use (stored in the workspace, replacing an earlier one).
    pub roster: Option<PathBuf>,
    /// Essays (files or folders) to grade and import at start.
    pub paths: Vec<PathBuf>,
    /// Cap of one upload request, in bytes.
    pub max_upload_bytes: usize,
}

/// Opens the workspace, imports `paths`, and serves until the process is stopped.
pub fn serve(options: ServeOptions) -> Result<(), ServeError> {
    let workspace = Workspace::open(&options.data, options.rubric.clone())?;
    if !options.bind.ip().is_loopback() && workspace.count_users(Some(Role::Admin))? == 0 {
        return Err(ServeError::Refused(format!(
            "từ chối mở ở địa chỉ {} (mọi máy trong mạng truy cập được) khi chưa có tài khoản quản trị; \
             hãy tạo trước: thuhoach user add TÊN --role admin --data {}",
            options.bind,
            options.data.display()
        )));
    }
    if let Some(roster) = &options.roster {
        workspace.set_roster_file(roster)?;
    }
    if !options.paths.is_empty() {
        let report = workspace.import_paths(&options.paths)?;
        eprintln!(
            "Đã chấm và nhập {} bài ({} tệp lỗi) vào {}",
            report.0,
            report.1,
            options.data.display()
        );
    }
    let workspace = Arc::new(workspace);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(options.bind).await?;
        let addr = listener.local_addr()?;
        eprintln!(
            "thuhoach đang phục vụ tại http://{addr}/ (dữ liệu: {})",
            options.data.display()
        );
        let app = router(workspace, options.max_upload_bytes);
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await?;
        Ok(())
    })
}

/// The whole application: pages and API.
pub fn router(workspace: Arc<Workspace>, max_upload_bytes: usize) -> axum::Router {
    let state = AppState {
        ws: workspace,
        limiter: Arc::new(auth::LoginLimiter::default()),
        max_upload_bytes,
        searching: Arc::new(tokio::sync::Semaphore::new(
            std::thread::available_parallelism().map_or(2, |n| n.get()),
        )),
    };
    pages::routes(max_upload_bytes)
        .merge(admin::routes())
        .merge(api::routes())
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

/// The OpenAPI document of the HTTP API.
pub fn openapi_json() -> String {
    api::openapi_json()
}

/// Shared by every request.
#[derive(Clone)]
pub struct AppState {
    pub(crate) ws: Arc<Workspace>,
    pub(crate) limiter: Arc<auth::LoginLimiter>,
    pub(crate) max_upload_bytes: usize,
    /// Searches running at once (one per core).
    pub(crate) searching: Arc<tokio::sync::Semaphore>,
}

/// Hashes a password with argon2 (for `thuhoach user add`).
pub fn hash_password(password: &str) -> Result<String, ServeError> {
    auth::hash_password(password)
}

/// Refuses a password that is too short.
pub(crate) fn check_password(password: &str) -> Result<(), ServeError> {
    if password.chars().count() < 8 {
        return Err(ServeError::Refused(
            "mật khẩu phải có ít nhất 8 ký tự".into(),
        ));
    }
    Ok(())
}

/// Adds a user (or replaces their role and password) in the workspace at `data`.
pub fn add_user(
    data: &std::path::Path,
    name: &str,
    role: Role,
    password: &str,
) -> Result<(), ServeError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        return Err(ServeError::Refused(
            "tên người dùng phải có từ 1 đến 64 ký tự, không có ký tự điều khiển".into(),
        ));
    }
    check_password(password)?;
    std::fs::create_dir_all(data)?;
    let store = store::Store::open(&workspace::db_path(data))?;
    store.add_user(name, role, &auth::hash_password(password)?)
}
