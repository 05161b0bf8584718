//! The JSON row contract: the committed schema (`docs/schema/row.schema.json`) is the one the
//! code generates, and every row a real `thuhoach grade` run writes validates against it.

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;
use thuhoach::grade::{row_schema, ROW_SCHEMA_PATH, SCHEMA_VERSION};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn committed_text() -> String {
    std::fs::read_to_string(root().join(ROW_SCHEMA_PATH)).unwrap_or_default()
}

fn committed() -> Value {
    serde_json::from_str(&committed_text()).expect("docs/schema/row.schema.json is JSON")
}

fn generated_text() -> String {
    let mut text = serde_json::to_string_pretty(&row_schema()).expect("schema serializes");
    text.push('\n');
    text
}

/// Regenerate with `THUHOACH_UPDATE_SCHEMA=1 cargo test --test json_schema`.
#[test]
fn committed_row_schema_is_current() {
    let generated = generated_text();
    if std::env::var_os("THUHOACH_UPDATE_SCHEMA").is_some() {
        std::fs::write(root().join(ROW_SCHEMA_PATH), &generated).expect("write schema");
    }
    let current: Value = serde_json::from_str(&committed_text()).unwrap_or(Value::Null);
    assert!(
        current == row_schema(),
        "{ROW_SCHEMA_PATH} is stale (the row types changed): regenerate it with \
         `THUHOACH_UPDATE_SCHEMA=1 cargo test --test json_schema`, review the diff, and bump \
         grade::SCHEMA_VERSION if a field was removed, renamed or changed type (docs/json-row.md)"
    );
}

#[test]
fn committed_schema_is_a_valid_draft_2020_12_schema_of_this_version() {
    let schema = committed();
    jsonschema::meta::validate(&schema).expect("valid JSON Schema");
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(
        schema["properties"]["schema_version"]["const"],
        SCHEMA_VERSION
    );
    // Every field of the row is described, and the ones every row carries are required.
    let required: Vec<&str> = schema["required"]
        .as_array()
        .expect("required")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for field in [
        "file",
        "grade",
        "score",
        "flags",
        "rubric",
        "schema_version",
        "error",
    ] {
        assert!(required.contains(&field), "{field} not required");
    }
    for optional in ["party_committee", "originality"] {
        assert!(
            !required.contains(&optional),
            "{optional} is left out when empty"
        );
        assert!(schema["properties"][optional].is_object());
    }
}

/// The same schema, closed: no object may carry a field it does not describe. Used to check
/// our own output (the published schema stays open so that added fields do not break readers).
fn closed(mut schema: Value) -> Value {
    fn close(object: &mut Value) {
        if let Some(map) = object.as_object_mut() {
            if map.contains_key("properties") {
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
        }
    }
    close(&mut schema);
    if let Some(defs) = schema.get_mut("$defs").and_then(Value::as_object_mut) {
        defs.values_mut().for_each(close);
    }
    schema
}

/// An essay about a village festival and the harvest: long, well written, and not about the
/// resolution at all.
const OFF_TOPIC: &str = "BÀI VIẾT VỀ LỄ HỘI LÀNG VÀ VỤ MÙA

Họ và tên: Trần Văn Bình

Năm nay làng tôi tổ chức lễ hội đình vào đúng ngày rằm tháng giêng, sau hai năm phải tạm dừng. \
Từ sáng sớm, các cụ cao niên đã mặc áo the, khăn xếp, dâng hương tại đình và đọc văn tế. \
Đội múa lân của thanh niên trong xóm tập luyện suốt một tháng, trống chiêng vang khắp các ngõ. \
Các bà, các chị chuẩn bị mâm cỗ gồm xôi gấc, bánh chưng, gà luộc và chè kho theo đúng lệ cũ. \
Buổi chiều có thi kéo co, đấu vật, nấu cơm niêu và đánh đu ở bãi đất trước cửa đình.

Mùa màng năm nay cũng được bà con đánh giá là khá hơn mọi năm, nhờ thời tiết thuận lợi. \
Cánh đồng phía tây làng cấy giống lúa thơm mới, cây cứng, ít đổ, hạt dài và trong. \
Khi gặt, nhiều hộ thuê máy gặt đập liên hợp nên chỉ mất hai ngày là xong một mẫu ruộng. \
Rơm được cuộn thành từng bó tròn để bán cho các trại bò ở xã bên với giá khá cao. \
Vườn nhãn của gia đình ông Hai cũng sai quả, thương lái về tận vườn để mua hàng.

Trẻ con trong làng thích nhất là đêm hát quan họ bên bờ giếng đình, kéo dài tới khuya. \
Những liền anh, liền chị từ làng bên sang giao duyên, hát đối đáp bằng những làn điệu cổ. \
Người xem đứng chật sân, vỗ tay theo nhịp, có người già còn thuộc lời hơn cả người hát. \
Ban tổ chức treo đèn lồng đỏ dọc con đường dẫn vào đình, nhìn từ xa rất đẹp mắt. \
Nhiều người con xa quê cũng về dự hội, mang theo quà bánh biếu các cụ trong họ.

Sau lễ hội, các gia đình lại bắt tay vào làm đất chuẩn bị cho vụ chiêm xuân sắp tới. \
Máy cày chạy từ sáng đến tối, mương nước được nạo vét sạch để dẫn nước vào ruộng. \
Hội phụ nữ thôn tổ chức gói bánh bán gây quỹ, số tiền thu được dùng để sửa nhà văn hóa. \
Bọn trẻ được nghỉ học mấy hôm nên theo bố mẹ ra đồng, bắt cua, bắt ốc ở bờ ruộng. \
Ai cũng mong năm tới trời yên biển lặng, mưa thuận gió hòa để được mùa như năm nay.

Tôi viết lại những dòng này để ghi nhớ một mùa lễ hội vui tươi của quê hương mình. \
Mỗi khi đi xa, nhớ về tiếng trống hội và mùi rơm mới, lòng tôi lại thấy ấm áp lạ thường. \
Mong rằng các thế hệ sau vẫn giữ được những nét đẹp truyền thống của làng quê Việt Nam.
";

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write fixture");
    path
}

