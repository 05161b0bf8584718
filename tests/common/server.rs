//! A real `thuhoach serve` on a loopback port, and a small HTTP client for it.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;

/// A running server; killed (SIGKILL) when dropped.
pub struct Server {
    child: std::sync::Mutex<Option<Child>>,
    pub base: String,
    pub data: PathBuf,
}

impl Server {
    /// Starts `thuhoach serve` on 127.0.0.1 with a free port, importing `paths`.
    pub fn start(data: &Path, paths: &[&Path], extra: &[&str]) -> Server {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_thuhoach"));
        cmd.arg("serve").args(paths).arg("--data").arg(data);
        cmd.args(["--bind", "127.0.0.1:0"]).args(extra);
        cmd.stdout(Stdio::null()).stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("start thuhoach serve");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut sent = false;
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if !sent {
                    if let Some(at) = line.find("http://") {
                        let url = line[at..]
                            .split_whitespace()
                            .next()
                            .unwrap_or("")
                            .trim_end_matches('/');
                        let _ = tx.send(Ok(url.to_string()));
                        sent = true;
                        continue;
                    }
                }
                eprintln!("[server] {line}");
            }
            if !sent {
                let _ = tx.send(Err("server exited before listening".to_string()));
            }
        });
        let base = rx
            .recv()
            .expect("server output")
            .unwrap_or_else(|e| panic!("{e}"));
        Server {
            child: std::sync::Mutex::new(Some(child)),
            base,
            data: data.to_path_buf(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// kill -9.
    pub fn kill(&self) {
        let taken = self.child.lock().map(|mut c| c.take()).unwrap_or(None);
        if let Some(mut child) = taken {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// `thuhoach user add NAME --role ROLE --data DATA` with the password on stdin.
pub fn add_user(data: &Path, name: &str, role: &str, password: &str) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_thuhoach"))
        .args(["user", "add", name, "--role", role, "--data"])
        .arg(data)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("user add");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{password}\n").as_bytes())
        .expect("password");
    let out = child.wait_with_output().expect("user add output");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// An HTTP client that returns every status (no redirects followed).
pub fn client() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into()
}

/// Status and body of a response.
pub fn text(resp: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> (u16, String) {
    let mut resp = resp.expect("HTTP request");
    let status = resp.status().as_u16();
    let body = resp
        .body_mut()
        .with_config()
        .limit(100 << 20)
        .read_to_string()
        .unwrap_or_default();
    (status, body)
}

/// Status and JSON body, or `None` when the connection failed (a killed server).
pub fn try_json(
    resp: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
) -> Option<(u16, serde_json::Value)> {
    let mut resp = resp.ok()?;
    let status = resp.status().as_u16();
    let body = resp.body_mut().read_to_string().ok()?;
    Some((
        status,
        serde_json::from_str(&body).unwrap_or(serde_json::Value::Null),
    ))
}

/// Status and JSON body of a response.
pub fn json(
    resp: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
) -> (u16, serde_json::Value) {
    let (status, body) = text(resp);
    let value = serde_json::from_str(&body).unwrap_or(serde_json::Value::Null);
    (status, value)
}

/// A bearer token for `name`.
pub fn login(server: &Server, name: &str, password: &str) -> String {
    let (status, body) = json(
        client()
            .post(server.url("/api/v1/login"))
            .header("content-type", "application/json")
            .send(serde_json::json!({"name": name, "password": password}).to_string()),
    );
    assert_eq!(status, 200, "{body}");
    body["token"].as_str().expect("token").to_string()
}

/// A multipart/form-data body: (field, file name or None, bytes).
pub fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----thuhoach-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, file, bytes) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file {
            Some(f) => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
            ),
            None => body.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes()),
        }
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A .zip of the given (name, bytes) entries.
pub fn zip_of(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(name.as_str(), options).expect("zip entry");
        zip.write_all(bytes).expect("zip write");
    }
    zip.finish().expect("zip finish").into_inner()
}

/// The dev essays folder.
pub fn dev_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dev")
}
