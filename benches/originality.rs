//! Near-duplicate detection at scale (issue 4): `thuhoach::originality::find_duplicates` on
//! generated essays with planted copies.
//!
//! Two modes:
//! - `cargo bench --bench originality` — a criterion group, `dupes_2000`: find_duplicates on
//!   2,000 essays (100 of them planted copies) on a 2-thread pool.
//! - `THUHOACH_DUPES_N=100000 cargo bench --bench originality` — the scale run: generates N
//!   essays, runs find_duplicates once on a 2-thread pool, and prints wall time, recall of the
//!   planted pairs and false pairs per 10,000 essays. Run it under `/usr/bin/time -v` for the
//!   peak memory (see benches/README.md, "Originality (issue 4)"). With
//!   `THUHOACH_DUPES_DEBUG=1` it also prints up to 20 missed planted pairs with how much of
//!   each is found in the other.
//!
//! The generator is in this file (it does not use `benches/corpus`): a deterministic SplitMix64,
//! no `rand`. An essay is a header (party cell, title, name, position — all different), then
//! parts I–III of 4–9 paragraphs. Its sentences are assembled from phrase lists (subject, verb,
//! object, modifier, a number or a place name), so distinct essays share little text by chance,
//! and 0–60 % of each essay is official sentences quoted from the resolution (the ~40
//! sentences of `tests/fixtures/originality/resolution.txt`), so distinct essays do share
//! quotations, as real ones do. About 10 % are "slogan" essays, half or more quotations.
//!
//! Planted copies (5 % of the essays, each of a different original, one source in five copied
//! twice): a new header (name, position, unit), two body paragraphs swapped, 10–20 % of the
//! body's sentences edited (replaced by a sentence of one's own, cut in half, or every third
//! word replaced), and one copy in four typed without diacritics.

use std::collections::HashMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, Criterion, SamplingMode};
use thuhoach::originality::{find_duplicates, DuplicateReport};
use unicode_normalization::UnicodeNormalization;

const SEED: u64 = 0x6475_7065_735f_3034;
const RESOLUTION: &str = include_str!("../tests/fixtures/originality/resolution.txt");