/// A batch with every kind of row: the demo essays, a near-duplicate of one of them, a good
/// essay, a .docx that is not a zip, an empty file and an off-topic essay; checked against the
/// resolution's text so the originality section is filled. Rows of `--format jsonl` and
/// `--format json` alike.
#[test]
fn every_row_of_a_real_grade_run_validates_against_the_committed_schema() {
    let dir = tempfile::tempdir().expect("temp dir");
    let demo = root().join("corpus/demo");
    let good = std::fs::read(demo.join("01_tot_giao_vien_mam_non.txt")).expect("demo essay");
    write(dir.path(), "good_copy.txt", &good);
    write(
        dir.path(),
        "broken.docx",
        b"PK\x03\x04 this is not really a Word document",
    );
    write(dir.path(), "empty.txt", b"");
    write(dir.path(), "off_topic.txt", OFF_TOPIC.as_bytes());
    let reference = root().join("tests/fixtures/originality/resolution.txt");
    let run = |format: &str| {
        thuhoach!(
            "grade",
            &demo,
            dir.path(),
            "--reference",
            &reference,
            "--dupes",
            "on",
            "--format",
            format
        )
    };
    let out = run("jsonl");
    assert_eq!(
        out.status.code(),
        Some(1),
        "a broken file makes exit code 1: {}",
        common::stderr(&out)
    );
    let rows: Vec<Value> = common::stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(rows.len(), 8 + 4, "one row per file");
    // `--format json` writes the same rows as one array.
    let array = run("json");
    let array: Value = serde_json::from_slice(&array.stdout).expect("a JSON array");
    assert_eq!(array, Value::Array(rows.clone()));

    let schema = committed();
    let open = jsonschema::validator_for(&schema).expect("schema compiles");
    let strict = jsonschema::validator_for(&closed(schema)).expect("closed schema compiles");
    for row in &rows {
        let errors: Vec<String> = open.iter_errors(row).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", row["file"]);
        let errors: Vec<String> = strict.iter_errors(row).map(|e| e.to_string()).collect();
        assert!(
            errors.is_empty(),
            "{}: a field the schema does not describe: {errors:?}",
            row["file"]
        );
    }

    // The run produced every shape the schema has to describe.
    let by_name = |name: &str| {
        rows.iter()
            .find(|r| r["file"].as_str().is_some_and(|f| f.ends_with(name)))
            .unwrap_or_else(|| panic!("no row for {name}"))
    };
    let broken = by_name("broken.docx");
    assert!(broken["error"].is_string() && broken["grade"].is_null());
    assert!(by_name("empty.txt").is_object());
    let off = by_name("off_topic.txt");
    assert!(off["error"].is_null());
    assert!(
        off["flags"]
            .as_array()
            .is_some_and(|f| f.contains(&Value::from("off_topic"))),
        "the off-topic essay is flagged: {}",
        off["flags"]
    );
    let copy = by_name("good_copy.txt");
    assert!(
        copy["originality"]["duplicates"]
            .as_array()
            .is_some_and(|d| !d.is_empty()),
        "the copy has its near-duplicate partner"
    );
    assert!(
        rows.iter().any(|r| r["originality"]["sources"]
            .as_array()
            .is_some_and(|s| !s.is_empty())),
        "some essay quotes the reference"
    );
    assert!(rows.iter().any(|r| r["grade"] == "good"));
}

/// The schema rejects what the contract forbids, so the validation above can fail.
#[test]
fn schema_rejects_rows_that_break_the_contract() {
    let schema = committed();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let grader = thuhoach::Grader::with_default_rubric().expect("built-in rubric");
    let text = std::fs::read_to_string(root().join("corpus/demo/02_tot_truong_thon.txt"))
        .expect("demo essay");
    let row = serde_json::to_value(grader.grade_text("a.txt", &text)).expect("row");
    assert!(validator.is_valid(&row), "a real row is valid");

    let broken = |edit: &dyn Fn(&mut Value)| {
        let mut r = row.clone();
        edit(&mut r);
        !validator.is_valid(&r)
    };
    assert!(broken(&|r| r["flags"] = serde_json::json!(["not_a_flag"])));
    assert!(broken(
        &|r| r["schema_version"] = serde_json::json!(SCHEMA_VERSION + 1)
    ));
    assert!(
        broken(&|r| r["score"] = Value::Null),
        "graded row without score"
    );
    assert!(
        broken(&|r| r["error"] = "boom".into()),
        "error row with a grade"
    );
    assert!(broken(&|r| {
        r.as_object_mut().map(|m| m.remove("grade"));
    }));
    assert!(broken(&|r| r["themes"][0]["covered"] = "yes".into()));
    assert!(broken(&|r| r["themes"][0]["recognized"] = "guessed".into()));
    assert!(broken(&|r| r["criteria"][0]["score"] = "47".into()));
    assert!(broken(&|r| r["words"] = serde_json::json!(-3)));
}
