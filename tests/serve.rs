//! `thuhoach serve` against a real server on a loopback port: every route, authentication,
//! escaping, upload limits, the OpenAPI document, concurrent overrides and kill -9.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use common::server::{
    add_user, client, dev_dir, json, login, multipart, text, try_json, zip_of, Server,
};
use serde_json::{json as j, Value};

const PASSWORD: &str = "mật-khẩu-thử-1";

fn started_with_dev(tmp: &Path) -> Server {
    let data = tmp.join("data");
    add_user(&data, "admin", "admin", PASSWORD);
    add_user(&data, "reviewer", "reviewer", PASSWORD);
    Server::start(&data, &[&dev_dir()], &[])
}

fn get(s: &Server, path: &str, token: Option<&str>) -> (u16, Value) {
    let mut req = client().get(s.url(path));
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    json(req.call())
}

fn post_json(s: &Server, path: &str, token: Option<&str>, body: &Value) -> (u16, Value) {
    let mut req = client()
        .post(s.url(path))
        .header("content-type", "application/json");
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    json(req.send(body.to_string()))
}

/// Signs in through the login form; returns the session cookie.
fn page_login(s: &Server, name: &str, password: &str) -> String {
    let resp = client().get(s.url("/login")).call().expect("login page");
    let cookie = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("thuhoach_login_csrf="))
        .expect("login csrf cookie")
        .split(';')
        .next()
        .expect("cookie")
        .to_string();
    let (_, body) = text(Ok(resp));
    let csrf = hidden(&body, "csrf");
    let form = format!("name={}&password={}&csrf={csrf}", enc(name), enc(password));
    let resp = client()
        .post(s.url("/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", &cookie)
        .send(form)
        .expect("login");
    assert_eq!(resp.status().as_u16(), 303, "login by form");
    let set = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("thuhoach_session="))
        .expect("session cookie")
        .to_string();
    assert!(set.contains("HttpOnly"), "{set}");
    assert!(set.contains("SameSite=Strict"), "{set}");
    set.split(';').next().expect("cookie").to_string()
}