/// SplitMix64: small, fast, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const SURNAMES: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý", "Trịnh", "Đinh", "Lương", "Mai",
];
const GIVEN: &[&str] = &[
    "Văn", "Thị", "Minh", "Thanh", "Quốc", "Hữu", "Ngọc", "Thu", "Hồng", "Đức", "Anh", "Tuấn",
    "Hà", "Lan", "Hùng", "Dũng", "Hương", "Phương", "Sơn", "Bình", "Hải", "Long", "Nam", "Hạnh",
];
const PLACE: &[&str] = &[
    "An", "Bình", "Phú", "Tân", "Hòa", "Thạnh", "Long", "Mỹ", "Đông", "Tây", "Nam", "Bắc", "Hưng",
    "Thịnh", "Yên", "Phước", "Lộc", "Xuân", "Hải", "Sơn", "Thái", "Vĩnh", "Quang", "Minh",
];
const POSITIONS: &[&str] = &[
    "Giáo viên",
    "Công chức địa chính",
    "Bí thư chi bộ",
    "Trưởng thôn",
    "Điều dưỡng",
    "Công nhân",
    "Kế toán",
    "Cán bộ hưu trí",
    "Chủ nhiệm hợp tác xã",
    "Phó trưởng công an xã",
];
const CONNECTORS: &[&str] = &[
    "",
    "",
    "",
    "Bên cạnh đó,",
    "Tuy nhiên,",
    "Thực tế cho thấy",
    "Vì vậy,",
    "Năm qua,",
    "Qua học tập,",
    "Theo tôi,",
    "Đáng chú ý là",
    "Mặt khác,",
    "Trước hết,",
    "Từ đó,",
    "Ở đơn vị tôi,",
    "Nhìn lại,",
    "Cụ thể,",
    "Trong thời gian tới,",
];
const SUBJECTS: &[&str] = &[
    "bản thân tôi",
    "chi bộ chúng tôi",
    "đảng viên trong chi bộ",
    "cán bộ, công chức xã",
    "ban chi ủy",
    "tập thể lãnh đạo cơ quan",
    "người đứng đầu đơn vị",
    "các đoàn thể",
    "nhân dân trong thôn",
    "đội ngũ giáo viên",
    "lực lượng công an xã",
    "hợp tác xã",
    "tổ dân phố",
    "anh chị em công nhân",
    "cấp ủy cơ sở",
    "Ủy ban nhân dân xã",
    "Mặt trận Tổ quốc xã",
    "Đoàn thanh niên",
    "Hội Phụ nữ",
    "Hội Cựu chiến binh",
    "Hội Nông dân",
    "trạm y tế",
    "nhà trường",
    "phòng chuyên môn",
    "tổ sản xuất",
    "các hộ gia đình",
    "ban công tác mặt trận",
    "chúng tôi",
    "đơn vị tôi",
    "tôi",
];
const VERBS: &[&str] = &[
    "đã triển khai",
    "cần đẩy mạnh",
    "phải tăng cường",
    "tiếp tục thực hiện",
    "chú trọng",
    "quan tâm hơn đến",
    "tập trung chỉ đạo",
    "chủ động rà soát",
    "kịp thời khắc phục",
    "nghiêm túc kiểm điểm",
    "thường xuyên theo dõi",
    "đã hoàn thành",
    "đề nghị bổ sung",
    "phối hợp tổ chức",
    "tuyên truyền về",
    "vận động thực hiện",
    "cam kết làm tốt",
    "nâng cao",
    "đổi mới",
    "cải tiến",
    "rút kinh nghiệm về",
    "xây dựng kế hoạch cho",
    "dành nhiều thời gian cho",
    "đặt mục tiêu cho",
    "lấy ý kiến về",
    "công khai",
    "giám sát chặt chẽ",
    "hướng dẫn",
    "hỗ trợ",
    "kiến nghị cấp trên về",
];
const OBJECTS: &[&str] = &[
    "công tác cải cách hành chính",
    "việc chuyển đổi số trong quản lý",
    "phong trào xây dựng nông thôn mới",
    "chất lượng sinh hoạt chi bộ",
    "công tác phát triển đảng viên",
    "việc giữ gìn an ninh trật tự",
    "mô hình sản xuất theo chuỗi giá trị",
    "hồ sơ thủ tục đất đai",
    "kế hoạch tiêm chủng",
    "chương trình giảm nghèo bền vững",
    "việc thu gom rác thải",
    "nề nếp kỷ cương hành chính",
    "dịch vụ công trực tuyến",
    "công tác dân vận",
    "việc bồi dưỡng học sinh yếu",
    "kỹ năng số cho người dân",
    "quỹ khuyến học",
    "đường giao thông nông thôn",
    "tiêu chí môi trường",
    "việc cấp căn cước công dân",
    "sổ sách kế toán",
    "bếp ăn bán trú",
    "công tác phòng chống dịch",
    "kênh mương nội đồng",
    "vùng trồng có mã số",
    "việc bán hàng qua mạng",
    "nhà văn hóa thôn",
    "tủ sách pháp luật",
    "đội văn nghệ",
    "công tác hòa giải ở cơ sở",
    "phong trào toàn dân bảo vệ an ninh Tổ quốc",
    "việc đóng bảo hiểm y tế",
    "an toàn vệ sinh thực phẩm",
    "lớp học xóa mù chữ",
    "hoạt động ngoại khóa",
    "quy trình tiếp công dân",
    "dây chuyền đóng gói",
    "tỷ lệ hàng hỏng",
    "ca làm việc đêm",
    "hệ thống điện chiếu sáng",
    "chợ phiên cuối tuần",
    "đàn bò sinh sản",
    "ao nuôi tôm",
    "diện tích lúa chất lượng cao",
    "nước sạch cho vùng cao",
    "phần mềm quản lý hồ sơ",
    "hội thi giáo viên dạy giỏi",
    "phòng khám ban đầu",
    "sổ theo dõi đảng viên",
    "buổi sinh hoạt chuyên đề",
    "việc học tập nghị quyết",
    "tinh thần tự phê bình",
    "ý thức chấp hành kỷ luật",
    "mối quan hệ với nhân dân",
    "việc chăm sóc người có công",
    "quỹ vì người nghèo",
    "công tác phòng cháy chữa cháy",
    "tình hình trật tự giao thông",
    "việc giải quyết đơn thư",
    "kế hoạch sản xuất vụ đông",
];
const MODIFIERS: &[&str] = &[
    "một cách thực chất",
    "theo đúng quy định",
    "ngay từ đầu năm",
    "trong năm vừa qua",
    "ở từng thôn, xóm",
    "gắn với nhiệm vụ chính trị của đơn vị",
    "để người dân được thụ hưởng",
    "không chạy theo thành tích",
    "với kết quả cụ thể",
    "có phân công rõ người, rõ việc",
    "trong điều kiện còn nhiều khó khăn",
    "bằng những việc làm cụ thể",
    "dù kinh phí còn hạn hẹp",
    "sát với thực tế địa phương",
    "theo hướng công khai, minh bạch",
    "kể cả ngày nghỉ",
    "trước mùa mưa bão",
    "sau mỗi đợt kiểm tra",
    "từ cơ sở",
    "đến từng hộ gia đình",
    "cho đến cuối nhiệm kỳ",
    "trong từng buổi sinh hoạt",
    "một cách thường xuyên",
    "mà chưa thật sự hiệu quả",
    "còn nhiều lúng túng",
    "với sự đồng thuận cao",
];
const NUMBERS: &[&str] = &[
    "đạt {} phần trăm",
    "với {} hộ tham gia",
    "trong {} tháng",
    "tăng {} phần trăm so với năm trước",
    "cho {} lượt người",
    "tại {} điểm",
    "với kinh phí {} triệu đồng",
    "gồm {} đảng viên",
];
const HEADINGS: [&str; 3] = [
    "I. NHẬN THỨC VỀ NHỮNG ĐIỂM MỚI CỦA NGHỊ QUYẾT",
    "II. LIÊN HỆ THỰC TIỄN ĐƠN VỊ VÀ BẢN THÂN",
    "III. CAM KẾT VÀ ĐỀ XUẤT",
];

