//! Passwords (argon2), sessions (random tokens, stored hashed), CSRF tokens, and the slowing
//! of failed logins.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use sha2::{Digest, Sha256};

use super::store::{Role, User};
use super::{AppState, ServeError};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "thuhoach_session";
/// Name of the cookie holding the login form's CSRF token (before any session exists).
pub const LOGIN_CSRF_COOKIE: &str = "thuhoach_login_csrf";
/// Sessions last a working day.
pub const SESSION_SECONDS: i64 = 12 * 3600;

/// `n` random bytes as lowercase hex.
pub fn random_hex(n: usize) -> Result<String, ServeError> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes)
        .map_err(|e| ServeError::Data(format!("không lấy được số ngẫu nhiên: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

pub fn hash_password(password: &str) -> Result<String, ServeError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt)
        .map_err(|e| ServeError::Data(format!("không lấy được số ngẫu nhiên: {e}")))?;
    let salt = SaltString::encode_b64(&salt)
        .map_err(|e| ServeError::Data(format!("không tạo được muối mật khẩu: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ServeError::Data(format!("không băm được mật khẩu: {e}")))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// What is stored for a session token (never the token itself).
pub fn token_hash(token: &str) -> String {
    format!("{:x}", Sha256::digest(token.as_bytes()))
}

/// Constant-time comparison of two tokens.
pub fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Slows down failed logins: each recent failure for a name doubles the wait before the
/// answer, from 250 ms up to 8 s; a success clears it.
#[derive(Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl LoginLimiter {
    /// How long to wait before answering a failed login for `name` (after recording it).
    pub fn fail(&self, name: &str) -> Duration {
        let Ok(mut map) = self.failures.lock() else {
            return Duration::from_secs(8);
        };
        if map.len() > 10_000 {
            map.retain(|_, (_, at)| at.elapsed() < Duration::from_secs(900));
        }
        let entry = map
            .entry(name.to_lowercase())
            .or_insert((0, Instant::now()));
        if entry.1.elapsed() > Duration::from_secs(900) {
            entry.0 = 0;
        }
        entry.0 = entry.0.saturating_add(1);
        entry.1 = Instant::now();
        Duration::from_millis(250u64 << entry.0.min(6).saturating_sub(1))
    }

    pub fn succeed(&self, name: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.remove(&name.to_lowercase());
        }
    }
}

/// Checks a name and password; creates a session. Returns (token, csrf, role).
pub fn login(
    state: &AppState,
    name: &str,
    password: &str,
) -> Result<Option<(String, String, Role)>, ServeError> {
    let found = state.ws.with_store(|s| s.user(name.trim()))?;
    let Some((role, hash)) = found else {
        // Same work as a real check, so a wrong name takes as long as a wrong password.
        let _ = verify_password(password, &DUMMY_HASH);
        return Ok(None);
    };
    if !verify_password(password, &hash) {
        return Ok(None);
    }
    let token = random_hex(32)?;
    let csrf = random_hex(16)?;
    let expires = super::store::now() + SESSION_SECONDS;
    state
        .ws
        .with_store(|s| s.add_session(&token_hash(&token), name.trim(), &csrf, expires))?;
    Ok(Some((token, csrf, role)))
}

/// An argon2 hash of a random password, for timing parity on unknown names.
static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    random_hex(16)
        .and_then(|p| hash_password(&p))
        .unwrap_or_default()
});

/// The value of cookie `name` in the request.
pub fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// `Set-Cookie` value for a session (HttpOnly, SameSite=Strict).
pub fn session_cookie(token: &str) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={SESSION_SECONDS}"
    )
}

pub fn clear_session_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// A signed-in user, from a `Bearer` token or the session cookie.
#[derive(Debug, Clone)]
pub struct Auth {
    pub user: User,
    /// The session's CSRF token, for forms.
    pub csrf: String,
    token_hash: String,
}

impl Auth {
    pub fn token_hash(&self) -> &str {
        &self.token_hash
    }

    pub fn is_admin(&self) -> bool {
        self.user.role == Role::Admin
    }

    /// Checks a form's CSRF token against the session's.
    pub fn check_csrf(&self, sent: &str) -> bool {
        same_token(&self.csrf, sent)
    }
}

async fn authenticate(parts: &Parts, state: &AppState) -> Result<Option<Auth>, ServeError> {
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let Some(token) = bearer.or_else(|| cookie(parts, SESSION_COOKIE)) else {
        return Ok(None);
    };
    let hash = token_hash(token);
    // A session seen before is answered from memory, without a blocking task.
    if let Some(s) = state.ws.cached_session(&hash) {
        return Ok(Some(Auth {
            user: s.user,
            csrf: s.csrf,
            token_hash: hash,
        }));
    }
    let ws = state.ws.clone();
    let found = tokio::task::spawn_blocking(move || ws.session(&hash).map(|f| (f, hash)))
        .await
        .map_err(|e| ServeError::Data(e.to_string()))??;
    Ok(found.0.map(|s| Auth {
        user: s.user,
        csrf: s.csrf,
        token_hash: found.1,
    }))
}

/// A signed-in user for the JSON API: 401 with a JSON error otherwise.
pub struct ApiAuth(pub Auth);

impl FromRequestParts<AppState> for ApiAuth {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match authenticate(parts, state).await {
            Ok(Some(auth)) => Ok(ApiAuth(auth)),
            Ok(None) => Err(super::api::error(
                StatusCode::UNAUTHORIZED,
                "cần đăng nhập: gửi `Authorization: Bearer <token>` lấy từ POST /api/v1/login",
            )),
            Err(e) => Err(super::api::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                &e.to_string(),
            )),
        }
    }
}

/// A signed-in user for pages: a redirect to the sign-in page otherwise.
pub struct PageAuth(pub Auth);

impl FromRequestParts<AppState> for PageAuth {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match authenticate(parts, state).await {
            Ok(Some(auth)) => Ok(PageAuth(auth)),
            Ok(None) => Err(Redirect::to("/login").into_response()),
            Err(e) => Err(super::pages::error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                &e.to_string(),
            )),
        }
    }
}

/// The signed-in user if any (pages that also show to visitors).
pub struct MaybeAuth(pub Option<Auth>);

impl FromRequestParts<AppState> for MaybeAuth {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        Ok(MaybeAuth(authenticate(parts, state).await.ok().flatten()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_themselves() {
        let h = hash_password("mật khẩu dài").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("mật khẩu dài", &h));
        assert!(!verify_password("mat khau dai", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn failures_wait_longer_and_success_resets() {
        let l = LoginLimiter::default();
        let a = l.fail("an");
        let b = l.fail("An");
        assert!(b > a, "{a:?} {b:?}");
        l.succeed("an");
        assert_eq!(l.fail("an"), a);
    }

    #[test]
    fn tokens_compare() {
        assert!(same_token("abc", "abc"));
        assert!(!same_token("abc", "abd"));
        assert!(!same_token("abc", "ab"));
    }
}
