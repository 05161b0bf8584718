//! The Vietnamese pages, rendered on the server (no script): dashboard, essay list, essay page
//! with highlighted evidence and the override form, search, upload with progress, downloads,
//! sign-in. Every piece of essay text is escaped by `html::esc`.

use std::fmt::Write;

use axum::extract::{DefaultBodyLimit, Form, Multipart, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use super::api::{self, blocking};
use super::auth::{self, Auth, MaybeAuth, PageAuth};
use super::html::{self, esc, layout, url};
use super::workspace::{EssayFilter, Workspace};
use super::{AppState, ServeError};
use crate::report::summary::{fmt_dec_vi, fmt_int_vi};

pub fn routes(max_upload_bytes: usize) -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard))
        .route("/login", get(login_page).post(login_submit))
        .route("/logout", post(logout))
        .route("/essays", get(essay_list))
        .route("/essays/{id}", get(essay_page))
        .route("/essays/{id}/override", post(override_submit))
        .route("/search", get(search_page))
        .route(
            "/upload",
            get(upload_page)
                .post(upload_submit)
                .layer(DefaultBodyLimit::max(max_upload_bytes)),
        )
        .route("/batches/{id}", get(batch_page))
        .route("/downloads", get(downloads_page))
        .route("/downloads/{name}", get(download))
}

pub(crate) fn page(title: &str, auth: Option<&Auth>, body: &str) -> Response {
    let user = auth.map(|a| (a.user.name.as_str(), a.user.role.label(), a.csrf.as_str()));
    let mut html = layout(title, user, body);
    if auth.is_some_and(Auth::is_admin) {
        html = html.replacen(
            r#"<a href="/downloads">Tải xuống</a>"#,
            r#"<a href="/downloads">Tải xuống</a><a href="/admin/users">Quản trị</a>"#,
            1,
        );
    }
    Html(html).into_response()
}

pub fn error_page(status: StatusCode, message: &str) -> Response {
    (
        status,
        Html(layout(
            "Có lỗi",
            None,
            &format!(
                r#"<p class="err">{}</p><p><a href="/">Về trang tổng quan</a></p>"#,
                esc(message)
            ),
        )),
    )
        .into_response()
}

/// The page for a form sent without this session's CSRF token (an old tab, or another site).
pub(crate) fn bad_form_token() -> Response {
    error_page(
        StatusCode::FORBIDDEN,
        "Mã bảo vệ biểu mẫu không đúng; hãy tải lại trang rồi thử lại.",
    )
}

pub(crate) fn serve_error(e: ServeError) -> Response {
    match e {
        ServeError::Refused(m) => error_page(StatusCode::BAD_REQUEST, &m),
        other => error_page(StatusCode::INTERNAL_SERVER_ERROR, &other.to_string()),
    }
}

fn grade_options(ws: &Workspace, selected: Option<&str>, any: bool) -> String {
    let mut out = String::new();
    if any {
        out.push_str(r#"<option value="">(tất cả)</option>"#);
    }
    for l in &ws.rubric().spec.levels {
        let sel = if selected == Some(l.id.as_str()) {
            " selected"
        } else {
            ""
        };
        let _ = write!(
            out,
            r#"<option value="{}"{sel}>{}</option>"#,
            esc(&l.id),
            esc(&l.label)
        );
    }
    out
}

fn level_label(ws: &Workspace, id: Option<&str>) -> String {
    id.map(|g| {
        ws.rubric()
            .spec
            .levels
            .iter()
            .find(|l| l.id == g)
            .map_or_else(|| g.to_string(), |l| l.label.clone())
    })
    .unwrap_or_else(|| "—".into())
}

// ---------------------------------------------------------------- sign-in

#[derive(Deserialize)]
struct LoginForm {
    name: String,
    password: String,
    csrf: String,
}

async fn login_page(State(state): State<AppState>, MaybeAuth(auth): MaybeAuth) -> Response {
    if auth.is_some() {
        return Redirect::to("/").into_response();
    }
    login_form(&state, None).await
}

async fn login_form(state: &AppState, message: Option<&str>) -> Response {
    let Ok(csrf) = auth::random_hex(16) else {
        return error_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "không tạo được mã bảo vệ biểu mẫu",
        );
    };
    let ws = state.ws.clone();
    let users = blocking(move || ws.count_users(None)).await.unwrap_or(0);
    let mut body = String::new();
    if let Some(m) = message {
        let _ = write!(body, r#"<p class="err">{}</p>"#, esc(m));
    }
    if users == 0 {
        body.push_str(r#"<p class="err">Chưa có tài khoản nào. Trên máy chủ, tạo tài khoản quản trị bằng lệnh <code>thuhoach user add TÊN --role admin --data THƯ_MỤC_DỮ_LIỆU</code> rồi đăng nhập.</p>"#);
    }
    let _ = write!(
        body,
        r#"<form method="post" action="/login" class="box" style="max-width:24rem">
<input type="hidden" name="csrf" value="{csrf}">
<p><label for="name">Tên đăng nhập</label><input type="text" id="name" name="name" required autofocus></p>
<p><label for="password">Mật khẩu</label><input type="password" id="password" name="password" required></p>
<p><button type="submit" id="login">Đăng nhập</button></p></form>"#
    );
    let status = if message.is_some() {
        StatusCode::UNAUTHORIZED
    } else {
        StatusCode::OK
    };
    (
        status,
        [(
            header::SET_COOKIE,
            format!(
                "{}={csrf}; Path=/login; HttpOnly; SameSite=Strict; Max-Age=3600",
                auth::LOGIN_CSRF_COOKIE
            ),
        )],
        Html(layout("Đăng nhập", None, &body)),
    )
        .into_response()
}

async fn login_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == auth::LOGIN_CSRF_COOKIE)
        .map(|(_, v)| v.to_string());
    if !cookie.is_some_and(|c| auth::same_token(&c, &form.csrf)) {
        return login_form(&state, Some("Biểu mẫu đã hết hạn, hãy đăng nhập lại.")).await;
    }
    match api::check_login(&state, form.name, form.password).await {
        Ok(Some((token, _, _))) => (
            StatusCode::SEE_OTHER,
            [
                (header::SET_COOKIE, auth::session_cookie(&token)),
                (header::LOCATION, "/".to_string()),
            ],
        )
            .into_response(),
        Ok(None) => login_form(&state, Some("Sai tên đăng nhập hoặc mật khẩu.")).await,
        Err(e) => serve_error(e),
    }
}