fn place(rng: &mut Rng) -> String {
    format!("{} {}", rng.pick(PLACE), rng.pick(PLACE))
}

fn own_sentence(rng: &mut Rng) -> String {
    let mut s = String::new();
    let conn = rng.pick(CONNECTORS);
    if !conn.is_empty() {
        s.push_str(conn);
        s.push(' ');
    }
    s.push_str(rng.pick(SUBJECTS));
    s.push(' ');
    s.push_str(rng.pick(VERBS));
    s.push(' ');
    s.push_str(rng.pick(OBJECTS));
    if rng.chance(70) {
        s.push(' ');
        s.push_str(rng.pick(MODIFIERS));
    }
    if rng.chance(50) {
        s.push_str(", ");
        s.push_str(
            &rng.pick(NUMBERS)
                .replace("{}", &(2 + rng.below(998)).to_string()),
        );
    }
    if rng.chance(25) {
        s.push_str(" ở thôn ");
        s.push_str(&place(rng));
    }
    if rng.chance(40) {
        s.push_str(", ");
        s.push_str(rng.pick(MODIFIERS));
    }
    s.push('.');
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => s,
    }
}

/// An essay as a header and paragraphs of sentences (headings are one-sentence paragraphs).
struct Essay {
    header: String,
    paragraphs: Vec<Vec<String>>,
}

impl Essay {
    fn render(&self) -> String {
        let mut out = self.header.clone();
        for p in &self.paragraphs {
            out.push_str(&p.join(" "));
            out.push('\n');
        }
        out
    }

    /// Indices of the body paragraphs that are not headings.
    fn body(&self) -> Vec<usize> {
        (0..self.paragraphs.len())
            .filter(|&i| !HEADINGS.contains(&self.paragraphs[i][0].as_str()))
            .collect()
    }
}

