//! The HTTP JSON API under `/api/v1`, described by the OpenAPI document (utoipa) served at
//! `/api/v1/openapi.json`.

use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};

use super::auth::{self, ApiAuth};
use super::store::Decision;
use super::workspace::{Entry, EssayFilter, Workspace};
use super::{AppState, ServeError};
use crate::index::SearchOptions;

/// An error answer: `{"error": "…"}` (Vietnamese).
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: String,
}

pub fn error(status: StatusCode, message: &str) -> Response {
    (
        status,
        Json(ErrorBody {
            error: message.to_string(),
        }),
    )
        .into_response()
}

/// Maps a library error to an answer: refusals are the client's fault (400).
pub fn from_serve_error(e: ServeError) -> Response {
    match e {
        ServeError::Refused(m) => error(StatusCode::BAD_REQUEST, &m),
        other => error(StatusCode::INTERNAL_SERVER_ERROR, &other.to_string()),
    }
}

/// Runs blocking work (database, index, grading) off the async threads.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ServeError> + Send + 'static,
) -> Result<T, ServeError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ServeError::Data(format!("tác vụ bị dừng: {e}")))?
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// Always "ok" when the server answers.
    pub status: String,
    /// Essays in the workspace.
    pub essays: usize,
}

/// Text to grade.
#[derive(Deserialize, ToSchema)]
pub struct GradeRequest {
    /// The essay's text.
    pub text: String,
    /// Name copied into the row's `file` (default `bai.txt`).
    pub file: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EssayQuery {
    /// Final grade id (`good`, `fair`, `average`, `poor`): the committee's where it decided.
    pub grade: Option<String>,
    /// Part of the party cell's name; diacritics optional.
    pub unit: Option<String>,
    /// `true`: only essays on the review list; `false`: only the others.
    pub review: Option<bool>,
    /// Flag id the essay must carry (`near_duplicate`, `too_short`, …).
    pub flag: Option<String>,
    /// Only essays a search for these words finds.
    pub q: Option<String>,
    /// `id` (default), `score`, `-score`, `author`, `unit`, `grade`.
    pub sort: Option<String>,
    /// Page size, default 50, at most 1000.
    pub limit: Option<usize>,
    pub offset: Option<usize>,
}

/// One essay in a list.
#[derive(Serialize, ToSchema)]
pub struct EssaySummary {
    pub id: i64,
    pub file: String,
    pub author: Option<String>,
    pub unit: Option<String>,
    /// The final grade id: the committee's decision if any, else the machine's.
    pub grade: Option<String>,
    pub grade_label: Option<String>,
    /// The machine's grade id.
    pub machine_grade: Option<String>,
    pub score: Option<f64>,
    pub words: Option<usize>,
    pub flags: Vec<String>,
    /// Why a person should look at the grade (Vietnamese); empty when none.
    pub review: Vec<String>,
    /// A reviewer decided this essay's grade.
    pub overridden: bool,
    pub error: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct EssayList {
    /// Essays matching the filters (all pages).
    pub total: usize,
    pub essays: Vec<EssaySummary>,
}

/// One essay: the assessment row of the JSON contract, plus the workspace's view of it.
#[derive(Serialize, ToSchema)]
pub struct EssayDetail {
    pub id: i64,
    /// The assessment row (`file`, `author`, `unit`, `score`, `grade`, `criteria`, `themes`,
    /// `flags`, …), as `thuhoach grade --format json` writes it.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub row: crate::Assessment,
    pub final_grade: Option<String>,
    pub final_grade_label: Option<String>,
    pub review: Vec<String>,
    pub decisions: Vec<Decision>,
    /// Essays of the workspace that are near-duplicates of this one (the engine of
    /// `thuhoach dupes`), the most similar first.
    pub copies: Vec<CopyPartner>,
    /// The essay's text as read.
    pub text: Option<String>,
}

/// A near-duplicate of an essay.
#[derive(Serialize, ToSchema)]
pub struct CopyPartner {
    pub id: i64,
    pub file: String,
    pub author: Option<String>,
    /// Share of one essay's own text found in the other, 0 to 1.
    pub similarity: f64,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Words and "quoted phrases", with or without diacritics.
    pub q: String,
    pub grade: Option<String>,
    pub unit: Option<String>,
    /// Default 20, at most 500.
    pub limit: Option<usize>,
}

/// The `thuhoach search --format json` shape, each hit with the essay's id.
#[derive(Serialize, ToSchema)]
pub struct SearchAnswer {
    pub total: usize,
    pub hits: Vec<SearchHitWithId>,
}

#[derive(Serialize, ToSchema)]
pub struct SearchHitWithId {
    pub id: Option<i64>,
    /// `file`, `author`, `unit`, `grade`, `grade_label`, `score`, `flags`, `snippet`,
    /// `snippet_html`, `highlights`, `relevance`.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub hit: crate::index::SearchHit,
}

#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    pub name: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct LoginAnswer {
    /// Send as `Authorization: Bearer <token>`; valid 12 hours.
    pub token: String,
    /// `reviewer` or `admin`.
    pub role: String,
}

#[derive(Deserialize, ToSchema)]
pub struct OverrideRequest {
    /// The committee's grade id (`good`, `fair`, `average`, `poor`).
    pub grade: String,
    /// Why (required).
    pub reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct DecisionList {
    pub decisions: Vec<Decision>,
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "thuhoach",
        description = "Grading of Vietnamese reflection essays (bài thu hoạch): the reviewers' API."
    ),
    paths(healthz, openapi, grade, essays, essay, search, login, override_grade, decisions),
    components(schemas(
        ErrorBody, Health, GradeRequest, EssaySummary, EssayList, EssayDetail, SearchAnswer,
        SearchHitWithId, CopyPartner, LoginRequest, LoginAnswer, OverrideRequest, DecisionList, Decision
    )),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

pub fn openapi_json() -> String {
    ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/grade", post(grade))
        .route("/api/v1/essays", get(essays))
        .route("/api/v1/essays/{id}", get(essay))
        .route("/api/v1/search", get(search))
        .route("/api/v1/login", post(login))
        .route("/api/v1/essays/{id}/override", post(override_grade))
        .route("/api/v1/decisions", get(decisions))
}

/// Liveness: the server answers and how many essays it holds.
#[utoipa::path(get, path = "/healthz", responses((status = 200, body = Health)))]
async fn healthz(State(state): State<AppState>) -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        essays: state.ws.count(),
    })
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", responses((status = 200, description = "OpenAPI 3.1 document", content_type = "application/json")))]
async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], openapi_json()).into_response()
}

