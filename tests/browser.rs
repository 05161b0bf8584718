//! End to end in a real headless browser (Debian `chromium` + `chromium-driver`, through
//! WebDriver with fantoccini): sign in, upload a zip of essays and a roster, read the
//! dashboard, open an essay and see its evidence highlighted, override with a reason, search a
//! phrase without diacritics, download the .xlsx.
//!
//! Without chromium/chromedriver the test fails under `CI=true` and is skipped (with a note)
//! otherwise. Set `THUHOACH_SCREENSHOTS=DIR` to keep screenshots of the pages.

mod common;

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::server::{add_user, dev_dir, zip_of, Server};
use common::tools::find_tool;
use fantoccini::{Client, ClientBuilder, Locator};

const PASSWORD: &str = "mật-khẩu-thử-1";

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

async fn connect(driver: &Path, browser: &Path, downloads: &Path) -> (Driver, Client) {
    let port = free_port();
    let child = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let driver = Driver(child);
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": browser,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1366,768", "--lang=vi"],
            "prefs": {
                "download.default_directory": downloads,
                "download.prompt_for_download": false,
                "download.directory_upgrade": true,
                "safebrowsing.enabled": false
            }
        }),
    );
    let url = format!("http://127.0.0.1:{port}");
    // chromedriver takes a moment to listen.
    for attempt in 0.. {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            Ok(client) => return (driver, client),
            Err(e) if attempt < 100 => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => panic!("cannot start a WebDriver session: {e}"),
        }
    }
    unreachable!()
}

async fn shot(c: &Client, name: &str) {
    if let Some(dir) = std::env::var_os("THUHOACH_SCREENSHOTS") {
        let png = c.screenshot().await.expect("screenshot");
        std::fs::create_dir_all(&dir).expect("screenshot folder");
        std::fs::write(Path::new(&dir).join(name), png).expect("write screenshot");
    }
}