fn header(rng: &mut Rng) -> String {
    let name = format!(
        "{} {} {}",
        rng.pick(SURNAMES),
        rng.pick(GIVEN),
        rng.pick(GIVEN)
    );
    let commune = place(rng);
    format!(
        "ĐẢNG BỘ XÃ {}\nCHI BỘ THÔN {}\n\nĐẢNG CỘNG SẢN VIỆT NAM\n{}, ngày {} tháng {} năm 2021\n\nBÀI THU HOẠCH\nHọc tập, quán triệt Nghị quyết Đại hội XIII của Đảng\n\nHọ và tên: {}\nChức vụ: {}\nChi bộ: Thôn {}, xã {}\n\n",
        commune.to_uppercase(),
        place(rng).to_uppercase(),
        commune,
        1 + rng.below(28),
        3 + rng.below(6),
        name,
        rng.pick(POSITIONS),
        place(rng),
        commune
    )
}

fn essay(rng: &mut Rng, quotes: &[&str]) -> Essay {
    let slogan = rng.chance(10);
    let quote_pct = if slogan {
        50 + rng.below(30)
    } else {
        rng.below(25)
    };
    let mut paragraphs = Vec::new();
    for (part, heading) in HEADINGS.iter().enumerate() {
        paragraphs.push(vec![heading.to_string()]);
        let count = [2, 2, 1][part] + rng.below(3);
        for _ in 0..count {
            let n = 3 + rng.below(4);
            let para = (0..n)
                .map(|_| {
                    if part < 2 && rng.chance(quote_pct) {
                        rng.pick(quotes).to_string()
                    } else {
                        own_sentence(rng)
                    }
                })
                .collect();
            paragraphs.push(para);
        }
    }
    // The intro: long enough to be the first body paragraph.
    let intro = vec![
        "Qua học tập, quán triệt Nghị quyết Đại hội XIII của Đảng do cấp ủy tổ chức, tôi xin trình bày bài thu hoạch với ba nội dung chính như sau.".to_string(),
        own_sentence(rng),
    ];
    paragraphs.insert(0, intro);
    paragraphs.push(vec![format!(
        "Người viết thu hoạch: {}.",
        rng.pick(SURNAMES)
    )]);
    Essay {
        header: header(rng),
        paragraphs,
    }
}

fn strip_diacritics(text: &str) -> String {
    text.nfd()
        .filter(|c| !('\u{300}'..='\u{36F}').contains(c))
        .map(|c| match c {
            'đ' => 'd',
            'Đ' => 'D',
            c => c,
        })
        .collect()
}

/// A planted copy of `src`: new header, two body paragraphs swapped, 10–20 % of the sentences
/// edited, sometimes no diacritics.
fn mutate(rng: &mut Rng, src: &Essay) -> String {
    let mut paragraphs = src.paragraphs.clone();
    let body = src.body();
    if body.len() >= 4 {
        let x = body[1 + rng.below(body.len() - 2)];
        let y = body[1 + rng.below(body.len() - 2)];
        paragraphs.swap(x, y);
    }
    let rate = 10 + rng.below(11);
    for &p in &body {
        for s in paragraphs[p].iter_mut() {
            if !rng.chance(rate) {
                continue;
            }
            *s = match rng.below(3) {
                0 => own_sentence(rng),
                1 => {
                    let words: Vec<&str> = s.split_whitespace().collect();
                    let half = words.len().div_ceil(2);
                    format!(
                        "{}.",
                        words[..half].join(" ").trim_end_matches([',', '.', ';'])
                    )
                }
                _ => s
                    .split_whitespace()
                    .enumerate()
                    .map(|(i, w)| if i % 3 == 2 { "thật sự" } else { w })
                    .collect::<Vec<_>>()
                    .join(" "),
            };
        }
    }
    let copy = Essay {
        header: header(rng),
        paragraphs,
    };
    let text = copy.render();
    if rng.chance(25) {
        strip_diacritics(&text)
    } else {
        text
    }
}