/// Grades one essay (JSON `{"text"}` or a multipart `file`) and returns its assessment row;
/// nothing is stored.
#[utoipa::path(post, path = "/api/v1/grade",
    request_body(content = GradeRequest, description = "JSON {\"text\"}, or multipart/form-data with a `file` part (.docx, .txt, …)"),
    responses(
        (status = 200, description = "The assessment row of the JSON contract", body = Object),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 413, body = ErrorBody)),
    security(("bearer" = [])))]
async fn grade(State(state): State<AppState>, _auth: ApiAuth, req: Request) -> Response {
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let (name, doc) = if multipart {
        let mut form = match Multipart::from_request(req, &state).await {
            Ok(m) => m,
            Err(e) => return e.into_response(),
        };
        let mut found = None;
        loop {
            match form.next_field().await {
                Ok(Some(field)) if field.name() == Some("file") => {
                    let name = field.file_name().unwrap_or("bai.txt").to_string();
                    match field.bytes().await {
                        Ok(bytes) => found = Some((name, bytes)),
                        Err(e) => return error(e.status(), &e.body_text()),
                    }
                    break;
                }
                Ok(Some(_)) => continue,
                Ok(None) => break,
                Err(e) => return error(e.status(), &e.body_text()),
            }
        }
        let Some((name, bytes)) = found else {
            return error(StatusCode::BAD_REQUEST, "thiếu phần `file` trong biểu mẫu");
        };
        let docs = match blocking(move || Workspace::read_upload(&name, &bytes)).await {
            Ok(d) => d,
            Err(e) => return from_serve_error(e),
        };
        match docs.into_iter().next() {
            Some(d) => d,
            None => return error(StatusCode::BAD_REQUEST, "tệp nén không có bài nào"),
        }
    } else {
        let Json(body) = match Json::<GradeRequest>::from_request(req, &state).await {
            Ok(b) => b,
            Err(e) => return error(e.status(), &e.body_text()),
        };
        let name = body.file.map_or_else(
            || "bai.txt".to_string(),
            |f| super::workspace::clean_name(&f),
        );
        let doc = if body.text.trim().is_empty() {
            Err(crate::ingest::IngestError::Empty)
        } else {
            Ok(crate::ingest::RawDocument {
                format: crate::ingest::SourceFormat::Txt,
                text: body.text,
                notes: Vec::new(),
                legacy_encoding: None,
            })
        };
        (name, doc)
    };
    let ws = state.ws.clone();
    match blocking(move || Ok(ws.grade_document(name, doc).0)).await {
        Ok(row) => Json(row).into_response(),
        Err(e) => from_serve_error(e),
    }
}

