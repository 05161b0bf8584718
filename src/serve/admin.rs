//! Admin pages: user management (list, add with a role, reset a password, remove) and the
//! removal of essays. Admins only; every form carries the session's CSRF token.

use std::fmt::Write;

use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use super::api::blocking;
use super::auth::{Auth, PageAuth};
use super::html::esc;
use super::pages::{bad_form_token, error_page, page, serve_error};
use super::store::Role;
use super::{AppState, ServeError};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(users_page).post(add_user))
        .route("/admin/users/password", post(reset_password))
        .route("/admin/users/remove", post(remove_user))
        .route("/essays/{id}/remove", post(remove_essay))
}

/// The answer for a request an admin did not make, or without the form's CSRF token; `None`
/// when the request may go on.
fn refused(auth: &Auth, csrf: Option<&str>) -> Option<Response> {
    if !auth.is_admin() {
        return Some(error_page(
            StatusCode::FORBIDDEN,
            "Chỉ tài khoản quản trị được làm việc này.",
        ));
    }
    if csrf.is_some_and(|c| !auth.check_csrf(c)) {
        return Some(bad_form_token());
    }
    None
}

/// The answer to an admin's change: back to `done` when it was made, a "not found" page
/// saying `missing` when the user or essay it names is not there.
fn done_or_missing(result: Result<bool, ServeError>, done: &str, missing: &str) -> Response {
    match result {
        Ok(true) => Redirect::to(done).into_response(),
        Ok(false) => error_page(StatusCode::NOT_FOUND, missing),
        Err(e) => serve_error(e),
    }
}

/// A date and time from seconds since the epoch, in Vietnam time like every page.
fn when(secs: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .and_then(crate::report::vietnam_datetime)
        .unwrap_or_else(|| "—".into())
}

async fn users_page(State(state): State<AppState>, PageAuth(auth): PageAuth) -> Response {
    if let Some(r) = refused(&auth, None) {
        return r;
    }
    let ws = state.ws.clone();
    let (users, removed) = match blocking(move || Ok((ws.users()?, ws.removed()?))).await {
        Ok(x) => x,
        Err(e) => return serve_error(e),
    };
    let csrf = esc(&auth.csrf);
    let mut b = String::from(
        r#"<table id="users"><thead><tr><th>Tên đăng nhập</th><th>Vai trò</th><th>Tạo lúc</th><th>Đặt lại mật khẩu</th><th>Xoá</th></tr></thead><tbody>"#,
    );
    for (name, role, created) in &users {
        let n = esc(name);
        let remove = if *name == auth.user.name {
            r#"<span class="muted">(bạn)</span>"#.to_string()
        } else {
            format!(
                r#"<form method="post" action="/admin/users/remove"><input type="hidden" name="csrf" value="{csrf}"><input type="hidden" name="name" value="{n}"><button type="submit">Xoá</button></form>"#
            )
        };
        let _ = write!(
            b,
            r#"<tr data-user="{n}"><td>{n}</td><td>{}</td><td>{}</td><td><form method="post" action="/admin/users/password"><input type="hidden" name="csrf" value="{csrf}"><input type="hidden" name="name" value="{n}"><input type="password" name="password" minlength="8" required aria-label="Mật khẩu mới của {n}"> <button type="submit">Đặt lại</button></form></td><td>{remove}</td></tr>"#,
            esc(role.label()),
            when(*created),
        );
    }
    let _ = write!(
        b,
        r#"</tbody></table>
<h2>Thêm người dùng</h2><form method="post" action="/admin/users" class="box filters" id="add-user">
<input type="hidden" name="csrf" value="{csrf}">
<p><label for="new-name">Tên đăng nhập</label><input type="text" id="new-name" name="name" required maxlength="64"></p>
<p><label for="new-role">Vai trò</label><select id="new-role" name="role"><option value="reviewer">{}</option><option value="admin">{}</option></select></p>
<p><label for="new-password">Mật khẩu (ít nhất 8 ký tự)</label><input type="password" id="new-password" name="password" minlength="8" required></p>
<p><button type="submit" id="add-user-submit">Thêm</button></p></form>"#,
        Role::Reviewer.label(),
        Role::Admin.label()
    );
    if !removed.is_empty() {
        b.push_str(r#"<h2>Bài đã xoá</h2><table id="removed"><thead><tr><th>Tệp</th><th>Người xoá</th><th>Lúc</th><th>Lý do</th></tr></thead><tbody>"#);
        for (file, by, at, reason) in &removed {
            let _ = write!(
                b,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(file),
                esc(by),
                when(*at),
                esc(reason)
            );
        }
        b.push_str("</tbody></table>");
    }
    page("Quản trị người dùng", Some(&auth), &b)
}

#[derive(Deserialize)]
struct NewUserForm {
    csrf: String,
    name: String,
    role: String,
    password: String,
}

async fn add_user(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Form(form): Form<NewUserForm>,
) -> Response {
    if let Some(r) = refused(&auth, Some(&form.csrf)) {
        return r;
    }
    let Some(role) = Role::parse(&form.role) else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "Vai trò phải là reviewer hoặc admin.",
        );
    };
    let ws = state.ws.clone();
    match blocking(move || ws.add_user(&form.name, role, &form.password)).await {
        Ok(()) => Redirect::to("/admin/users").into_response(),
        Err(e) => serve_error(e),
    }
}

#[derive(Deserialize)]
struct PasswordForm {
    csrf: String,
    name: String,
    password: String,
}

async fn reset_password(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Form(form): Form<PasswordForm>,
) -> Response {
    if let Some(r) = refused(&auth, Some(&form.csrf)) {
        return r;
    }
    let ws = state.ws.clone();
    let missing = format!("Không có người dùng “{}”.", form.name);
    let result = blocking(move || ws.reset_password(&form.name, &form.password)).await;
    done_or_missing(result, "/admin/users", &missing)
}

#[derive(Deserialize)]
struct RemoveUserForm {
    csrf: String,
    name: String,
}

async fn remove_user(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Form(form): Form<RemoveUserForm>,
) -> Response {
    if let Some(r) = refused(&auth, Some(&form.csrf)) {
        return r;
    }
    let ws = state.ws.clone();
    let missing = format!("Không có người dùng “{}”.", form.name);
    let (name, by) = (form.name, auth.user.name.clone());
    let result = blocking(move || ws.remove_user(&name, &by)).await;
    done_or_missing(result, "/admin/users", &missing)
}

#[derive(Deserialize)]
struct RemoveEssayForm {
    csrf: String,
    reason: String,
}

async fn remove_essay(
    State(state): State<AppState>,
    PageAuth(auth): PageAuth,
    Path(id): Path<i64>,
    Form(form): Form<RemoveEssayForm>,
) -> Response {
    if let Some(r) = refused(&auth, Some(&form.csrf)) {
        return r;
    }
    let ws = state.ws.clone();
    let by = auth.user.name.clone();
    let result = blocking(move || ws.remove_essay(id, &by, &form.reason)).await;
    done_or_missing(result, "/essays", &format!("Không có bài số {id}."))
}

/// The removal form of the essay page (admins only).
pub fn remove_essay_form(id: i64, csrf: &str) -> String {
    format!(
        r#"<h2>Xoá bài</h2><form method="post" action="/essays/{id}/remove" class="box" id="remove-form">
<input type="hidden" name="csrf" value="{}">
<p><label for="remove-reason">Lý do xoá (bắt buộc; được ghi lại)</label><input type="text" id="remove-reason" name="reason" required maxlength="500"></p>
<p><button type="submit" id="remove-submit">Xoá bài này</button></p></form>"#,
        esc(csrf)
    )
}