/// `n` essays and the planted group of each (`None` for an essay nobody copied).
struct Batch {
    docs: Vec<(String, String)>,
    group: Vec<Option<u32>>,
    planted_pairs: usize,
}

fn generate(n: usize, seed: u64) -> Batch {
    let quotes: Vec<&str> = RESOLUTION
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .collect();
    let copies = n / 20;
    let originals = n - copies;
    // Sources: a stride through the originals (distinct sources); every fifth copy is a second
    // copy of the previous source.
    let stride = (7_919 % originals.max(1)).max(1);
    let mut sources = Vec::with_capacity(copies);
    let mut src = 0usize;
    for c in 0..copies {
        if c % 5 != 4 || c == 0 {
            src = (src + stride) % originals;
        }
        sources.push(src);
    }
    let mut group: Vec<Option<u32>> = vec![None; n];
    let mut group_size: HashMap<usize, usize> = HashMap::new();
    for (c, &src) in sources.iter().enumerate() {
        group[src] = Some(src as u32);
        group[originals + c] = Some(src as u32);
        *group_size.entry(src).or_insert(1) += 1;
    }
    let mut rng = Rng(seed);
    // Only the sources are kept as paragraphs (to be copied); the others only as text.
    let mut kept: HashMap<usize, Essay> = HashMap::new();
    let mut texts: Vec<String> = Vec::with_capacity(n);
    for (i, g) in group[..originals].iter().enumerate() {
        let e = essay(&mut rng, &quotes);
        texts.push(e.render());
        if g.is_some() {
            kept.insert(i, e);
        }
    }
    for &src in &sources {
        texts.push(mutate(&mut rng, &kept[&src]));
    }
    drop(kept);
    // Shuffle deterministically so copies are not at the end, then name by position.
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        order.swap(i, rng.below(i + 1));
    }
    let mut docs = Vec::with_capacity(n);
    let mut group_out = Vec::with_capacity(n);
    for (pos, &i) in order.iter().enumerate() {
        docs.push((format!("essay_{pos:06}.txt"), std::mem::take(&mut texts[i])));
        group_out.push(group[i]);
    }
    let planted_pairs = group_size.values().map(|&s| s * (s - 1) / 2).sum();
    Batch {
        docs,
        group: group_out,
        planted_pairs,
    }
}

struct Score {
    found_planted: usize,
    false_pairs: usize,
}

fn score(batch: &Batch, report: &DuplicateReport) -> Score {
    let index: HashMap<&str, usize> = batch
        .docs
        .iter()
        .enumerate()
        .map(|(i, (name, _))| (name.as_str(), i))
        .collect();
    let (mut found_planted, mut false_pairs) = (0, 0);
    for pair in report.clusters.iter().flat_map(|c| &c.pairs) {
        let (a, b) = (index[pair.a.as_str()], index[pair.b.as_str()]);
        match (batch.group[a], batch.group[b]) {
            (Some(x), Some(y)) if x == y => found_planted += 1,
            _ => {
                false_pairs += 1;
                if false_pairs <= 5 {
                    eprintln!(
                        "false pair: {} ~ {} similarity {} ({:?})",
                        pair.a,
                        pair.b,
                        pair.similarity,
                        pair.passages.first()
                    );
                }
            }
        }
    }
    if std::env::var_os("THUHOACH_DUPES_DEBUG").is_some() {
        explain_misses(batch, report);
    }
    Score {
        found_planted,
        false_pairs,
    }
}