pub fn summary_of(e: Entry, review: Vec<String>, ws: &Workspace) -> EssaySummary {
    let grade = e.final_grade().map(str::to_string);
    let grade_label = grade.as_deref().and_then(|g| {
        ws.rubric()
            .spec
            .levels
            .iter()
            .find(|l| l.id == g)
            .map(|l| l.label.clone())
    });
    EssaySummary {
        id: e.id,
        overridden: e.decided.is_some(),
        grade,
        grade_label,
        machine_grade: e.row.grade,
        file: e.row.file,
        author: e.row.author,
        unit: e.row.unit,
        score: e.row.score,
        words: e.row.words,
        flags: e.row.flags.iter().map(|f| f.id().to_string()).collect(),
        review,
        error: e.row.error,
    }
}

/// Essays with filters, sorting and paging.
#[utoipa::path(get, path = "/api/v1/essays", params(EssayQuery),
    responses((status = 200, body = EssayList), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
async fn essays(
    State(state): State<AppState>,
    _auth: ApiAuth,
    Query(q): Query<EssayQuery>,
) -> Response {
    let filter = EssayFilter {
        grade: q.grade,
        unit: q.unit,
        review: q.review,
        flag: q.flag,
        q: q.q,
        sort: q.sort,
        limit: q.limit.unwrap_or(50).min(1000),
        offset: q.offset.unwrap_or(0),
    };
    let ws = state.ws.clone();
    let page = blocking(move || {
        let page = ws.list(&filter)?;
        Ok(EssayList {
            total: page.total,
            essays: page
                .entries
                .into_iter()
                .map(|(e, r)| summary_of(e, r, &ws))
                .collect(),
        })
    })
    .await;
    match page {
        Ok(list) => Json(list).into_response(),
        Err(e) => from_serve_error(e),
    }
}

/// Loads one essay with its decisions, for the API and the essay page.
pub async fn load_essay(
    ws: std::sync::Arc<Workspace>,
    id: i64,
) -> Result<Option<EssayDetail>, ServeError> {
    blocking(move || {
        let Some((stored, entry, review)) = ws.essay(id)? else {
            return Ok(None);
        };
        let decisions = ws.decisions_of(id)?;
        let copies = ws
            .copies_of(id)
            .into_iter()
            .filter_map(|(other, similarity)| {
                let e = ws.entry(other)?;
                Some(CopyPartner {
                    id: other,
                    file: e.row.file,
                    author: e.row.author,
                    similarity,
                })
            })
            .collect();
        let summary = summary_of(entry, review.clone(), &ws);
        Ok(Some(EssayDetail {
            id,
            row: stored.row,
            final_grade: summary.grade,
            final_grade_label: summary.grade_label,
            review,
            decisions,
            copies,
            text: stored.text,
        }))
    })
    .await
}

/// One essay: its assessment row, text, review reasons and decisions.
#[utoipa::path(get, path = "/api/v1/essays/{id}", params(("id" = i64, Path, description = "Essay id")),
    responses((status = 200, body = EssayDetail), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn essay(State(state): State<AppState>, _auth: ApiAuth, Path(id): Path<i64>) -> Response {
    match load_essay(state.ws.clone(), id).await {
        Ok(Some(detail)) => Json(detail).into_response(),
        Ok(None) => error(StatusCode::NOT_FOUND, &format!("không có bài số {id}")),
        Err(e) => from_serve_error(e),
    }
}

/// Runs a search with the index of `thuhoach search`. At most one search per core runs at a
/// time (`AppState::searching`): more would only share the cores, slowing every search and
/// the pages served meanwhile.
pub async fn run_search(
    state: &AppState,
    q: String,
    grade: Option<String>,
    unit: Option<String>,
    limit: usize,
) -> Result<SearchAnswer, ServeError> {
    let _permit = state
        .searching
        .acquire()
        .await
        .map_err(|e| ServeError::Data(format!("tác vụ bị dừng: {e}")))?;
    let ws = state.ws.clone();
    blocking(move || {
        let opts = SearchOptions {
            unit: unit.filter(|u| !u.trim().is_empty()),
            grade: grade.filter(|g| !g.is_empty()),
            limit,
            ..SearchOptions::default()
        };
        let results = ws
            .search(&q, &opts)
            .map_err(|e| ServeError::Refused(e.to_string()))?;
        Ok(SearchAnswer {
            total: results.total,
            hits: results
                .hits
                .into_iter()
                .map(|hit| SearchHitWithId {
                    id: ws.id_of(&hit.file),
                    hit,
                })
                .collect(),
        })
    })
    .await
}

/// Full-text search: words and "phrases", with or without diacritics.
#[utoipa::path(get, path = "/api/v1/search", params(SearchQuery),
    responses((status = 200, body = SearchAnswer), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
async fn search(
    State(state): State<AppState>,
    _auth: ApiAuth,
    Query(q): Query<SearchQuery>,
) -> Response {
    if q.q.trim().is_empty() {
        return error(StatusCode::BAD_REQUEST, "thiếu từ cần tìm (q)");
    }
    let limit = q.limit.unwrap_or(20).clamp(1, 500);
    match run_search(&state, q.q, q.grade, q.unit, limit).await {
        Ok(answer) => Json(answer).into_response(),
        Err(e) => from_serve_error(e),
    }
}

/// Signs in; failed attempts are answered more and more slowly.
pub async fn check_login(
    state: &AppState,
    name: String,
    password: String,
) -> Result<Option<(String, String, super::Role)>, ServeError> {
    let st = state.clone();
    let who = name.clone();
    let result = blocking(move || auth::login(&st, &who, &password)).await?;
    match &result {
        Some(_) => state.limiter.succeed(&name),
        None => tokio::time::sleep(state.limiter.fail(&name)).await,
    }
    Ok(result)
}

/// Exchanges a name and password for a bearer token.
#[utoipa::path(post, path = "/api/v1/login", request_body = LoginRequest,
    responses((status = 200, body = LoginAnswer), (status = 401, body = ErrorBody)))]
async fn login(State(state): State<AppState>, Json(body): Json<LoginRequest>) -> Response {
    match check_login(&state, body.name, body.password).await {
        Ok(Some((token, _, role))) => Json(LoginAnswer {
            token,
            role: role.id().to_string(),
        })
        .into_response(),
        Ok(None) => error(StatusCode::UNAUTHORIZED, "sai tên đăng nhập hoặc mật khẩu"),
        Err(e) => from_serve_error(e),
    }
}

/// Records the committee's grade for an essay, with the reason, in the decisions log.
pub async fn decide(
    state: &AppState,
    id: i64,
    grade: String,
    reason: String,
    by: String,
) -> Result<Option<Decision>, ServeError> {
    let ws = state.ws.clone();
    blocking(move || ws.decide(id, &grade, &reason, &by)).await
}

/// Overrides an essay's grade (reviewers and admins).
#[utoipa::path(post, path = "/api/v1/essays/{id}/override", params(("id" = i64, Path, description = "Essay id")),
    request_body = OverrideRequest,
    responses((status = 200, description = "The decision as recorded", body = Decision),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn override_grade(
    State(state): State<AppState>,
    ApiAuth(auth): ApiAuth,
    Path(id): Path<i64>,
    Json(body): Json<OverrideRequest>,
) -> Response {
    match decide(&state, id, body.grade, body.reason, auth.user.name).await {
        Ok(Some(d)) => Json(d).into_response(),
        Ok(None) => error(StatusCode::NOT_FOUND, &format!("không có bài số {id}")),
        Err(e) => from_serve_error(e),
    }
}

/// Every decision, in the order of the log.
#[utoipa::path(get, path = "/api/v1/decisions",
    responses((status = 200, body = DecisionList), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
async fn decisions(State(state): State<AppState>, _auth: ApiAuth) -> Response {
    let ws = state.ws.clone();
    match blocking(move || ws.decisions()).await {
        Ok(decisions) => Json(DecisionList { decisions }).into_response(),
        Err(e) => from_serve_error(e),
    }
}