fn enc(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

/// The value of the first hidden input named `name` in a page.
fn hidden(page: &str, name: &str) -> String {
    let at = page
        .find(&format!(r#"name="{name}" value=""#))
        .unwrap_or_else(|| panic!("no {name} in page"));
    let rest = &page[at + name.len() + 15..];
    rest[..rest.find('"').expect("end of value")].to_string()
}

fn page(s: &Server, path: &str, cookie: &str) -> (u16, String) {
    text(client().get(s.url(path)).header("cookie", cookie).call())
}

#[test]
fn health_openapi_and_authentication() {
    let tmp = tempfile::tempdir().unwrap();
    let s = started_with_dev(tmp.path());
    let (status, health) = get(&s, "/healthz", None);
    assert_eq!(status, 200);
    assert_eq!(health["essays"], 24);

    let (status, doc) = get(&s, "/api/v1/openapi.json", None);
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."), "{doc}");
    let routes = [
        ("get", "/healthz"),
        ("get", "/api/v1/openapi.json"),
        ("post", "/api/v1/grade"),
        ("get", "/api/v1/essays"),
        ("get", "/api/v1/essays/{id}"),
        ("get", "/api/v1/search"),
        ("post", "/api/v1/login"),
        ("post", "/api/v1/essays/{id}/override"),
        ("get", "/api/v1/decisions"),
    ];
    for (method, path) in routes {
        let op = &doc["paths"][path][method];
        assert!(
            op.is_object(),
            "{method} {path} missing from the OpenAPI document"
        );
        assert!(
            op["responses"]["200"].is_object(),
            "{method} {path}: no 200 answer"
        );
    }
    assert_eq!(doc["paths"].as_object().unwrap().len(), routes.len());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    // Every schema referenced is defined.
    let raw = doc.to_string();
    for part in raw.split("#/components/schemas/").skip(1) {
        let name = &part[..part.find('"').unwrap()];
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "undefined schema {name}"
        );
    }

    // Without a token: 401 on every protected route.
    for (method, path) in [
        ("get", "/api/v1/essays"),
        ("get", "/api/v1/essays/1"),
        ("get", "/api/v1/search?q=dang"),
        ("get", "/api/v1/decisions"),
    ] {
        let (status, body) = if method == "get" {
            get(&s, path, None)
        } else {
            unreachable!()
        };
        assert_eq!(status, 401, "{path}: {body}");
        assert!(body["error"].as_str().unwrap().contains("đăng nhập"));
    }
    for path in ["/api/v1/grade", "/api/v1/essays/1/override"] {
        let (status, _) = post_json(
            &s,
            path,
            None,
            &j!({"text": "x", "grade": "good", "reason": "x"}),
        );
        assert_eq!(status, 401, "{path}");
    }
    let (status, _) = get(&s, "/api/v1/essays", Some("not-a-token"));
    assert_eq!(status, 401);
    // Pages send visitors to the sign-in page.
    for path in [
        "/",
        "/essays",
        "/essays/1",
        "/search?q=x",
        "/upload",
        "/downloads",
        "/downloads/bao-cao.xlsx",
    ] {
        let resp = client().get(s.url(path)).call().unwrap();
        assert_eq!(resp.status().as_u16(), 303, "{path}");
        assert_eq!(resp.headers()["location"], "/login", "{path}");
    }
    // Wrong passwords and unknown names are refused.
    let (status, _) = post_json(
        &s,
        "/api/v1/login",
        None,
        &j!({"name": "admin", "password": "sai"}),
    );
    assert_eq!(status, 401);
    let (status, _) = post_json(
        &s,
        "/api/v1/login",
        None,
        &j!({"name": "ai-đó", "password": PASSWORD}),
    );
    assert_eq!(status, 401);
    // Bodies are capped.
    let big = "x".repeat(3 * 1024 * 1024);
    let sent = client()
        .post(s.url("/api/v1/login"))
        .header("content-type", "application/json")
        .send(j!({"name": big, "password": "x"}).to_string());
    // The server answers 413, or closes the connection before the client has sent it all.
    if let Some((status, _)) = try_json(sent) {
        assert_eq!(status, 413);
    }
    assert_eq!(get(&s, "/healthz", None).0, 200);
}

#[test]
fn api_lists_reads_searches_grades_and_overrides() {
    let tmp = tempfile::tempdir().unwrap();
    let s = started_with_dev(tmp.path());
    let token = login(&s, "reviewer", PASSWORD);
    let t = Some(token.as_str());

    let (status, all) = get(&s, "/api/v1/essays?limit=1000", t);
    assert_eq!(status, 200);
    assert_eq!(all["total"], 24);
    let essays = all["essays"].as_array().unwrap();
    assert_eq!(essays.len(), 24);
    for key in [
        "id", "file", "author", "unit", "grade", "score", "flags", "review",
    ] {
        assert!(essays[0].get(key).is_some(), "essay list entry lacks {key}");
    }
    // The grade filter partitions the essays.
    let mut by_grade = 0;
    for g in ["good", "fair", "average", "poor"] {
        let (_, page) = get(&s, &format!("/api/v1/essays?grade={g}&limit=1000"), t);
        let n = page["total"].as_u64().unwrap();
        assert!(page["essays"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["grade"] == g));
        by_grade += n;
    }
    assert_eq!(by_grade, 24);
    // Paging.
    let (_, p2) = get(&s, "/api/v1/essays?limit=5&offset=5", t);
    assert_eq!(p2["total"], 24);
    assert_eq!(p2["essays"][0]["id"], essays[5]["id"]);
    // Sorting by score, best first.
    let (_, sorted) = get(&s, "/api/v1/essays?sort=-score&limit=1000", t);
    let scores: Vec<f64> = sorted["essays"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    // Unit filter without diacritics, whole words.
    let (_, yen) = get(&s, "/api/v1/essays?unit=yen%20thach", t);
    assert!(yen["total"].as_u64().unwrap() >= 1);
    assert!(yen["essays"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["unit"].as_str().unwrap().contains("Yên Thạch")));
    // Review filter partitions too.
    let (_, on) = get(&s, "/api/v1/essays?review=true&limit=1000", t);
    let (_, off) = get(&s, "/api/v1/essays?review=false&limit=1000", t);
    assert_eq!(
        on["total"].as_u64().unwrap() + off["total"].as_u64().unwrap(),
        24
    );
    assert!(on["essays"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| !e["review"].as_array().unwrap().is_empty()));

    // One essay: the assessment row, text and decisions.
    let id = essays[0]["id"].as_i64().unwrap();
    let (status, one) = get(&s, &format!("/api/v1/essays/{id}"), t);
    assert_eq!(status, 200);
    assert_eq!(one["file"], essays[0]["file"]);
    assert!(one["themes"].as_array().unwrap().len() > 5);
    assert!(one["text"].as_str().unwrap().contains("BÀI THU HOẠCH"));
    assert_eq!(
        one["schema_version"].as_u64().or(Some(0)),
        one["schema_version"].as_u64().or(Some(0))
    );
    let (status, _) = get(&s, "/api/v1/essays/99999", t);
    assert_eq!(status, 404);

    // Search: the `search --format json` shape, diacritics optional.
    let (status, found) = get(&s, "/api/v1/search?q=chuyen%20doi%20so&limit=50", t);
    assert_eq!(status, 200);
    let (_, exact) = get(
        &s,
        "/api/v1/search?q=chuy%E1%BB%83n%20%C4%91%E1%BB%95i%20s%E1%BB%91&limit=50",
        t,
    );
    assert!(found["total"].as_u64().unwrap() >= 3, "{found}");
    assert_eq!(found["total"], exact["total"]);
    let hit = &found["hits"][0];
    for key in [
        "file",
        "author",
        "unit",
        "grade",
        "score",
        "snippet",
        "snippet_html",
        "id",
    ] {
        assert!(hit.get(key).is_some(), "hit lacks {key}");
    }
    let (_, filtered) = get(
        &s,
        "/api/v1/search?q=chuyen%20doi%20so&grade=good&limit=50",
        t,
    );
    assert!(filtered["hits"]
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["grade"] == "good"));
    let (status, _) = get(&s, "/api/v1/search?q=", t);
    assert_eq!(status, 400);

    // Grade: JSON text and a multipart file, nothing stored.
    let essay = std::fs::read_to_string(dev_dir().join("01_giao_vien_thcs_yen_thach.txt")).unwrap();
    let (status, row) = post_json(&s, "/api/v1/grade", t, &j!({"text": essay}));
    assert_eq!(status, 200, "{row}");
    assert_eq!(row["grade"], essays[0]["machine_grade"]);
    assert_eq!(row["author"], "Lê Thị Thanh Huyền");
    let (ct, body) = multipart(&[("file", Some("bai.txt"), essay.as_bytes())]);
    let (status, row2) = json(
        client()
            .post(s.url("/api/v1/grade"))
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", ct)
            .send(body),
    );
    assert_eq!(status, 200, "{row2}");
    assert_eq!(row2["score"], row["score"]);
    let (status, _) = post_json(&s, "/api/v1/grade", t, &j!({"text": "  "}));
    assert_eq!(status, 200);
    assert_eq!(get(&s, "/healthz", None).1["essays"], 24);

    // Override: checked, recorded, visible.
    let path = format!("/api/v1/essays/{id}/override");
    let (status, e) = post_json(&s, &path, t, &j!({"grade": "excellent", "reason": "x"}));
    assert_eq!(status, 400, "{e}");
    let (status, _) = post_json(&s, &path, t, &j!({"grade": "fair", "reason": "   "}));
    assert_eq!(status, 400);
    let (status, _) = post_json(
        &s,
        "/api/v1/essays/99999/override",
        t,
        &j!({"grade": "fair", "reason": "x"}),
    );
    assert_eq!(status, 404);
    let (status, d) = post_json(
        &s,
        &path,
        t,
        &j!({"grade": "fair", "reason": "Liên hệ bản thân còn chung chung"}),
    );
    assert_eq!(status, 200, "{d}");
    assert_eq!(d["seq"], 1);
    assert_eq!(d["by"], "reviewer");
    assert_eq!(d["previous"], essays[0]["machine_grade"]);
    let (_, one) = get(&s, &format!("/api/v1/essays/{id}"), t);
    assert_eq!(one["final_grade"], "fair");
    assert_eq!(
        one["grade"], essays[0]["machine_grade"],
        "the machine's row is kept"
    );
    assert_eq!(
        one["decisions"][0]["reason"],
        "Liên hệ bản thân còn chung chung"
    );
    let (_, listed) = get(&s, "/api/v1/essays?limit=1", t);
    assert_eq!(listed["essays"][0]["grade"], "fair");
    assert_eq!(listed["essays"][0]["overridden"], true);
    let (status, log) = get(&s, "/api/v1/decisions", t);
    assert_eq!(status, 200);
    assert_eq!(log["decisions"].as_array().unwrap().len(), 1);
}

fn hostile_essay() -> String {
    let body =
        std::fs::read_to_string(dev_dir().join("03_cong_an_xa_khanh_long_thuong.txt")).unwrap();
    format!(
        "Họ và tên: Kẻ <script>alert('tên')</script>\nChi bộ: \"><img src=x onerror=alert(1)>\n\n{body}\n\nĐoạn cuối <script>alert(2)</script> và \"><img src=y onerror=alert(3)> hết.\n"
    )
}

#[test]
fn essay_text_is_escaped_on_every_page() {
    let tmp = tempfile::tempdir().unwrap();
    let essays = tmp.path().join("essays");
    std::fs::create_dir_all(&essays).unwrap();
    std::fs::write(essays.join("doc-hai.txt"), hostile_essay()).unwrap();
    std::fs::write(
        essays.join("binh-thuong.txt"),
        std::fs::read(dev_dir().join("01_giao_vien_thcs_yen_thach.txt")).unwrap(),
    )
    .unwrap();
    let data = tmp.path().join("data");
    add_user(&data, "admin", "admin", PASSWORD);
    let s = Server::start(&data, &[&essays], &[]);
    let cookie = page_login(&s, "admin", PASSWORD);
    let token = login(&s, "admin", PASSWORD);
    let (_, list) = get(&s, "/api/v1/essays?q=alert", Some(&token));
    let id = list["essays"][0]["id"]
        .as_i64()
        .expect("the hostile essay is found");
    for path in [
        format!("/essays/{id}"),
        "/essays".to_string(),
        "/essays?q=alert".to_string(),
        "/".to_string(),
        "/search?q=alert".to_string(),
        "/search?q=%22%3E%3Cimg".to_string(),
    ] {
        let (status, body) = page(&s, &path, &cookie);
        assert_eq!(status, 200, "{path}");
        assert!(!body.contains("<script"), "{path}: raw <script> in page");
        assert!(!body.contains("<img"), "{path}: raw <img> in page");
        assert!(!body.contains("onerror=alert(1)>"), "{path}");
    }
    let (_, body) = page(&s, &format!("/essays/{id}"), &cookie);
    assert!(
        body.contains("&lt;script&gt;alert(2)&lt;/script&gt;"),
        "the text shows as text"
    );
    assert!(body.contains("&quot;&gt;&lt;img src=y onerror=alert(3)&gt;"));
    let (_, search) = page(&s, "/search?q=alert", &cookie);
    assert!(
        search.contains("&lt;script&gt;"),
        "snippets show the markup as text"
    );
}

#[test]
fn pages_upload_override_and_download() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    add_user(&data, "admin", "admin", PASSWORD);
    add_user(&data, "reviewer", "reviewer", PASSWORD);
    let s = Server::start(&data, &[], &["--max-upload-mb", "1"]);
    let cookie = page_login(&s, "admin", PASSWORD);
    let (status, upload) = page(&s, "/upload", &cookie);
    assert_eq!(status, 200);
    let csrf = hidden(&upload, "csrf");

    let names = [
        "01_giao_vien_thcs_yen_thach.txt",
        "03_cong_an_xa_khanh_long_thuong.txt",
        "04_cong_nhan_bao_bi_hung_phat.txt",
    ];
    let mut entries: Vec<(String, Vec<u8>)> = names
        .iter()
        .map(|n| {
            (
                format!("chi-bo/{n}"),
                std::fs::read(dev_dir().join(n)).unwrap(),
            )
        })
        .collect();
    entries.push(("../../thoat-ra-ngoai.txt".into(), b"Ho va ten: X".to_vec()));
    let zip = zip_of(&entries);
    let roster = "STT,Họ và tên,Chi bộ\n1,Lê Thị Thanh Huyền,\"Trường THCS Yên Thạch, xã Yên Thạch, huyện Đức Phong, tỉnh Hà Tĩnh\"\n2,Đặng Văn Hưng,\"Công an xã Khánh Long Thượng, huyện Tràng Sơn, tỉnh Lạng Sơn\"\n3,Phạm Văn Toàn,\"Công ty Cổ phần Bao bì Hưng Phát, Khu công nghiệp Nam Tiến, tỉnh Hưng Yên\"\n4,Trần Văn Vắng,\"Trường THCS Yên Thạch, xã Yên Thạch, huyện Đức Phong, tỉnh Hà Tĩnh\"\n";

    // Without the CSRF token: refused.
    let (ct, body) = multipart(&[("essays", Some("bai.zip"), &zip)]);
    let (status, _) = text(
        client()
            .post(s.url("/upload"))
            .header("cookie", &cookie)
            .header("content-type", ct)
            .send(body),
    );
    assert_eq!(status, 403);
    // A reviewer may not upload.
    let rcookie = page_login(&s, "reviewer", PASSWORD);
    let (status, _) = page(&s, "/upload", &rcookie);
    assert_eq!(status, 403);

    let (ct, body) = multipart(&[
        ("csrf", None, csrf.as_bytes()),
        ("essays", Some("bai-nop.zip"), &zip),
        ("roster", Some("danh-sach.csv"), roster.as_bytes()),
    ]);
    let resp = client()
        .post(s.url("/upload"))
        .header("cookie", &cookie)
        .header("content-type", ct)
        .send(body)
        .unwrap();
    assert_eq!(resp.status().as_u16(), 303);
    let batch = resp.headers()["location"].to_str().unwrap().to_string();
    assert!(batch.starts_with("/batches/"), "{batch}");
    let mut waited = 0;
    loop {
        let (_, p) = page(&s, &batch, &cookie);
        if p.contains(r#"data-status="done""#) {
            assert!(p.contains("4 / 4 bài"), "{p}");
            break;
        }
        assert!(!p.contains(r#"data-status="failed""#), "{p}");
        waited += 1;
        assert!(waited < 600, "the upload never finished");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(!tmp.path().join("thoat-ra-ngoai.txt").exists());
    assert!(!data.join("thoat-ra-ngoai.txt").exists());
    let token = login(&s, "admin", PASSWORD);
    let (_, list) = get(&s, "/api/v1/essays?limit=100", Some(&token));
    assert_eq!(list["total"], 4);
    let files: BTreeSet<String> = list["essays"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["file"].as_str().unwrap().to_string())
        .collect();
    assert!(
        files.contains("bai-nop.zip/chi-bo/01_giao_vien_thcs_yen_thach.txt"),
        "{files:?}"
    );
    let bad = list["essays"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["file"].as_str().unwrap().contains("thoat-ra-ngoai"))
        .unwrap();
    assert!(
        bad["error"].as_str().unwrap().contains("không an toàn"),
        "{bad}"
    );

    // Dashboard: counts, percentages, participation against the roster (3 of 4 members).
    let (status, dash) = page(&s, "/", &cookie);
    assert_eq!(status, 200);
    assert!(dash.contains(r#"<b id="total-essays">4</b>"#), "{dash}");
    assert!(
        dash.contains(r#"<b id="participation">75%</b>"#)
            || dash.contains(r#"<b id="participation">75,0%</b>"#),
        "participation: {}",
        &dash[dash.find("total-essays").unwrap()..][..1500]
    );
    assert!(dash.contains("Trần Văn Vắng"), "missing member listed");
    assert!(dash.contains("<svg"), "chart");

    // Essay page: evidence highlighted with a legend; override by form with CSRF.
    let good = list["essays"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["author"] == "Lê Thị Thanh Huyền")
        .unwrap();
    let id = good["id"].as_i64().unwrap();
    let (_, essay) = page(&s, &format!("/essays/{id}"), &cookie);
    assert!(
        essay.matches("<mark class=\"c0\"").count() >= 5,
        "theme evidence highlighted"
    );
    assert!(essay.contains(r#"id="legend""#));
    let csrf = hidden(&essay, "csrf");
    let form =
        |csrf: &str, reason: &str| format!("csrf={csrf}&grade=average&reason={}", enc(reason));
    let (status, _) = text(
        client()
            .post(s.url(&format!("/essays/{id}/override")))
            .header("cookie", &cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .send(form("sai", "Lý do")),
    );
    assert_eq!(status, 403);
    let (status, _) = text(
        client()
            .post(s.url(&format!("/essays/{id}/override")))
            .header("cookie", &cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .send(form(&csrf, "")),
    );
    assert_eq!(status, 400);
    let (status, _) = text(
        client()
            .post(s.url(&format!("/essays/{id}/override")))
            .header("cookie", &cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .send(form(&csrf, "Bài <b>chép</b> mẫu")),
    );
    assert_eq!(status, 303);
    let (_, essay) = page(&s, &format!("/essays/{id}"), &cookie);
    assert!(
        essay.contains("Bài &lt;b&gt;chép&lt;/b&gt; mẫu"),
        "decision shown, escaped"
    );
    assert!(essay.contains(r#"<b id="final-grade">Trung bình</b>"#));

    // Search page without diacritics.
    let (_, found) = page(&s, "/search?q=%22bien+gioi%22", &cookie);
    assert!(
        found.contains(r#"id="search-total">Tìm thấy 1 bài"#),
        "{found}"
    );
    // List page with filters.
    let (_, listed) = page(&s, "/essays?grade=average&sort=-score", &cookie);
    assert!(listed.contains(&format!(r#"href="/essays/{id}""#)));

    // Downloads: the report (.xlsx is a zip) uses the committee's grade; results .jsonl too.
    for name in ["bao-cao.xlsx", "bao-cao.docx"] {
        let resp = client()
            .get(s.url(&format!("/downloads/{name}")))
            .header("cookie", &cookie)
            .call()
            .unwrap();
        assert_eq!(resp.status().as_u16(), 200, "{name}");
        let bytes = resp
            .into_body()
            .with_config()
            .limit(50 << 20)
            .read_to_vec()
            .unwrap();
        assert!(bytes.starts_with(b"PK"), "{name} is a zip");
    }
    let (_, html) = page(&s, "/downloads/bao-cao.html", &cookie);
    assert!(html.contains("Trần Văn Vắng"));
    let (_, jsonl) = page(&s, "/downloads/ket-qua.jsonl", &cookie);
    let rows: Vec<Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 4);
    assert!(rows
        .iter()
        .any(|r| r["author"] == "Lê Thị Thanh Huyền" && r["grade"] == "average"));
    let (_, exported) = page(&s, "/downloads/nhat-ky-quyet-dinh.jsonl", &cookie);
    let copy = tmp.path().join("export");
    std::fs::create_dir_all(&copy).unwrap();
    std::fs::write(copy.join("decisions.jsonl"), &exported).unwrap();
    audit_verifies(&copy, 1);
    let (status, _) = page(&s, "/downloads/..%2F..%2Fetc%2Fpasswd", &cookie);
    assert_eq!(status, 404);

    // Upload cap: 2 MB against a 1 MB limit.
    let (_, upload) = page(&s, "/upload", &cookie);
    let csrf = hidden(&upload, "csrf");
    let big = vec![b'a'; 2 * 1024 * 1024];
    let (ct, body) = multipart(&[
        ("csrf", None, csrf.as_bytes()),
        ("essays", Some("to.txt"), &big),
    ]);
    let (status, _) = text(
        client()
            .post(s.url("/upload"))
            .header("cookie", &cookie)
            .header("content-type", ct)
            .send(body),
    );
    assert_eq!(status, 413);
    assert_eq!(get(&s, "/healthz", None).1["essays"], 4);
}

#[test]
fn public_address_is_refused_without_an_admin() {
    let tmp = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_thuhoach"))
        .args(["serve", "--bind", "0.0.0.0:0", "--data"])
        .arg(tmp.path().join("data"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("quản trị"), "{err}");
}

/// Overrides by `threads` clients at once, each until it has made `each` or the server dies.
/// Returns every acknowledged decision: seq → (essay, grade, reason).
fn override_storm(
    s: &Server,
    token: &str,
    threads: usize,
    each: usize,
    acked: &AtomicUsize,
) -> BTreeMap<u64, (i64, String, String)> {
    let got = Arc::new(Mutex::new(BTreeMap::new()));
    std::thread::scope(|scope| {
        for t in 0..threads {
            let got = got.clone();
            scope.spawn(move || {
                for k in 0..each {
                    let id = ((t * 7 + k) % 24 + 1) as i64;
                    let grade = ["good", "fair", "average", "poor"][(t + k) % 4];
                    let reason = format!("Người chấm {t}, lần {k}");
                    let sent = client()
                        .post(s.url(&format!("/api/v1/essays/{id}/override")))
                        .header("content-type", "application/json")
                        .header("authorization", format!("Bearer {token}"))
                        .send(j!({"grade": grade, "reason": reason}).to_string());
                    let Some((200, d)) = try_json(sent) else {
                        break;
                    };
                    acked.fetch_add(1, Ordering::SeqCst);
                    got.lock()
                        .unwrap()
                        .insert(d["seq"].as_u64().unwrap(), (id, grade.to_string(), reason));
                }
            });
        }
    });
    Arc::try_unwrap(got).unwrap().into_inner().unwrap()
}

fn recorded(s: &Server, token: &str) -> BTreeMap<u64, (i64, String, String)> {
    let (status, log) = get(s, "/api/v1/decisions", Some(token));
    assert_eq!(status, 200);
    log["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["seq"].as_u64().unwrap(),
                (
                    d["essay_id"].as_i64().unwrap(),
                    d["grade"].as_str().unwrap().to_string(),
                    d["reason"].as_str().unwrap().to_string(),
                ),
            )
        })
        .collect()
}

#[test]
fn twenty_concurrent_overriders_lose_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let s = started_with_dev(tmp.path());
    let token = login(&s, "reviewer", PASSWORD);
    let acked = AtomicUsize::new(0);
    let got = override_storm(&s, &token, 20, 3, &acked);
    assert_eq!(got.len(), 60);
    assert_eq!(
        got.keys().copied().collect::<Vec<_>>(),
        (1..=60).collect::<Vec<u64>>()
    );
    assert_eq!(recorded(&s, &token), got);
    let log = std::fs::read_to_string(s.data.join("decisions.jsonl")).unwrap();
    assert_eq!(log.lines().count(), 60);
    audit_verifies(&s.data, 60);
}

/// `thuhoach audit verify` accepts the workspace's log (and the downloaded copy of it).
fn audit_verifies(data: &Path, at_least: usize) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_thuhoach"))
        .args(["audit", "verify"])
        .arg(data.join("decisions.jsonl"))
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{said}");
    let n = std::fs::read_to_string(data.join("decisions.jsonl"))
        .unwrap()
        .lines()
        .count();
    assert!(n >= at_least, "{n} entries");
}

#[test]
fn kill_during_overrides_keeps_every_acknowledged_decision() {
    let tmp = tempfile::tempdir().unwrap();
    let s = started_with_dev(tmp.path());
    let token = login(&s, "reviewer", PASSWORD);
    let acked = AtomicUsize::new(0);
    let got = std::thread::scope(|scope| {
        let storm = scope.spawn(|| override_storm(&s, &token, 20, 1000, &acked));
        while acked.load(Ordering::SeqCst) < 40 {
            std::thread::yield_now();
        }
        // kill -9 while twenty clients are still overriding.
        s.kill();
        storm.join().unwrap()
    });
    assert!(got.len() >= 40);
    let data = s.data.clone();
    drop(s);
    let s = Server::start(&data, &[], &[]);
    audit_verifies(&data, got.len());
    let token = login(&s, "reviewer", PASSWORD);
    let after = recorded(&s, &token);
    for (seq, decision) in &got {
        assert_eq!(
            after.get(seq),
            Some(decision),
            "acknowledged decision {seq} lost"
        );
    }
    assert_eq!(
        after.keys().copied().collect::<Vec<_>>(),
        (1..=after.len() as u64).collect::<Vec<_>>()
    );
    // The essays show the last decision of each.
    let mut last: BTreeMap<i64, &str> = BTreeMap::new();
    for (essay, grade, _) in after.values() {
        last.insert(*essay, grade);
    }
    for (id, grade) in last {
        let (_, e) = get(&s, &format!("/api/v1/essays/{id}"), Some(&token));
        assert_eq!(e["final_grade"], grade, "essay {id}");
    }
    // More decisions can be made after the restart, numbered on.
    let (status, d) = post_json(
        &s,
        "/api/v1/essays/1/override",
        Some(&token),
        &j!({"grade": "good", "reason": "sau khi khởi động lại"}),
    );
    assert_eq!(status, 200);
    assert_eq!(d["seq"].as_u64().unwrap(), after.len() as u64 + 1);
    audit_verifies(&data, after.len() + 1);
}

#[test]
fn kill_during_an_import_leaves_a_workspace_that_opens() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    add_user(&data, "admin", "admin", PASSWORD);
    let s = Server::start(&data, &[], &[]);
    let cookie = page_login(&s, "admin", PASSWORD);
    let (_, upload) = page(&s, "/upload", &cookie);
    let csrf = hidden(&upload, "csrf");
    let mut entries = Vec::new();
    for copy in 0..20 {
        for e in std::fs::read_dir(dev_dir()).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "txt") {
                let mut text = std::fs::read_to_string(&p).unwrap();
                text.push_str(&format!("\nBản sao số {copy}.\n"));
                entries.push((
                    format!("ban-{copy}/{}", p.file_name().unwrap().to_string_lossy()),
                    text.into_bytes(),
                ));
            }
        }
    }
    let total = entries.len();
    let zip = zip_of(&entries);
    let (ct, body) = multipart(&[
        ("csrf", None, csrf.as_bytes()),
        ("essays", Some("lon.zip"), &zip),
    ]);
    let resp = client()
        .post(s.url("/upload"))
        .header("cookie", &cookie)
        .header("content-type", ct)
        .send(body)
        .unwrap();
    assert_eq!(resp.status().as_u16(), 303);
    let batch = resp.headers()["location"].to_str().unwrap().to_string();
    // Kill as soon as the import has started committing.
    loop {
        let (_, p) = page(&s, &batch, &cookie);
        if p.contains("id=\"batch-progress\"") || p.contains("data-status=\"done\"") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    s.kill();
    drop(s);
    let s = Server::start(&data, &[], &[]);
    let token = login(&s, "admin", PASSWORD);
    let (status, list) = get(&s, "/api/v1/essays?limit=1000", Some(&token));
    assert_eq!(status, 200);
    let n = list["total"].as_u64().unwrap() as usize;
    assert!(n <= total);
    // Database and index agree: every stored essay is found by a word every essay has, and
    // every hit opens.
    let (_, found) = get(&s, "/api/v1/search?q=nghi%20quyet&limit=500", Some(&token));
    assert_eq!(found["total"].as_u64().unwrap() as usize, n);
    for hit in found["hits"].as_array().unwrap().iter().take(50) {
        let id = hit["id"].as_i64().expect("every hit is a stored essay");
        assert_eq!(
            get(&s, &format!("/api/v1/essays/{id}"), Some(&token)).0,
            200
        );
    }
    let (_, p) = page(&s, &batch, &page_login(&s, "admin", PASSWORD));
    assert!(
        p.contains("data-status=\"interrupted\"") || p.contains("data-status=\"done\""),
        "{p}"
    );
}

/// Uploads a .zip of `entries` through the upload page as `cookie` (an admin) and waits until
/// the batch is done.
fn upload_zip(s: &Server, cookie: &str, entries: &[(String, Vec<u8>)]) {
    let (_, upload) = page(s, "/upload", cookie);
    let csrf = hidden(&upload, "csrf");
    let zip = zip_of(entries);
    let (ct, body) = multipart(&[
        ("csrf", None, csrf.as_bytes()),
        ("essays", Some("bai.zip"), &zip),
    ]);
    let resp = client()
        .post(s.url("/upload"))
        .header("cookie", cookie)
        .header("content-type", ct)
        .send(body)
        .unwrap();
    assert_eq!(resp.status().as_u16(), 303);
    let batch = resp.headers()["location"].to_str().unwrap().to_string();
    for _ in 0..600 {
        let (_, p) = page(s, &batch, cookie);
        if p.contains(r#"data-status="done""#) {
            return;
        }
        assert!(!p.contains(r#"data-status="failed""#), "{p}");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("the upload never finished");
}

/// The essay ids by file name.
fn ids_by_file(s: &Server, token: &str) -> BTreeMap<String, i64> {
    let (_, list) = get(s, "/api/v1/essays?limit=1000", Some(token));
    list["essays"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["file"].as_str().unwrap().to_string(),
                e["id"].as_i64().unwrap(),
            )
        })
        .collect()
}

/// POSTs a form (`application/x-www-form-urlencoded`) as `cookie`.
fn post_form(s: &Server, path: &str, cookie: &str, fields: &[(&str, &str)]) -> u16 {
    let body = fields
        .iter()
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .collect::<Vec<_>>()
        .join("&");
    let (status, _) = text(
        client()
            .post(s.url(path))
            .header("cookie", cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .send(body),
    );
    status
}

#[test]
fn near_duplicates_link_to_each_other_with_the_copied_passage_marked() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    add_user(&data, "admin", "admin", PASSWORD);
    let s = Server::start(&data, &[], &[]);
    let cookie = page_login(&s, "admin", PASSWORD);
    let token = login(&s, "admin", PASSWORD);
    let original = std::fs::read_to_string(dev_dir().join("01_giao_vien_thcs_yen_thach.txt"))
        .unwrap()
        .replace(
            "Cuối tháng 4 vừa qua,",
            "Cuối tháng 4 <script>alert('chép')</script> vừa qua,",
        );
    let copy = original.replace("Lê Thị Thanh Huyền", "Nguyễn Văn Chép");
    assert_ne!(original, copy);
    let other = std::fs::read(dev_dir().join("03_cong_an_xa_khanh_long_thuong.txt")).unwrap();
    upload_zip(
        &s,
        &cookie,
        &[
            ("goc.txt".to_string(), original.into_bytes()),
            ("chep.txt".to_string(), copy.into_bytes()),
            ("khac.txt".to_string(), other),
        ],
    );
    let ids = ids_by_file(&s, &token);
    let (a, b, c) = (
        ids["bai.zip/goc.txt"],
        ids["bai.zip/chep.txt"],
        ids["bai.zip/khac.txt"],
    );
    for (me, partner) in [(a, b), (b, a)] {
        let (_, detail) = get(&s, &format!("/api/v1/essays/{me}"), Some(&token));
        let copies = detail["copies"].as_array().expect("copies");
        assert_eq!(copies.len(), 1, "{detail}");
        assert_eq!(copies[0]["id"], partner);
        assert!(copies[0]["similarity"].as_f64().unwrap() > 0.9, "{detail}");
        let (status, body) = page(&s, &format!("/essays/{me}"), &cookie);
        assert_eq!(status, 200);
        assert!(
            body.contains(r#"id="legend-copied""#),
            "the legend names the colour"
        );
        let link = format!(r#"<a class="copy-link" href="/essays/{partner}">"#);
        assert!(body.contains(&link), "essay {me} links to {partner}");
        // The marked passage holds the copied text, escaped.
        let at = body
            .find(r#"<span class="copied" title="#)
            .expect("a copied passage");
        let end = at + body[at..].find("</span>").expect("end of the passage");
        let passage = &body[at..end];
        assert!(
            passage.contains("vừa qua") && passage.contains("&lt;script&gt;alert("),
            "{passage}"
        );
        assert!(!body.contains("<script"), "essay text is escaped");
        assert!(body.contains(&format!(r#"<a href="/essays/{partner}">Bài số {partner}"#)));
    }
    let (_, body) = page(&s, &format!("/essays/{c}"), &cookie);
    assert!(
        !body.contains(r#"class="copied""#),
        "an essay of its own has no copied passage"
    );
    let (_, detail) = get(&s, &format!("/api/v1/essays/{c}"), Some(&token));
    assert_eq!(detail["copies"], j!([]));
}

#[test]
fn admins_manage_users_and_remove_essays_and_it_lasts() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    add_user(&data, "admin", "admin", PASSWORD);
    add_user(&data, "reviewer", "reviewer", PASSWORD);
    let s = Server::start(&data, &[&dev_dir()], &[]);
    let admin = page_login(&s, "admin", PASSWORD);
    let reviewer = page_login(&s, "reviewer", PASSWORD);
    let (_, rpage) = page(&s, "/", &reviewer);
    let rcsrf = hidden(&rpage, "csrf");
    let (_, users) = page(&s, "/admin/users", &admin);
    let csrf = hidden(&users, "csrf");
    assert!(users.contains(r#"<tr data-user="reviewer">"#), "{users}");
    assert!(
        !rpage.contains(r#"href="/admin/users""#),
        "no admin menu for reviewers"
    );
    assert!(
        users.contains(r#"href="/admin/users""#),
        "admin menu for admins"
    );
    let token = login(&s, "admin", PASSWORD);
    let ids = ids_by_file(&s, &token);
    let before = ids.len();
    let file = dev_dir()
        .join("03_cong_an_xa_khanh_long_thuong.txt")
        .display()
        .to_string();
    let victim = *ids
        .iter()
        .find(|(f, _)| f.ends_with("03_cong_an_xa_khanh_long_thuong.txt"))
        .map(|(_, id)| id)
        .unwrap_or_else(|| panic!("{file} in {ids:?}"));
    let (_, essay_page) = page(&s, &format!("/essays/{victim}"), &admin);
    assert!(essay_page.contains(r#"id="remove-form""#));
    let (_, essay_page) = page(&s, &format!("/essays/{victim}"), &reviewer);
    assert!(!essay_page.contains(r#"id="remove-form""#));

    // Reviewers: 403 on every admin page and form, even with their own CSRF token.
    assert_eq!(page(&s, "/admin/users", &reviewer).0, 403);
    let new_user = [
        ("csrf", rcsrf.as_str()),
        ("name", "moi"),
        ("role", "admin"),
        ("password", "mat-khau-moi-1"),
    ];
    assert_eq!(post_form(&s, "/admin/users", &reviewer, &new_user), 403);
    let reset = [
        ("csrf", rcsrf.as_str()),
        ("name", "admin"),
        ("password", "chiem-quyen-1"),
    ];
    assert_eq!(
        post_form(&s, "/admin/users/password", &reviewer, &reset),
        403
    );
    let remove = [("csrf", rcsrf.as_str()), ("name", "admin")];
    assert_eq!(
        post_form(&s, "/admin/users/remove", &reviewer, &remove),
        403
    );
    let delete = [("csrf", rcsrf.as_str()), ("reason", "thử")];
    assert_eq!(
        post_form(&s, &format!("/essays/{victim}/remove"), &reviewer, &delete),
        403
    );
    // Admins need the CSRF token of their session.
    let forged = [("csrf", rcsrf.as_str()), ("name", "reviewer")];
    assert_eq!(post_form(&s, "/admin/users/remove", &admin, &forged), 403);
    assert_eq!(
        post_form(
            &s,
            &format!("/essays/{victim}/remove"),
            &admin,
            &[("csrf", &rcsrf), ("reason", "x")]
        ),
        403
    );
    assert!(ids_by_file(&s, &token).values().any(|&id| id == victim));

    // Admins: add a user, reset a password, remove a user, remove an essay.
    let new_user = [
        ("csrf", csrf.as_str()),
        ("name", "thu-ky"),
        ("role", "reviewer"),
        ("password", "mat-khau-thu-ky-1"),
    ];
    assert_eq!(post_form(&s, "/admin/users", &admin, &new_user), 303);
    assert_eq!(
        post_form(&s, "/admin/users", &admin, &new_user),
        400,
        "a name taken"
    );
    let short = [
        ("csrf", csrf.as_str()),
        ("name", "reviewer"),
        ("password", "ngan"),
    ];
    assert_eq!(post_form(&s, "/admin/users/password", &admin, &short), 400);
    let reset = [
        ("csrf", csrf.as_str()),
        ("name", "reviewer"),
        ("password", "mat-khau-moi-cua-reviewer"),
    ];
    assert_eq!(post_form(&s, "/admin/users/password", &admin, &reset), 303);
    // The reset ends the reviewer's session at once.
    let (status, _) = text(
        client()
            .get(s.url("/api/v1/decisions"))
            .header("cookie", &reviewer)
            .call(),
    );
    assert_eq!(status, 401, "the old session ended with the reset");
    let me = [("csrf", csrf.as_str()), ("name", "admin")];
    assert_eq!(
        post_form(&s, "/admin/users/remove", &admin, &me),
        400,
        "not oneself"
    );
    let gone = [("csrf", csrf.as_str()), ("name", "thu-ky")];
    assert_eq!(post_form(&s, "/admin/users/remove", &admin, &gone), 303);
    let no_reason = [("csrf", csrf.as_str()), ("reason", " ")];
    assert_eq!(
        post_form(&s, &format!("/essays/{victim}/remove"), &admin, &no_reason),
        400
    );
    let delete = [("csrf", csrf.as_str()), ("reason", "nộp nhầm <b>bài</b>")];
    assert_eq!(
        post_form(&s, &format!("/essays/{victim}/remove"), &admin, &delete),
        303
    );

    let check = |s: &Server| {
        let token = login(s, "admin", PASSWORD);
        let ids = ids_by_file(s, &token);
        assert!(!ids.values().any(|&id| id == victim), "{ids:?}");
        assert_eq!(ids.len(), before - 1);
        assert_eq!(
            get(s, &format!("/api/v1/essays/{victim}"), Some(&token)).0,
            404
        );
        let (_, found) = get(
            s,
            "/api/v1/search?q=khanh%20long%20thuong&limit=50",
            Some(&token),
        );
        assert!(
            found["hits"].as_array().unwrap().iter().all(|h| !h["file"]
                .as_str()
                .unwrap()
                .ends_with("03_cong_an_xa_khanh_long_thuong.txt")),
            "{found}"
        );
        let cookie = page_login(s, "admin", PASSWORD);
        let (_, users) = page(s, "/admin/users", &cookie);
        assert!(!users.contains(r#"data-user="thu-ky""#), "{users}");
        assert!(
            users.contains("nộp nhầm &lt;b&gt;bài&lt;/b&gt;"),
            "the removal is recorded"
        );
        // The reset password works, the old one does not.
        let (status, _) = post_json(
            s,
            "/api/v1/login",
            None,
            &j!({"name": "reviewer", "password": PASSWORD}),
        );
        assert_eq!(status, 401);
        login(s, "reviewer", "mat-khau-moi-cua-reviewer");
        let (status, _) = post_json(
            s,
            "/api/v1/login",
            None,
            &j!({"name": "thu-ky", "password": "mat-khau-thu-ky-1"}),
        );
        assert_eq!(status, 401);
    };
    check(&s);
    s.kill();
    let s = Server::start(&data, &[], &[]);
    check(&s);
}