/// Prints, for planted pairs that were not reported, how much of each is in the other.
fn explain_misses(batch: &Batch, report: &DuplicateReport) {
    let found: std::collections::HashSet<(&str, &str)> = report
        .clusters
        .iter()
        .flat_map(|c| &c.pairs)
        .flat_map(|p| [(p.a.as_str(), p.b.as_str()), (p.b.as_str(), p.a.as_str())])
        .collect();
    let mut groups: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, g) in batch.group.iter().enumerate() {
        if let Some(g) = g {
            groups.entry(*g).or_default().push(i);
        }
    }
    let mut shown = 0;
    for members in groups.values() {
        for (x, &i) in members.iter().enumerate() {
            for &j in &members[x + 1..] {
                let (a, b) = (&batch.docs[i], &batch.docs[j]);
                if found.contains(&(a.0.as_str(), b.0.as_str())) || shown >= 20 {
                    continue;
                }
                shown += 1;
                let mut refs = thuhoach::originality::ReferenceSet::new();
                refs.add_text("a", &a.1);
                let mut back = thuhoach::originality::ReferenceSet::new();
                back.add_text("b", &b.1);
                eprintln!(
                    "missed: {} ~ {}: {:.3} of b in a, {:.3} of a in b",
                    a.0,
                    b.0,
                    refs.check(&b.1).copied_share,
                    back.check(&a.1).copied_share
                );
            }
        }
    }
}

fn pool() -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .expect("thread pool")
}

/// CPU seconds (user + system) this process has used so far, from /proc (Linux); `None`
/// elsewhere. With the wall time it shows whether the run had its two cores to itself.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// The scale run: prints one line of numbers per phase and a summary.
fn scale(n: usize) {
    let t0 = Instant::now();
    let batch = generate(n, SEED);
    let bytes: usize = batch.docs.iter().map(|(_, t)| t.len()).sum();
    let generated = t0.elapsed();
    eprintln!(
        "generated {} essays ({:.1} MB, {} planted pairs) in {:.1} s",
        n,
        bytes as f64 / 1e6,
        batch.planted_pairs,
        generated.as_secs_f64()
    );
    let docs: Vec<(String, &str)> = batch
        .docs
        .iter()
        .map(|(name, text)| (name.clone(), text.as_str()))
        .collect();
    let cpu0 = cpu_seconds();
    let t1 = Instant::now();
    let report = pool().install(|| find_duplicates(&docs, 0.5));
    let took = t1.elapsed();
    if let (Some(a), Some(b)) = (cpu0, cpu_seconds()) {
        eprintln!(
            "find_duplicates used {:.1} CPU s in {:.1} s wall ({:.2} cores)",
            b - a,
            took.as_secs_f64(),
            (b - a) / took.as_secs_f64()
        );
    }
    let s = score(&batch, &report);
    let pairs: usize = report.clusters.iter().map(|c| c.pairs.len()).sum();
    println!(
        "dupes n={} threads=2: find_duplicates {:.1} s ({:.0} essays/s), {} clusters, {} pairs; \
         recall {}/{} = {:.4}; false pairs {} = {:.2} per 10,000 essays; generation {:.1} s",
        n,
        took.as_secs_f64(),
        n as f64 / took.as_secs_f64(),
        report.clusters.len(),
        pairs,
        s.found_planted,
        batch.planted_pairs,
        s.found_planted as f64 / batch.planted_pairs.max(1) as f64,
        s.false_pairs,
        s.false_pairs as f64 * 10_000.0 / n as f64,
        generated.as_secs_f64(),
    );
}

fn bench_dupes(c: &mut Criterion) {
    let batch = generate(2_000, SEED);
    let docs: Vec<(String, &str)> = batch
        .docs
        .iter()
        .map(|(name, text)| (name.clone(), text.as_str()))
        .collect();
    let pool = pool();
    let report = pool.install(|| find_duplicates(&docs, 0.5));
    let s = score(&batch, &report);
    eprintln!(
        "dupes_2000: recall {}/{}, false pairs {}",
        s.found_planted, batch.planted_pairs, s.false_pairs
    );
    let mut group = c.benchmark_group("dupes_2000");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(8));
    group.bench_function("find_duplicates_2_threads", |b| {
        b.iter(|| pool.install(|| black_box(find_duplicates(black_box(&docs), 0.5))))
    });
    group.finish();
}

criterion_group!(benches, bench_dupes);

fn main() {
    if let Some(n) = std::env::var("THUHOACH_DUPES_N")
        .ok()
        .and_then(|v| v.replace('_', "").parse::<usize>().ok())
    {
        scale(n);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