#[derive(Deserialize)]
struct CsrfForm {
    csrf: String,
}

async fn logout(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Form(form): Form<CsrfForm>,
) -> Response {
    if !auth.check_csrf(&form.csrf) {
        return bad_form_token();
    }
    let hash = auth.token_hash().to_string();
    let ws = state.ws.clone();
    let _ = blocking(move || ws.end_session(&hash)).await;
    (
        StatusCode::SEE_OTHER,
        [
            (header::SET_COOKIE, auth::clear_session_cookie()),
            (header::LOCATION, "/login".to_string()),
        ],
    )
        .into_response()
}

// ---------------------------------------------------------------- dashboard

async fn dashboard(State(state): State<AppState>, PageAuth(auth): PageAuth) -> Response {
    let ws = state.ws.clone();
    let built = blocking(move || {
        let summary = ws.summary()?;
        let entries = ws.entries()?;
        Ok((summary, entries, ws.has_roster(), ws.decisions()?.len()))
    })
    .await;
    let (s, entries, has_roster, decided) = match built {
        Ok(b) => b,
        Err(e) => return serve_error(e),
    };
    let mut b = String::new();
    let t = &s.total;
    let _ = write!(
        b,
        r#"<div class="cards"><div class="card">Số bài<b id="total-essays">{}</b></div><div class="card">Đã xếp loại<b id="total-graded">{}</b></div>"#,
        fmt_int_vi(t.essays),
        fmt_int_vi(t.graded)
    );
    for (i, l) in s.levels.iter().enumerate() {
        let _ = write!(
            b,
            r#"<div class="card">{}<b class="level-count" data-level="{}">{}</b>{}%</div>"#,
            esc(&l.label),
            esc(&l.id),
            fmt_int_vi(t.counts[i]),
            fmt_dec_vi(t.percents[i])
        );
    }
    if let (Some(m), Some(sub), Some(p)) = (t.members, t.members_submitted, t.participation) {
        let _ = write!(
            b,
            r#"<div class="card">Tham gia<b id="participation">{}%</b>{} / {} đảng viên</div>"#,
            fmt_dec_vi(p),
            fmt_int_vi(sub),
            fmt_int_vi(m)
        );
    }
    let _ = write!(
        b,
        r#"<div class="card">Cần xem lại<b id="review-count">{}</b></div><div class="card">Quyết định điều chỉnh<b>{}</b></div></div>"#,
        fmt_int_vi(s.review.len()),
        fmt_int_vi(decided)
    );
    if t.essays == 0 {
        b.push_str(r#"<p class="box">Chưa có bài nào. Vào <a href="/upload">Tải lên</a> để nạp bài thu hoạch (.docx, .txt… hoặc tệp .zip) và danh sách đảng viên.</p>"#);
    }
    b.push_str("<h2>Phân bố xếp loại theo chi bộ</h2><table id=\"distribution\"><thead><tr><th>Chi bộ</th>");
    if has_roster {
        b.push_str(r#"<th class="num">Đảng viên</th><th class="num">Đã nộp</th><th class="num">Tỷ lệ tham gia</th>"#);
    }
    b.push_str(r#"<th class="num">Số bài</th>"#);
    for l in &s.levels {
        let _ = write!(
            b,
            r#"<th class="num">{0}</th><th class="num">% {0}</th>"#,
            esc(&l.label)
        );
    }
    b.push_str(r#"<th class="num">Cần xem lại</th></tr></thead><tbody>"#);
    for (i, u) in s.units.iter().chain([&s.total]).enumerate() {
        let is_total = i == s.units.len();
        let name = if is_total {
            "<b>Tổng cộng</b>".to_string()
        } else {
            format!(
                r#"<a href="/essays?unit={}">{}</a>"#,
                url(&u.name),
                esc(&u.name)
            )
        };
        let _ = write!(b, "<tr><td>{name}</td>");
        if has_roster {
            let opt = |x: Option<usize>| x.map_or_else(|| "—".into(), fmt_int_vi);
            let _ = write!(
                b,
                r#"<td class="num">{}</td><td class="num">{}</td><td class="num">{}</td>"#,
                opt(u.members),
                opt(u.members_submitted),
                u.participation
                    .map_or_else(|| "—".into(), |p| format!("{}%", fmt_dec_vi(p)))
            );
        }
        let _ = write!(b, r#"<td class="num">{}</td>"#, fmt_int_vi(u.essays));
        for (c, p) in u.counts.iter().zip(&u.percents) {
            let _ = write!(
                b,
                r#"<td class="num">{}</td><td class="num">{}%</td>"#,
                fmt_int_vi(*c),
                fmt_dec_vi(*p)
            );
        }
        let _ = write!(b, r#"<td class="num">{}</td></tr>"#, fmt_int_vi(u.review));
    }
    b.push_str("</tbody></table>");
    b.push_str(r#"<h2>Biểu đồ</h2><div class="box">"#);
    b.push_str(&html::distribution_chart(&s));
    b.push_str("</div>");
    if has_roster && !s.missing.is_empty() {
        let _ = write!(
            b,
            "<h2>Đảng viên chưa nộp bài ({})</h2><p>",
            fmt_int_vi(s.missing.len())
        );
        let names: Vec<String> = s
            .missing
            .iter()
            .take(200)
            .map(|m| {
                format!(
                    "{}{}",
                    esc(&m.name),
                    m.unit
                        .as_deref()
                        .map_or_else(String::new, |u| format!(" ({})", esc(u)))
                )
            })
            .collect();
        b.push_str(&names.join("; "));
        if s.missing.len() > 200 {
            b.push_str("; …");
        }
        b.push_str("</p>");
    }
    let _ = write!(
        b,
        r#"<h2>Danh sách cần xem lại ({})</h2>"#,
        fmt_int_vi(s.review.len())
    );
    b.push_str(r#"<table id="review"><thead><tr><th>Bài</th><th>Chi bộ</th><th>Xếp loại</th><th>Lý do</th></tr></thead><tbody>"#);
    for item in s.review.iter().take(200) {
        let Some((e, _)) = entries.get(item.row) else {
            continue;
        };
        let _ = write!(
            b,
            r#"<tr><td><a href="/essays/{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>"#,
            e.id,
            esc(e.row.author.as_deref().unwrap_or(&e.row.file)),
            esc(&s.units[item.unit].name),
            esc(&level_label(&state.ws, e.final_grade())),
            esc(&item.reasons.join("; "))
        );
    }
    b.push_str("</tbody></table>");
    if s.review.len() > 200 {
        b.push_str(r#"<p><a href="/essays?review=true">Xem toàn bộ danh sách cần xem lại</a></p>"#);
    }
    page("Tổng quan đợt chấm", Some(&auth), &b)
}

// ---------------------------------------------------------------- essay list

#[derive(Deserialize, Default)]
struct ListQuery {
    grade: Option<String>,
    unit: Option<String>,
    review: Option<String>,
    flag: Option<String>,
    q: Option<String>,
    sort: Option<String>,
    page: Option<usize>,
}

const PAGE_SIZE: usize = 50;

async fn essay_list(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Query(q): Query<ListQuery>,
) -> Response {
    let page_no = q.page.unwrap_or(1).max(1);
    let filter = EssayFilter {
        grade: q.grade.clone(),
        unit: q.unit.clone(),
        review: match q.review.as_deref() {
            Some("true") => Some(true),
            Some("false") => Some(false),
            _ => None,
        },
        flag: q.flag.clone(),
        q: q.q.clone(),
        sort: q.sort.clone(),
        limit: PAGE_SIZE,
        offset: (page_no - 1) * PAGE_SIZE,
    };
    let ws = state.ws.clone();
    let listed = blocking(move || ws.list(&filter)).await;
    let list = match listed {
        Ok(l) => l,
        Err(e) => return serve_error(e),
    };
    let ws = &state.ws;
    let v = |o: &Option<String>| esc(o.as_deref().unwrap_or(""));
    let mut b = String::new();
    let _ = write!(
        b,
        r#"<form class="filters" method="get" action="/essays">
<div><label for="unit">Chi bộ</label><input type="text" id="unit" name="unit" value="{}"></div>
<div><label for="grade">Xếp loại</label><select id="grade" name="grade">{}</select></div>
<div><label for="flag">Dấu hiệu</label><select id="flag" name="flag"><option value="">(tất cả)</option>"#,
        v(&q.unit),
        grade_options(ws, q.grade.as_deref(), true)
    );
    for f in [
        crate::Flag::TooShort,
        crate::Flag::KeywordStuffing,
        crate::Flag::RepeatedText,
        crate::Flag::OffTopic,
        crate::Flag::CopiedReference,
        crate::Flag::NearDuplicate,
        crate::Flag::LegacyEncoding,
        crate::Flag::NoDiacritics,
    ] {
        let sel = if q.flag.as_deref() == Some(f.id()) {
            " selected"
        } else {
            ""
        };
        let _ = write!(
            b,
            r#"<option value="{}"{sel}>{}</option>"#,
            f.id(),
            esc(f.label())
        );
    }
    let review_sel = |x: &str| {
        if q.review.as_deref() == Some(x) {
            " selected"
        } else {
            ""
        }
    };
    let sort_sel = |x: &str| {
        if q.sort.as_deref().unwrap_or("id") == x {
            " selected"
        } else {
            ""
        }
    };
    let _ = write!(
        b,
        r#"</select></div>
<div><label for="review">Cần xem lại</label><select id="review" name="review"><option value="">(tất cả)</option><option value="true"{}>Có</option><option value="false"{}>Không</option></select></div>
<div><label for="q">Từ khóa</label><input type="search" id="q" name="q" value="{}"></div>
<div><label for="sort">Sắp xếp</label><select id="sort" name="sort"><option value="id"{}>Thứ tự nhập</option><option value="-score"{}>Điểm cao trước</option><option value="score"{}>Điểm thấp trước</option><option value="author"{}>Họ tên</option><option value="unit"{}>Chi bộ</option><option value="grade"{}>Xếp loại</option></select></div>
<div><button type="submit">Lọc</button></div></form>"#,
        review_sel("true"),
        review_sel("false"),
        v(&q.q),
        sort_sel("id"),
        sort_sel("-score"),
        sort_sel("score"),
        sort_sel("author"),
        sort_sel("unit"),
        sort_sel("grade"),
    );
    let _ = write!(
        b,
        r#"<p id="list-total">{} bài</p>"#,
        fmt_int_vi(list.total)
    );
    b.push_str(r#"<table id="essays"><thead><tr><th class="num">Số</th><th>Họ và tên</th><th>Chi bộ</th><th class="num">Điểm</th><th>Xếp loại</th><th>Dấu hiệu / cần xem lại</th></tr></thead><tbody>"#);
    for (e, reasons) in &list.entries {
        let flags: Vec<String> = e
            .row
            .flags
            .iter()
            .map(|f| format!(r#"<span class="flag">{}</span>"#, esc(f.label())))
            .collect();
        let grade = level_label(ws, e.final_grade());
        let grade = if e.decided.is_some() {
            format!("{} (đã điều chỉnh)", esc(&grade))
        } else {
            esc(&grade)
        };
        let _ = write!(
            b,
            r#"<tr><td class="num">{id}</td><td><a href="/essays/{id}">{}</a><br><span class="muted">{}</span></td><td>{}</td><td class="num">{}</td><td>{grade}</td><td>{}{}</td></tr>"#,
            esc(e.row.author.as_deref().unwrap_or("(không rõ tên)")),
            esc(&e.row.file),
            esc(e.row.unit.as_deref().unwrap_or("")),
            e.row.score.map_or_else(|| "—".into(), fmt_dec_vi),
            flags.join(""),
            if reasons.is_empty() {
                String::new()
            } else {
                format!(
                    r#"<br><span class="warn">{}</span>"#,
                    esc(&reasons.join("; "))
                )
            },
            id = e.id,
        );
    }
    b.push_str("</tbody></table>");
    let pages = list.total.div_ceil(PAGE_SIZE).max(1);
    if pages > 1 {
        let mut base = String::new();
        for (k, val) in [
            ("grade", &q.grade),
            ("unit", &q.unit),
            ("review", &q.review),
            ("flag", &q.flag),
            ("q", &q.q),
            ("sort", &q.sort),
        ] {
            if let Some(val) = val {
                let _ = write!(base, "{k}={}&", url(val));
            }
        }
        let _ = write!(b, "<p>Trang {page_no}/{pages} ");
        if page_no > 1 {
            let _ = write!(
                b,
                r#"<a href="/essays?{}page={}">« Trước</a> "#,
                esc(&base),
                page_no - 1
            );
        }
        if page_no < pages {
            let _ = write!(
                b,
                r#"<a href="/essays?{}page={}">Sau »</a>"#,
                esc(&base),
                page_no + 1
            );
        }
        b.push_str("</p>");
    }
    page("Danh sách bài thu hoạch", Some(&auth), &b)
}

// ---------------------------------------------------------------- essay page

async fn essay_page(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Path(id): Path<i64>,
) -> Response {
    let d = match api::load_essay(state.ws.clone(), id).await {
        Ok(Some(d)) => d,
        Ok(None) => return error_page(StatusCode::NOT_FOUND, &format!("Không có bài số {id}.")),
        Err(e) => return serve_error(e),
    };
    let ws = &state.ws;
    let row = &d.row;
    let criteria: Vec<String> = ws
        .rubric()
        .spec
        .criteria
        .iter()
        .map(|c| c.id.clone())
        .collect();
    let text = d.text.as_deref().unwrap_or("");
    let marks = html::evidence_marks(row, text, &criteria);
    let copies: Vec<html::CopyMark> = {
        let (ws, text) = (state.ws.clone(), text.to_string());
        match blocking(move || ws.copied_passages(id, &text)).await {
            Ok(spans) => spans
                .into_iter()
                .map(|(r, other)| html::CopyMark {
                    start: r.start,
                    end: r.end,
                    other,
                })
                .collect(),
            Err(e) => return serve_error(e),
        }
    };
    let mut b = String::new();
    let _ = write!(
        b,
        r#"<p><b>{}</b> — {} <span class="muted">· tệp {} · {} âm tiết</span></p>
<div class="cards"><div class="card">Điểm<b id="score">{}</b></div><div class="card">Xếp loại<b id="final-grade">{}</b>{}</div></div>"#,
        esc(row.author.as_deref().unwrap_or("(không rõ tên)")),
        esc(row.unit.as_deref().unwrap_or("(không rõ chi bộ)")),
        esc(&row.file),
        row.words.map_or_else(|| "—".into(), fmt_int_vi),
        row.score.map_or_else(|| "—".into(), fmt_dec_vi),
        esc(&level_label(ws, d.final_grade.as_deref())),
        if d.decisions.is_empty() {
            "máy chấm".to_string()
        } else {
            format!(
                "tổ đánh giá điều chỉnh (máy chấm: {})",
                esc(&level_label(ws, row.grade.as_deref()))
            )
        }
    );
    if let Some(err) = &row.error {
        let _ = write!(
            b,
            r#"<p class="err">Không chấm được tệp này: {}</p>"#,
            esc(err)
        );
    }
    b.push_str(r#"<div class="grid"><div><h2>Nội dung bài (chứng cứ được tô màu)</h2><p class="legend" id="legend">"#);
    for (i, c) in ws.rubric().spec.criteria.iter().enumerate() {
        let _ = write!(b, r#"<span class="c{}">{}</span>"#, i % 6, esc(&c.label));
    }
    if !copies.is_empty() {
        b.push_str(r#"<span class="copied" id="legend-copied">Đoạn trùng với bài khác (bấm ⇄ để mở bài kia)</span>"#);
    }
    let _ = write!(
        b,
        r#"</p><div class="essay" id="essay-text">{}</div></div><div>"#,
        html::highlighted_with_copies(text, &marks, &copies)
    );
    if !d.review.is_empty() {
        b.push_str(r#"<h2>Cần xem lại</h2><ul id="review-reasons">"#);
        for r in &d.review {
            let _ = write!(b, "<li class=\"warn\">{}</li>", esc(r));
        }
        b.push_str("</ul>");
    }
    if !row.flags.is_empty() {
        b.push_str("<h2>Dấu hiệu</h2><p>");
        for f in &row.flags {
            let _ = write!(b, r#"<span class="flag">{}</span>"#, esc(f.label()));
        }
        b.push_str("</p>");
    }
    if !d.copies.is_empty() {
        b.push_str(r#"<h2>Bài gần giống</h2><ul id="copies">"#);
        for p in &d.copies {
            let _ = write!(
                b,
                r#"<li><a href="/essays/{}">Bài số {} — {}</a> ({}): giống {}%</li>"#,
                p.id,
                p.id,
                esc(&p.file),
                esc(p.author.as_deref().unwrap_or("không rõ tên")),
                fmt_dec_vi(p.similarity * 100.0)
            );
        }
        b.push_str("</ul>");
    }
    b.push_str(r#"<h2>Điểm theo tiêu chí</h2><table id="criteria"><tbody>"#);
    for c in &row.criteria {
        let _ = write!(
            b,
            r#"<tr><td>{}</td><td class="num">{} / {}</td></tr>"#,
            esc(&c.label),
            fmt_dec_vi(c.score),
            fmt_dec_vi(c.max)
        );
    }
    let _ = write!(
        b,
        r#"<tr><th>Tổng</th><th class="num">{}</th></tr></tbody></table>"#,
        row.score.map_or_else(|| "—".into(), fmt_dec_vi)
    );
    for cap in &row.caps {
        let _ = write!(
            b,
            r#"<p class="warn">Giới hạn xếp loại: {}</p>"#,
            esc(&cap.reason)
        );
    }
    b.push_str(r#"<h2>Chủ đề của Nghị quyết</h2><ul id="themes">"#);
    for t in &row.themes {
        let _ = write!(
            b,
            r#"<li class="{}">{} {}{}</li>"#,
            if t.covered { "ok" } else { "muted" },
            if t.covered { "✔" } else { "✘" },
            esc(&t.label),
            if t.covered {
                format!(" ({} câu chứng cứ)", t.evidence.len())
            } else {
                String::new()
            }
        );
    }
    b.push_str("</ul>");
    if row.error.is_none() {
        let explanation = crate::report::explain(row, ws.rubric());
        let _ = write!(
            b,
            r#"<details><summary>Giải thích đầy đủ</summary><div class="essay" style="font-family:inherit;font-size:14px">{}</div></details>"#,
            esc(&explanation)
        );
    }
    b.push_str(r#"<h2>Lịch sử quyết định</h2>"#);
    if d.decisions.is_empty() {
        b.push_str(r#"<p class="muted" id="decisions">Chưa có quyết định điều chỉnh.</p>"#);
    } else {
        b.push_str(r#"<table id="decisions"><thead><tr><th>Thời gian</th><th>Người quyết định</th><th>Từ</th><th>Thành</th><th>Lý do</th></tr></thead><tbody>"#);
        for dec in &d.decisions {
            let _ = write!(
                b,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&crate::report::vietnam_time(&dec.at)),
                esc(&dec.by),
                esc(&level_label(ws, dec.previous.as_deref())),
                esc(&level_label(ws, Some(&dec.grade))),
                esc(&dec.reason)
            );
        }
        b.push_str("</tbody></table>");
    }
    let _ = write!(
        b,
        r#"<h2>Điều chỉnh xếp loại</h2><form method="post" action="/essays/{id}/override" class="box" id="override-form">
<input type="hidden" name="csrf" value="{}">
<p><label for="override-grade">Xếp loại của tổ đánh giá</label><select id="override-grade" name="grade">{}</select></p>
<p><label for="override-reason">Lý do (bắt buộc)</label><textarea id="override-reason" name="reason" rows="3" cols="40" required></textarea></p>
<p><button type="submit" id="override-submit">Ghi quyết định</button></p></form></div></div>"#,
        esc(&auth.csrf),
        grade_options(ws, d.final_grade.as_deref(), false)
    );
    if auth.is_admin() {
        // Inside the right column, after the override form.
        let form = super::admin::remove_essay_form(id, &auth.csrf);
        if let Some(at) = b.rfind("</div></div>") {
            b.insert_str(at, &form);
        }
    }
    let title = format!("Bài số {id}");
    page(&title, Some(&auth), &b)
}

#[derive(Deserialize)]
struct OverrideForm {
    csrf: String,
    grade: String,
    reason: String,
}

async fn override_submit(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Path(id): Path<i64>,
    Form(form): Form<OverrideForm>,
) -> Response {
    if !auth.check_csrf(&form.csrf) {
        return bad_form_token();
    }
    match api::decide(&state, id, form.grade, form.reason, auth.user.name.clone()).await {
        Ok(Some(_)) => Redirect::to(&format!("/essays/{id}")).into_response(),
        Ok(None) => error_page(StatusCode::NOT_FOUND, &format!("Không có bài số {id}.")),
        Err(e) => serve_error(e),
    }
}

// ---------------------------------------------------------------- search

#[derive(Deserialize, Default)]
struct SearchForm {
    q: Option<String>,
    unit: Option<String>,
    grade: Option<String>,
}

async fn search_page(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Query(q): Query<SearchForm>,
) -> Response {
    let v = |o: &Option<String>| esc(o.as_deref().unwrap_or(""));
    let mut b = format!(
        r#"<form class="filters" method="get" action="/search">
<div><label for="q">Từ hoặc "cụm từ" (có dấu hoặc không dấu)</label><input type="search" id="q" name="q" value="{}" size="40"></div>
<div><label for="unit">Chi bộ</label><input type="text" id="unit" name="unit" value="{}"></div>
<div><label for="grade">Xếp loại</label><select id="grade" name="grade">{}</select></div>
<div><button type="submit" id="search-submit">Tìm</button></div></form>"#,
        v(&q.q),
        v(&q.unit),
        grade_options(&state.ws, q.grade.as_deref(), true)
    );
    if let Some(query) = q.q.clone().filter(|s| !s.trim().is_empty()) {
        match api::run_search(&state, query, q.grade.clone(), q.unit.clone(), 50).await {
            Ok(answer) => {
                let _ = write!(
                    b,
                    r#"<p id="search-total">Tìm thấy {} bài</p>"#,
                    fmt_int_vi(answer.total)
                );
                for h in &answer.hits {
                    let title = esc(h.hit.author.as_deref().unwrap_or(&h.hit.file));
                    let link = match h.id {
                        Some(id) => format!(r#"<a href="/essays/{id}">{title}</a>"#),
                        None => title,
                    };
                    // The index escapes the snippet and only adds <b> around matches.
                    let _ = write!(
                        b,
                        r#"<div class="hit">{link} — {} · {} · {}<br>{}</div>"#,
                        esc(h.hit.unit.as_deref().unwrap_or("")),
                        esc(h.hit.grade_label.as_deref().unwrap_or("")),
                        h.hit.score.map_or_else(|| "—".into(), fmt_dec_vi),
                        h.hit.snippet_html
                    );
                }
            }
            Err(e) => {
                let _ = write!(b, r#"<p class="err">{}</p>"#, esc(&e.to_string()));
            }
        }
    }
    page("Tìm kiếm bài thu hoạch", Some(&auth), &b)
}

// ---------------------------------------------------------------- upload

async fn upload_page(State(state): State<AppState>, PageAuth(auth): PageAuth) -> Response {
    if !auth.is_admin() {
        return error_page(
            StatusCode::FORBIDDEN,
            "Chỉ tài khoản quản trị được tải bài lên.",
        );
    }
    let b = format!(
        r#"<form method="post" action="/upload" enctype="multipart/form-data" class="box">
<input type="hidden" name="csrf" value="{}">
<p><label for="essays">Bài thu hoạch (.docx, .odt, .txt, .pdf… hoặc một tệp .zip chứa các bài)</label><input type="file" id="essays" name="essays" multiple></p>
<p><label for="roster">Danh sách đảng viên (.csv hoặc .xlsx: STT, Họ và tên, Chi bộ), không bắt buộc</label><input type="file" id="roster" name="roster" accept=".csv,.xlsx"></p>
<p><button type="submit" id="upload-submit">Tải lên và chấm</button></p>
<p class="muted">Tối đa {} MB mỗi lần tải lên.</p></form>"#,
        esc(&auth.csrf),
        state.max_upload_bytes / (1024 * 1024)
    );
    page("Tải bài lên", Some(&auth), &b)
}

async fn upload_submit(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    mut form: Multipart,
) -> Response {
    if !auth.is_admin() {
        return error_page(
            StatusCode::FORBIDDEN,
            "Chỉ tài khoản quản trị được tải bài lên.",
        );
    }
    let mut csrf = None;
    let mut files: Vec<(String, axum::body::Bytes)> = Vec::new();
    let mut roster: Option<(String, axum::body::Bytes)> = None;
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                let status = e.status();
                let msg = if status == StatusCode::PAYLOAD_TOO_LARGE {
                    format!(
                        "Tệp tải lên quá lớn (tối đa {} MB).",
                        state.max_upload_bytes / (1024 * 1024)
                    )
                } else {
                    format!("Không đọc được dữ liệu tải lên: {}", e.body_text())
                };
                return error_page(status, &msg);
            }
        };
        let name = field.name().unwrap_or("").to_string();
        let file_name = field.file_name().map(str::to_string);
        let bytes = match field.bytes().await {
            Ok(b) => b,
            Err(e) => {
                let status = e.status();
                return error_page(
                    status,
                    &format!("Tệp tải lên quá lớn hoặc hỏng: {}", e.body_text()),
                );
            }
        };
        match name.as_str() {
            "csrf" => csrf = Some(String::from_utf8_lossy(&bytes).into_owned()),
            "essays" if !bytes.is_empty() => {
                files.push((file_name.unwrap_or_else(|| "bai.txt".into()), bytes))
            }
            "roster" if !bytes.is_empty() => {
                roster = Some((file_name.unwrap_or_else(|| "roster.csv".into()), bytes))
            }
            _ => {}
        }
    }
    if !csrf.is_some_and(|c| auth.check_csrf(&c)) {
        return bad_form_token();
    }
    if let Some((name, bytes)) = roster {
        let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
        let ws = state.ws.clone();
        if let Err(e) = blocking(move || ws.set_roster_bytes(&bytes, &ext)).await {
            return serve_error(ServeError::Refused(format!(
                "Danh sách đảng viên {}: {e}",
                super::workspace::clean_name(&name)
            )));
        }
    }
    if files.is_empty() {
        return Redirect::to("/").into_response();
    }
    let label = files
        .iter()
        .map(|(n, _)| super::workspace::clean_name(n))
        .collect::<Vec<_>>()
        .join(", ");
    let ws = state.ws.clone();
    let batch = match blocking(move || ws.new_batch(&label, 0)).await {
        Ok(b) => b,
        Err(e) => return serve_error(e),
    };
    let ws = state.ws.clone();
    // Reading and grading go on in the background; the batch page shows the progress.
    tokio::task::spawn_blocking(move || {
        let mut docs = Vec::new();
        for (name, bytes) in files {
            match Workspace::read_upload(&name, &bytes) {
                Ok(d) => docs.extend(d),
                Err(e) => {
                    let _ = ws.fail_batch(batch, &e.to_string());
                    return;
                }
            }
        }
        if let Err(e) = ws.import_documents(batch, docs) {
            let _ = ws.fail_batch(batch, &e.to_string());
        }
    });
    Redirect::to(&format!("/batches/{batch}")).into_response()
}

async fn batch_page(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Path(id): Path<i64>,
) -> Response {
    let ws = state.ws.clone();
    let batch = match blocking(move || ws.batch(id)).await {
        Ok(Some(b)) => b,
        Ok(None) => {
            return error_page(
                StatusCode::NOT_FOUND,
                &format!("Không có đợt tải lên số {id}."),
            )
        }
        Err(e) => return serve_error(e),
    };
    let running = batch.status == "running";
    let status = match batch.status.as_str() {
        "running" => "Đang đọc và chấm…",
        "done" => "Hoàn tất",
        "failed" => "Thất bại",
        _ => "Bị gián đoạn (máy chủ đã dừng giữa chừng; tải lên lại để chấm nốt)",
    };
    let mut b = format!(
        r#"<div class="box"><p>Tệp: {}</p><p id="batch-status" data-status="{}"><b>{status}</b></p>"#,
        esc(&batch.label),
        esc(&batch.status)
    );
    if batch.total > 0 {
        let _ = write!(
            b,
            r#"<p><progress max="{}" value="{}"></progress> <span id="batch-progress">{} / {} bài</span>, {} tệp lỗi</p>"#,
            batch.total, batch.done, batch.done, batch.total, batch.failed
        );
    }
    if let Some(m) = &batch.message {
        let _ = write!(b, r#"<p class="err">{}</p>"#, esc(m));
    }
    b.push_str(
        r#"<p><a href="/">Xem tổng quan</a> · <a href="/essays">Danh sách bài</a></p></div>"#,
    );
    if running {
        b.insert_str(0, r#"<meta http-equiv="refresh" content="1">"#);
    }
    page(&format!("Đợt tải lên số {}", batch.id), Some(&auth), &b)
}

// ---------------------------------------------------------------- downloads

async fn downloads_page(PageAuth(auth): PageAuth) -> Response {
    let b = r#"<ul class="box" id="downloads">
<li><a href="/downloads/bao-cao.xlsx" id="dl-xlsx">Báo cáo của tổ đánh giá (.xlsx)</a></li>
<li><a href="/downloads/bao-cao.docx">Báo cáo của tổ đánh giá (.docx)</a></li>
<li><a href="/downloads/bao-cao.html">Báo cáo của tổ đánh giá (.html, để in)</a></li>
<li><a href="/downloads/ket-qua.jsonl">Kết quả chấm từng bài (.jsonl, xếp loại cuối cùng)</a></li>
<li><a href="/downloads/nhat-ky-quyet-dinh.jsonl">Nhật ký quyết định điều chỉnh (.jsonl, kiểm tra bằng <code>thuhoach audit verify</code>)</a></li>
</ul>"#;
    page("Tải xuống", Some(&auth), b)
}

async fn download(
    State(state): State<AppState>,
    PageAuth(_auth): PageAuth,
    Path(name): Path<String>,
) -> Response {
    // The name selects one of five fixed outputs; nothing from it reaches a path.
    let (ext, mime) = match name.as_str() {
        "bao-cao.xlsx" => (
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        "bao-cao.docx" => (
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        "bao-cao.html" => ("html", "text/html; charset=utf-8"),
        "ket-qua.jsonl" => ("jsonl", "application/x-ndjson"),
        "nhat-ky-quyet-dinh.jsonl" => ("log", "application/x-ndjson"),
        _ => return error_page(StatusCode::NOT_FOUND, "Không có tệp này."),
    };
    let ws = state.ws.clone();
    let bytes = blocking(move || match ext {
        "jsonl" => ws.results_jsonl(),
        "log" => Ok(std::fs::read(ws.decisions_log())?),
        ext => ws.report(ext),
    })
    .await;
    match bytes {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, mime.to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => serve_error(e),
    }
}