/// The text of the first element matching `css`. Pages that refresh themselves (the batch
/// progress page) can replace the element between finding and reading it: find it again.
async fn text_of(c: &Client, css: &str) -> String {
    let mut last = String::new();
    for _ in 0..50 {
        match c.find(Locator::Css(css)).await {
            Ok(e) => match e.text().await {
                Ok(t) => return t,
                Err(err) => last = err.to_string(),
            },
            Err(err) => last = err.to_string(),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("{css}: {last}")
}

/// The path of the page once it satisfies `ok`: a click that submits a form or follows a link
/// can return before the browser has navigated (seen with chromedriver on a loaded machine).
/// Fails after 10 s with the last path seen.
async fn path_when(c: &Client, ok: impl Fn(&str) -> bool) -> String {
    let mut path = String::new();
    for _ in 0..50 {
        path = c.current_url().await.unwrap().path().to_string();
        if ok(&path) {
            return path;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("the browser stayed on {path}")
}

/// Uploads essays (and a roster) through the upload page and follows the progress page until
/// the batch is done.
async fn upload(c: &Client, server: &Server, essays: &Path, roster: Option<&Path>) {
    c.goto(&server.url("/upload")).await.unwrap();
    c.find(Locator::Id("essays"))
        .await
        .unwrap()
        .send_keys(&essays.display().to_string())
        .await
        .unwrap();
    if let Some(roster) = roster {
        c.find(Locator::Id("roster"))
            .await
            .unwrap()
            .send_keys(&roster.display().to_string())
            .await
            .unwrap();
    }
    c.find(Locator::Id("upload-submit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let mut status = String::new();
    for _ in 0..600 {
        if let Ok(el) = c.find(Locator::Id("batch-status")).await {
            status = el
                .attr("data-status")
                .await
                .ok()
                .flatten()
                .unwrap_or_default();
            // Empty: the page refreshed under us (stale element); look again.
            if !status.is_empty() && status != "running" {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(status, "done");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reviewer_session_in_a_real_browser() {
    let (Some(browser), Some(driver)) = (
        find_tool(&["chromium", "chromium-browser", "google-chrome"]),
        find_tool(&["chromedriver"]),
    ) else {
        common::tools::missing("chromium and chromedriver", "chromium chromium-driver");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    add_user(&data, "thu-ky", "admin", PASSWORD);
    let server = Server::start(&data, &[], &[]);

    // The upload: six dev essays in a zip, and a roster of seven members (one missing).
    let labels = std::fs::read_to_string(dev_dir().join("labels.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(labels.as_bytes());
    let mut entries = Vec::new();
    let mut roster = String::from("STT,Họ và tên,Chi bộ\n");
    for (i, rec) in reader.records().take(6).enumerate() {
        let rec = rec.unwrap();
        entries.push((
            format!("bai/{}", &rec[0]),
            std::fs::read(dev_dir().join(&rec[0])).unwrap(),
        ));
        roster.push_str(&format!("{},{},\"{}\"\n", i + 1, &rec[2], &rec[3]));
    }
    roster.push_str("7,Trần Văn Vắng Mặt,\"Trường THCS Yên Thạch, xã Yên Thạch, huyện Đức Phong, tỉnh Hà Tĩnh\"\n");
    let zip_path = tmp.path().join("bai-nop.zip");
    std::fs::write(&zip_path, zip_of(&entries)).unwrap();
    let roster_path = tmp.path().join("danh-sach.csv");
    std::fs::write(&roster_path, roster).unwrap();
    let downloads = tmp.path().join("downloads");
    std::fs::create_dir_all(&downloads).unwrap();

    let (_driver, c) = connect(&driver, &browser, &downloads).await;

    // Sign in.
    c.goto(&server.url("/")).await.unwrap();
    assert!(c.current_url().await.unwrap().path().ends_with("/login"));
    c.find(Locator::Id("name"))
        .await
        .unwrap()
        .send_keys("thu-ky")
        .await
        .unwrap();
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(PASSWORD)
        .await
        .unwrap();
    c.find(Locator::Id("login"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(path_when(&c, |p| p == "/").await, "/");

    // Upload the zip and the roster, follow the progress page until done.
    upload(&c, &server, &zip_path, Some(&roster_path)).await;
    assert_eq!(text_of(&c, "#batch-progress").await, "6 / 6 bài");

    // Dashboard figures.
    c.goto(&server.url("/")).await.unwrap();
    assert_eq!(text_of(&c, "#total-essays").await, "6");
    assert_eq!(text_of(&c, "#participation").await, "85,7%"); // 6 of 7 members
    let counts = c.find_all(Locator::Css(".level-count")).await.unwrap();
    let mut sum = 0;
    for el in counts {
        sum += el.text().await.unwrap().parse::<usize>().unwrap();
    }
    assert_eq!(sum, 6);
    assert!(c
        .find(Locator::Css("#distribution svg, svg[role=img]"))
        .await
        .is_ok());
    shot(&c, "dashboard.png").await;

    // Open an essay from the list: evidence highlighted, legend shown.
    c.goto(&server.url("/essays?sort=-score")).await.unwrap();
    c.find(Locator::LinkText("Lê Thị Thanh Huyền"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert!(path_when(&c, |p| p.starts_with("/essays/"))
        .await
        .starts_with("/essays/"));
    let marks = c
        .find_all(Locator::Css("#essay-text mark.c0"))
        .await
        .unwrap();
    assert!(
        marks.len() >= 5,
        "{} highlighted theme sentences",
        marks.len()
    );
    assert!(!marks[0].text().await.unwrap().is_empty());
    assert!(text_of(&c, "#legend").await.contains("Nhận thức"));
    shot(&c, "essay.png").await;
    c.execute(
        "document.querySelector('#essay-text mark.c1, #essay-text mark').scrollIntoView()",
        vec![],
    )
    .await
    .unwrap();
    shot(&c, "essay-evidence.png").await;

    // Override with a reason.
    c.find(Locator::Id("override-grade"))
        .await
        .unwrap()
        .select_by_value("average")
        .await
        .unwrap();
    c.find(Locator::Id("override-reason"))
        .await
        .unwrap()
        .send_keys("Tổ đánh giá thống nhất hạ một bậc")
        .await
        .unwrap();
    shot(&c, "override.png").await;
    c.find(Locator::Id("override-submit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(text_of(&c, "#final-grade").await, "Trung bình");
    assert!(text_of(&c, "#decisions")
        .await
        .contains("Tổ đánh giá thống nhất hạ một bậc"));
    c.execute(
        "document.querySelector('#decisions').scrollIntoView()",
        vec![],
    )
    .await
    .unwrap();
    shot(&c, "override-done.png").await;

    // Search a phrase typed without diacritics.
    c.goto(&server.url("/search")).await.unwrap();
    c.find(Locator::Id("q"))
        .await
        .unwrap()
        .send_keys("\"bien gioi\"")
        .await
        .unwrap();
    c.find(Locator::Id("search-submit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(text_of(&c, "#search-total").await, "Tìm thấy 1 bài");
    let bold = c
        .find(Locator::Css(".hit b"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(bold.to_lowercase(), "biên giới");
    shot(&c, "search.png").await;

    // Download the committee's spreadsheet.
    c.goto(&server.url("/downloads")).await.unwrap();
    c.find(Locator::Id("dl-xlsx"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let file = downloads.join("bao-cao.xlsx");
    for _ in 0..300 {
        if file.exists() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let bytes = std::fs::read(&file).expect("the .xlsx was downloaded");
    assert!(bytes.starts_with(b"PK"), "an .xlsx is a zip");

    // A copy of the first essay under another name: its page marks the copied passages and
    // links to the original.
    let first = &entries[0];
    let copy = String::from_utf8(first.1.clone()).unwrap().replacen(
        "Lê Thị Thanh Huyền",
        "Hoàng Văn Chép",
        1,
    );
    let copy_path = tmp.path().join("bai-chep.zip");
    std::fs::write(
        &copy_path,
        zip_of(&[("chep.txt".to_string(), copy.into_bytes())]),
    )
    .unwrap();
    upload(&c, &server, &copy_path, None).await;
    c.goto(&server.url("/essays")).await.unwrap();
    c.find(Locator::LinkText("Hoàng Văn Chép"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    path_when(&c, |p| p.starts_with("/essays/")).await;
    let copy_url = c.current_url().await.unwrap();
    let copied = c
        .find_all(Locator::Css("#essay-text span.copied"))
        .await
        .unwrap();
    assert!(!copied.is_empty(), "copied passages are marked");
    assert!(text_of(&c, "#legend")
        .await
        .contains("Đoạn trùng với bài khác"));
    c.execute(
        "document.querySelector('#essay-text span.copied').scrollIntoView()",
        vec![],
    )
    .await
    .unwrap();
    shot(&c, "essay-copied.png").await;
    c.find(Locator::Css("#essay-text a.copy-link"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let original = path_when(&c, |p| p != copy_url.path()).await;
    assert_ne!(original, copy_url.path());
    assert!(text_of(&c, "main").await.contains("Lê Thị Thanh Huyền"));
    let back = c
        .find(Locator::Css(&format!(
            "#essay-text a.copy-link[href='{}']",
            copy_url.path()
        )))
        .await;
    assert!(back.is_ok(), "the original links back to the copy");

    // The admin's user page.
    c.goto(&server.url("/admin/users")).await.unwrap();
    assert!(text_of(&c, "#users").await.contains("thu-ky"));
    shot(&c, "admin-users.png").await;
    c.close().await.unwrap();
}
