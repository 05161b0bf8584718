//! A deterministic corpus of synthetic bài thu hoạch for the benchmarks.
//!
//! Every essay is assembled from template sentences written for this file (not taken from the
//! dev essays), filled with random names, units and numbers from a small SplitMix64 generator,
//! so the same `(n, seed)` always gives byte-identical texts on every machine.
//!
//! Mix of essays (by share of the corpus):
//! - ~45 % full essays, 1,300–2,000 syllables, all three parts with concrete numbers;
//! - ~25 % middling essays, 800–1,300 syllables, thin relation to the unit;
//! - ~10 % short essays, about 500 syllables;
//! - ~10 % slogan and keyword lists;
//! - ~10 % essays padded with repeated paragraphs.
//!
//! On top of that, ~10 % use the old tone placement (hoà, thuỷ, khoẻ), half of those in NFD,
//! ~3 % more are NFD only, and ~3 % are typed without diacritics.
//!
//! [`generate`] / [`essays`] give exactly those essays; the grading and index benches and their
//! recorded numbers depend on them, so their output must never change.
//!
//! [`generate_with`] / [`essays_with`] (and [`dump`]) are the same essays with, by a [`Mix`]:
//! - sentences of the writer's own in part I (assembled from phrase lists), since the template
//!   sentences above are each shared by far more than 5 % of a batch, which near-duplicate
//!   detection treats as common text;
//! - planted near-duplicates: copies of an earlier essay with a new header, two paragraphs
//!   swapped, 10–20 % of the sentences edited, some without diacritics (`…_chep-0123.txt` is a
//!   copy of essay 0123);
//! - essays mostly copied from the resolution (`…_chep-nghi-quyet….txt`) and essays quoting one
//!   or two of its sentences (`…_trich-nghi-quyet.txt`), the resolution being
//!   `tests/fixtures/originality/resolution.txt`.
//!
//! The ground truth is [`plan`] (or [`Planted::from_name`] on a file name); [`copy_groups`] and
//! [`planted_pairs`] turn it into the pairs a near-duplicate finder should report.
//!
//! This is benchmark data, not a source of rubric terms.

use unicode_normalization::UnicodeNormalization;

/// SplitMix64: tiny, fast, and good enough to vary benchmark data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.next_u64() as usize % items.len()]
    }

    pub fn pick_ref<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.next_u64() as usize % items.len()]
    }

    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.next_u64() as usize % (i + 1);
            items.swap(i, j);
        }
    }
}

/// `n` essays as (file name, text), the same for the same `(n, seed)`.
// Used by grading.rs and index.rs; originality.rs includes this module too.
#[allow(dead_code)]
pub fn generate(n: usize, seed: u64) -> Vec<(String, String)> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|i| {
            // One generator per essay, so essay i does not depend on how long essay i-1 was.
            let mut r = Rng::new(rng.next_u64());
            essay(i, &mut r)
        })
        .collect()
}

/// The same essays as [`generate`], one at a time, for corpora too big to hold in memory
/// (100,000 essays are ~770 MB of text): `essays(n, seed)` yields exactly what
/// `generate(n, seed)` returns, and for `m < n` the first `m` of them are `generate(m, seed)`.
// Not used by the benches at present (`dump` uses `essays_with`); kept as the streaming
// form of `generate`.
#[allow(dead_code)]
pub fn essays(n: usize, seed: u64) -> impl Iterator<Item = (String, String)> {
    let mut rng = Rng::new(seed);
    (0..n).map(move |i| {
        let mut r = Rng::new(rng.next_u64());
        essay(i, &mut r)
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Quality {
    Full,
    Middling,
    Short,
    Slogans,
    Repeated,
}

impl Quality {
    fn id(self) -> &'static str {
        match self {
            Quality::Full => "day-du",
            Quality::Middling => "trung-binh",
            Quality::Short => "ngan",
            Quality::Slogans => "khau-hieu",
            Quality::Repeated => "lap-lai",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    Plain,
    OldTone,
    OldToneNfd,
    Nfd,
    NoDiacritics,
}

impl Form {
    fn id(self) -> &'static str {
        match self {
            Form::Plain => "",
            Form::OldTone => "-dau-cu",
            Form::OldToneNfd => "-dau-cu-nfd",
            Form::Nfd => "-nfd",
            Form::NoDiacritics => "-khong-dau",
        }
    }

    /// The text as typed in this form.
    fn apply(self, text: String) -> String {
        match self {
            Form::Plain => text,
            Form::OldTone => old_tone(&text),
            Form::OldToneNfd => old_tone(&text).nfd().collect(),
            Form::Nfd => text.nfd().collect(),
            Form::NoDiacritics => strip_diacritics(&text),
        }
    }
}

fn essay(index: usize, rng: &mut Rng) -> (String, String) {
    finish(index, build(rng))
}

/// The file name and text of essay `index`.
fn finish(index: usize, built: Built) -> (String, String) {
    let name = format!(
        "{:04}_{}_{}{}.txt",
        index,
        built.ctx.slug,
        built.quality.id(),
        built.form.id()
    );
    (name, built.form.apply(built.text))
}

/// ~45 % full, ~25 % middling, ~10 % short, ~10 % slogans, ~10 % repeated paragraphs.
fn draw_quality(rng: &mut Rng) -> Quality {
    match rng.unit() {
        x if x < 0.45 => Quality::Full,
        x if x < 0.70 => Quality::Middling,
        x if x < 0.80 => Quality::Short,
        x if x < 0.90 => Quality::Slogans,
        _ => Quality::Repeated,
    }
}

/// ~10 % old tone placement (half of them also NFD), ~3 % NFD, ~3 % no diacritics.
fn draw_form(rng: &mut Rng) -> Form {
    match rng.unit() {
        x if x < 0.05 => Form::OldTone,
        x if x < 0.10 => Form::OldToneNfd,
        x if x < 0.13 => Form::Nfd,
        x if x < 0.16 => Form::NoDiacritics,
        _ => Form::Plain,
    }
}

/// An essay before its form is applied: the text in NFC with the new tone placement, and
/// where its body (after the header and intro, before the signature) lies.
struct Built {
    ctx: Context,
    quality: Quality,
    form: Form,
    text: String,
    body: std::ops::Range<usize>,
}

/// Draws one essay from `rng` (the random draws, in order, are those [`generate`] has always
/// made: its output must not change).
fn build(rng: &mut Rng) -> Built {
    let quality = draw_quality(rng);
    let form = draw_form(rng);
    let ctx = Context::new(rng);
    let mut text = header(&ctx, rng);
    let header_syllables = syllables(&text);
    let body_start = text.len();
    let target = match quality {
        Quality::Full => rng.range(1300, 2000),
        Quality::Middling => rng.range(800, 1300),
        Quality::Short => rng.range(480, 560),
        Quality::Slogans => rng.range(500, 850),
        Quality::Repeated => rng.range(900, 1500),
    } as usize;
    let body = target.saturating_sub(header_syllables + 25);
    match quality {
        Quality::Full => full_body(&mut text, &ctx, rng, body, 0.45, 0.30, true),
        Quality::Middling => full_body(&mut text, &ctx, rng, body, 0.65, 0.12, false),
        Quality::Short => {
            let concrete = rng.chance(0.5);
            full_body(&mut text, &ctx, rng, body, 0.50, 0.20, concrete)
        }
        Quality::Slogans => slogan_body(&mut text, &ctx, rng, body),
        Quality::Repeated => repeated_body(&mut text, &ctx, rng, body),
    }
    let body_end = text.len();
    signature(&mut text, &ctx, rng);
    Built {
        ctx,
        quality,
        form,
        text,
        body: body_start..body_end,
    }
}

/// Who wrote the essay and where.
struct Context {
    name: String,
    role: String,
    /// Full unit name, e.g. "Trường Tiểu học Phú Lộc".
    unit: String,
    /// How the essay refers to the unit in running text, e.g. "nhà trường".
    org: &'static str,
    /// Party committee above the cell, upper case.
    parent: String,
    place: String,
    district: String,
    slug: &'static str,
    year: u64,
}

const SURNAMES: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Mai", "Tạ", "Lương", "Kiều",
];
const MIDDLE_M: &[&str] = &[
    "Văn", "Hữu", "Đức", "Minh", "Quốc", "Công", "Thanh", "Xuân", "Đình", "Bá",
];
const MIDDLE_F: &[&str] = &["Thị", "Ngọc", "Thu", "Kim", "Hồng", "Thanh", "Bích", "Diệu"];
const GIVEN_M: &[&str] = &[
    "Hùng", "Dũng", "Tuấn", "Khoa", "Thắng", "Long", "Hải", "Bình", "Quý", "Thủy", "Toàn", "Khải",
    "Nghĩa", "Phong", "Trí", "Hòa", "Lộc", "Sơn",
];
const GIVEN_F: &[&str] = &[
    "Lan", "Hoa", "Hương", "Thủy", "Mai", "Hạnh", "Loan", "Ngọc", "Thúy", "Hòa", "Nhung", "Quyên",
    "Trang", "Yến", "Oanh", "Duyên",
];
const PLACE_SYL: &[&str] = &[
    "An", "Bình", "Phú", "Tân", "Hòa", "Thạnh", "Long", "Mỹ", "Hưng", "Thuận", "Đông", "Tây",
    "Hải", "Sơn", "Lâm", "Thủy", "Quang", "Minh", "Hợp", "Thành", "Lộc", "Phước", "Vĩnh", "Xuân",
    "Trung", "Đức", "Hiệp", "Khánh", "Gia", "Hà", "Lạc", "Cẩm", "Kỳ", "Nghĩa",
];

/// Kinds of unit: full name template ({p} = a place), how the text refers to it, the
/// committee above it, roles, and a file-name slug.
struct UnitKind {
    unit: &'static str,
    org: &'static str,
    parent: &'static str,
    roles: &'static [&'static str],
    slug: &'static str,
}

const UNITS: &[UnitKind] = &[
    UnitKind {
        unit: "Trường Tiểu học {p}",
        org: "nhà trường",
        parent: "ĐẢNG BỘ XÃ {p}",
        roles: &[
            "Giáo viên chủ nhiệm lớp 4",
            "Phó Hiệu trưởng",
            "Tổng phụ trách Đội",
            "Tổ trưởng chuyên môn khối 2",
        ],
        slug: "truong-tieu-hoc",
    },
    UnitKind {
        unit: "Trường THPT {p}",
        org: "nhà trường",
        parent: "ĐẢNG BỘ HUYỆN {d}",
        roles: &[
            "Giáo viên Toán",
            "Bí thư Đoàn trường",
            "Tổ trưởng Tổ Tự nhiên",
            "Giáo viên Lịch sử",
        ],
        slug: "truong-thpt",
    },
    UnitKind {
        unit: "Cơ quan Ủy ban nhân dân xã {p}",
        org: "cơ quan",
        parent: "ĐẢNG BỘ XÃ {p}",
        roles: &[
            "Công chức Địa chính - Xây dựng",
            "Công chức Tư pháp - Hộ tịch",
            "Phó Chủ tịch UBND xã",
            "Công chức Văn hóa - Xã hội",
        ],
        slug: "ubnd-xa",
    },
    UnitKind {
        unit: "Thôn {p}",
        org: "thôn",
        parent: "ĐẢNG BỘ XÃ {d}",
        roles: &[
            "Bí thư Chi bộ, Trưởng thôn",
            "Chi hội trưởng Hội Nông dân",
            "Đảng viên",
            "Trưởng ban công tác Mặt trận",
        ],
        slug: "thon",
    },
    UnitKind {
        unit: "Khu phố {p}",
        org: "khu phố",
        parent: "ĐẢNG BỘ PHƯỜNG {d}",
        roles: &[
            "Tổ trưởng tổ dân phố",
            "Đảng viên, cán bộ hưu trí",
            "Chi hội trưởng Chi hội Phụ nữ",
        ],
        slug: "khu-pho",
    },
    UnitKind {
        unit: "Công ty Cổ phần Cơ khí {p}",
        org: "công ty",
        parent: "ĐẢNG BỘ KHỐI DOANH NGHIỆP TỈNH",
        roles: &[
            "Trưởng phòng Kỹ thuật",
            "Kế toán trưởng",
            "Tổ trưởng tổ sản xuất",
            "Chủ tịch Công đoàn cơ sở",
        ],
        slug: "cong-ty",
    },
    UnitKind {
        unit: "Hợp tác xã Nông nghiệp {p}",
        org: "hợp tác xã",
        parent: "ĐẢNG BỘ XÃ {p}",
        roles: &["Giám đốc Hợp tác xã", "Trưởng ban kiểm soát", "Xã viên"],
        slug: "htx",
    },
    UnitKind {
        unit: "Trạm Y tế xã {p}",
        org: "trạm y tế",
        parent: "ĐẢNG BỘ XÃ {p}",
        roles: &["Trạm trưởng", "Y sĩ", "Nữ hộ sinh"],
        slug: "tram-y-te",
    },
    UnitKind {
        unit: "Khoa Nội, Trung tâm Y tế huyện {d}",
        org: "khoa",
        parent: "ĐẢNG BỘ TRUNG TÂM Y TẾ HUYỆN {d}",
        roles: &[
            "Bác sĩ điều trị",
            "Điều dưỡng trưởng khoa",
            "Phó Trưởng khoa",
        ],
        slug: "trung-tam-y-te",
    },
    UnitKind {
        unit: "Công an xã {p}",
        org: "công an xã",
        parent: "ĐẢNG BỘ CÔNG AN HUYỆN {d}",
        roles: &[
            "Phó Trưởng Công an xã",
            "Cảnh sát khu vực",
            "Cán bộ phụ trách hộ khẩu",
        ],
        slug: "cong-an",
    },
    UnitKind {
        unit: "Phòng Tài chính - Kế hoạch huyện {d}",
        org: "phòng",
        parent: "ĐẢNG BỘ CƠ QUAN CHÍNH QUYỀN HUYỆN {d}",
        roles: &["Chuyên viên", "Phó Trưởng phòng", "Kế toán"],
        slug: "phong-tckh",
    },
    UnitKind {
        unit: "Lớp Quản trị kinh doanh K{k}, Trường Đại học {p}",
        org: "lớp",
        parent: "ĐẢNG BỘ TRƯỜNG ĐẠI HỌC {p}",
        roles: &["Sinh viên, Lớp trưởng", "Sinh viên", "Bí thư Chi đoàn"],
        slug: "sinh-vien",
    },
];

impl Context {
    fn new(rng: &mut Rng) -> Context {
        let female = rng.chance(0.5);
        let name = if female {
            format!(
                "{} {} {}",
                rng.pick(SURNAMES),
                rng.pick(MIDDLE_F),
                rng.pick(GIVEN_F)
            )
        } else {
            format!(
                "{} {} {}",
                rng.pick(SURNAMES),
                rng.pick(MIDDLE_M),
                rng.pick(GIVEN_M)
            )
        };
        let place = place_name(rng);
        let district = place_name(rng);
        let kind = rng.pick_ref(UNITS);
        let fill = |s: &str| {
            s.replace("{p}", &place)
                .replace("{d}", &district)
                .replace("{k}", &(40 + place.len() % 20).to_string())
        };
        Context {
            name,
            role: rng.pick(kind.roles).to_string(),
            unit: fill(kind.unit),
            org: kind.org,
            parent: fill(kind.parent).to_uppercase(),
            place,
            district,
            slug: kind.slug,
            year: rng.range(2021, 2023),
        }
    }
}

fn place_name(rng: &mut Rng) -> String {
    let a = rng.pick(PLACE_SYL);
    let mut b = rng.pick(PLACE_SYL);
    while b == a {
        b = rng.pick(PLACE_SYL);
    }
    format!("{a} {b}")
}

fn header(ctx: &Context, rng: &mut Rng) -> String {
    let mut t = String::new();
    t.push_str(&ctx.parent);
    t.push('\n');
    t.push_str(&format!("CHI BỘ {}\n\n", ctx.unit.to_uppercase()));
    if rng.chance(0.7) {
        t.push_str("ĐẢNG CỘNG SẢN VIỆT NAM\n");
    }
    t.push_str(&format!(
        "{}, ngày {} tháng {} năm {}\n\n",
        ctx.place,
        rng.range(1, 28),
        rng.range(3, 11),
        ctx.year
    ));
    t.push_str("BÀI THU HOẠCH\n");
    t.push_str(rng.pick(&[
        "Học tập, quán triệt Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII của Đảng\n\n",
        "Nghiên cứu, học tập Nghị quyết Đại hội XIII của Đảng\n\n",
        "Về việc học tập và làm theo Nghị quyết Đại hội lần thứ XIII\n\n",
    ]));
    t.push_str(&format!("Họ và tên: {}\n", ctx.name));
    if rng.chance(0.5) {
        t.push_str(&format!(
            "Ngày vào Đảng: {}/{}/{}\n",
            rng.range(1, 28),
            rng.range(1, 12),
            rng.range(1985, 2020)
        ));
    }
    t.push_str(&format!("Chức vụ: {}\n", ctx.role));
    t.push_str(&format!("Chi bộ: {}, huyện {}\n\n", ctx.unit, ctx.district));
    t.push_str(&fill(rng.pick(INTROS), ctx, rng));
    t.push_str("\n\n");
    t
}

const INTROS: &[&str] = &[
    "Thực hiện kế hoạch của cấp ủy, trong tháng {m} vừa qua tôi đã tham gia đầy đủ hội nghị học tập Nghị quyết và tự nghiên cứu thêm tài liệu; tôi xin trình bày bài thu hoạch như sau.",
    "Sau khi nghe báo cáo viên truyền đạt các nội dung cơ bản của Nghị quyết, tôi tự đọc lại văn kiện và rút ra một số nhận thức, liên hệ và cam kết dưới đây.",
    "Được sự phân công của chi bộ, tôi đã học tập Nghị quyết cùng {n} đảng viên khác; dưới đây là những điều tôi thu hoạch được.",
];

const SECTION_I: &[&str] = &[
    "I. NHẬN THỨC VỀ NHỮNG NỘI DUNG CƠ BẢN CỦA NGHỊ QUYẾT",
    "I. Những nội dung cốt lõi mà bản thân tâm đắc",
    "PHẦN I. NHẬN THỨC CHUNG",
    "I. Nhận thức của bản thân sau khi học tập Nghị quyết",
];
const SECTION_II: &[&str] = &[
    "II. LIÊN HỆ THỰC TIỄN ĐƠN VỊ VÀ BẢN THÂN",
    "II. Liên hệ với công tác của {org} và của bản thân",
    "PHẦN II. LIÊN HỆ BẢN THÂN",
    "II. Liên hệ thực tế ở cơ sở",
];
const SECTION_III: &[&str] = &[
    "III. CAM KẾT VÀ ĐỀ XUẤT",
    "III. Phương hướng, kế hoạch hành động và kiến nghị",
    "PHẦN III. TRÁCH NHIỆM CỦA BẢN THÂN",
    "III. Những việc bản thân sẽ làm",
];

/// Openers for sentences of part I; "" keeps the clause as it is.
const OPENERS: &[&str] = &[
    "",
    "",
    "Qua học tập, tôi nhận thức rõ rằng ",
    "Tôi thấm thía rằng ",
    "Theo tôi, ",
    "Điều tôi tâm đắc là ",
    "Nghị quyết chỉ rõ ",
    "Có thể thấy ",
    "Tôi hiểu rằng ",
    "Một nội dung quan trọng là ",
    "Tôi đặc biệt lưu ý rằng ",
    "Không phải ngẫu nhiên mà ",
];

/// Clauses about the resolution's content (part I).
const INSIGHTS: &[&str] = &[
    "mục tiêu đến năm 2030 đưa nước ta trở thành nước đang phát triển có công nghiệp hiện đại, thu nhập trung bình cao là một đích đến vừa khó vừa rất cần thiết",
    "tầm nhìn đến năm 2045 trở thành nước phát triển, thu nhập cao đòi hỏi mỗi đảng viên phải thay đổi cách nghĩ, cách làm ngay từ hôm nay",
    "ba đột phá chiến lược về thể chế, về nguồn nhân lực và về kết cấu hạ tầng là những khâu then chốt để tháo gỡ điểm nghẽn của sự phát triển",
    "việc hoàn thiện thể chế phát triển nền kinh tế thị trường định hướng xã hội chủ nghĩa được đặt lên hàng đầu trong các đột phá",
    "phát triển nguồn nhân lực, nhất là nhân lực chất lượng cao, phải gắn liền với đổi mới căn bản, toàn diện giáo dục và đào tạo",
    "xây dựng hệ thống kết cấu hạ tầng đồng bộ, hiện đại cả về giao thông, năng lượng và hạ tầng số sẽ tạo nền móng cho tăng trưởng lâu dài",
    "công tác xây dựng, chỉnh đốn Đảng và hệ thống chính trị trong sạch, vững mạnh tiếp tục là nhiệm vụ then chốt",
    "phát triển kinh tế - xã hội là nhiệm vụ trung tâm, còn xây dựng văn hóa, con người Việt Nam là nền tảng tinh thần của xã hội",
    "tăng cường quốc phòng, an ninh, bảo vệ vững chắc Tổ quốc là nhiệm vụ trọng yếu, thường xuyên của cả hệ thống chính trị",
    "Đại hội nhấn mạnh việc khơi dậy khát vọng phát triển đất nước phồn vinh, hạnh phúc và phát huy sức mạnh đại đoàn kết toàn dân tộc",
    "lấy nhân dân làm gốc, thực sự tin dân, trọng dân, gần dân và vì dân là bài học được khẳng định qua nhiều kỳ đại hội",
    "đẩy mạnh chuyển đổi số quốc gia, phát triển kinh tế số và xã hội số là một hướng đi mới có ý nghĩa quyết định",
    "đấu tranh phòng, chống tham nhũng, tiêu cực phải được tiến hành kiên quyết, kiên trì, không có vùng cấm",
    "kiểm soát quyền lực và thực hành dân chủ rộng rãi là điều kiện để củng cố niềm tin của nhân dân đối với Đảng",
    "đổi mới mô hình tăng trưởng, cơ cấu lại nền kinh tế gắn với công nghiệp hóa, hiện đại hóa là yêu cầu cấp thiết",
    "phát triển văn hóa và con người cần được coi trọng ngang với phát triển kinh tế và chính trị",
    "bảo vệ môi trường, chủ động ứng phó với biến đổi khí hậu và sử dụng tiết kiệm tài nguyên là việc không thể trì hoãn",
    "đối ngoại chủ động, tích cực hội nhập quốc tế toàn diện góp phần giữ vững môi trường hòa bình, ổn định",
    "sau hơn ba mươi lăm năm đổi mới, thế và lực của đất nước đã lớn mạnh hơn hẳn, uy tín quốc tế ngày càng được nâng cao",
    "những nguy cơ mà Đảng đã chỉ ra vẫn còn hiện hữu, đặc biệt là nguy cơ tụt hậu xa hơn về kinh tế",
    "xây dựng đội ngũ cán bộ các cấp, nhất là cán bộ cấp chiến lược, đủ phẩm chất, năng lực và uy tín là việc hệ trọng",
    "khoa học, công nghệ và đổi mới sáng tạo được coi là động lực chính của tăng trưởng trong giai đoạn mới",
    "quản lý phát triển xã hội bền vững, bảo đảm tiến bộ và công bằng xã hội phải đi cùng với chính sách an sinh",
    "vai trò làm chủ của nhân dân được phát huy theo phương châm dân biết, dân bàn, dân làm, dân kiểm tra, dân giám sát, dân thụ hưởng",
    "kiên định chủ nghĩa Mác - Lênin, tư tưởng Hồ Chí Minh và mục tiêu độc lập dân tộc gắn liền với chủ nghĩa xã hội là nguyên tắc xuyên suốt",
    "phát triển vùng, liên kết vùng và đô thị hóa bền vững sẽ mở ra dư địa mới cho các địa phương",
    "mục tiêu đến năm 2025 vượt qua mức thu nhập trung bình thấp đặt ra yêu cầu rất cao về năng suất lao động",
    "xây dựng nền quốc phòng toàn dân gắn với thế trận an ninh nhân dân vững chắc là trách nhiệm của mọi người dân",
];

/// Optional tails for part I sentences.
const TAILS: &[&str] = &[
    "điều này đúng với những gì tôi chứng kiến hằng ngày",
    "đây là định hướng phù hợp với yêu cầu của thời kỳ mới",
    "vì vậy cần được cụ thể hóa thành việc làm ở từng cơ sở",
    "nếu làm tốt sẽ tạo chuyển biến rõ rệt trong vài năm tới",
    "và mỗi chi bộ phải biến nội dung ấy thành chương trình hành động",
    "đó cũng là điều nhân dân mong đợi nhất",
];

/// Sentences relating the resolution to the unit and to oneself (part II).
const RELATIONS: &[&str] = &[
    "Năm {y}, {org} có {n} đảng viên, trong đó {s} đồng chí được đánh giá hoàn thành tốt nhiệm vụ trở lên.",
    "Tỷ lệ hoàn thành kế hoạch năm {y} của {org} đạt {pct}%, tăng {s} điểm phần trăm so với năm trước.",
    "Tuy nhiên, việc ứng dụng công nghệ thông tin ở {org} còn chậm, mới có {pct}% hồ sơ được xử lý trực tuyến.",
    "Trong {m} tháng đầu năm, {org} đã tổ chức {s} buổi sinh hoạt chuyên đề, thu hút {big} lượt người tham gia.",
    "Bản thân tôi, trên cương vị {role}, còn có lúc ngại va chạm, chưa mạnh dạn đề xuất cách làm mới.",
    "Thu nhập bình quân của người lao động ở {org} năm {y} đạt khoảng {money} triệu đồng mỗi tháng.",
    "Chi bộ đã kết nạp được {s} đảng viên mới và giới thiệu {s} quần chúng ưu tú đi học lớp cảm tình Đảng.",
    "Một số đảng viên còn tham gia sinh hoạt chưa đều, chất lượng phê bình và tự phê bình chưa cao.",
    "Cơ sở vật chất của {org} còn thiếu, có {s} hạng mục cần sửa chữa nhưng kinh phí mới đáp ứng được khoảng {pct}%.",
    "Từ nội dung đột phá về nguồn nhân lực, tôi thấy {org} cần quan tâm hơn đến đào tạo, hiện chỉ {pct}% cán bộ có trình độ chuyên môn phù hợp.",
    "Trong phần việc được giao, tôi đã chủ trì {s} đầu việc, hoàn thành đúng hạn phần lớn, còn một việc phải lùi tiến độ.",
    "Nhìn vào thực tế {unit}, tôi nhận thấy khoảng cách giữa chủ trương và việc làm vẫn còn khá xa.",
    "Số đơn thư, kiến nghị gửi đến {org} trong năm {y} là {n} trường hợp, đã giải quyết dứt điểm {pct}%.",
    "Việc thực hiện quy chế dân chủ ở {org} có tiến bộ, các cuộc họp đều công khai tài chính và lấy ý kiến người lao động.",
    "Điểm yếu lớn nhất của tôi là chưa dành đủ thời gian tự học, nhất là về kỹ năng số và ngoại ngữ.",
    "So với năm {y}, doanh thu của {org} tăng {s}%, nhưng chi phí đầu vào cũng tăng mạnh nên lợi nhuận chưa cải thiện.",
    "Trên địa bàn hiện có {n} hộ gia đình khó khăn; năm qua {org} đã phối hợp hỗ trợ {s} hộ thoát nghèo.",
    "Tôi tự thấy tinh thần trách nhiệm của mình đã tốt hơn, nhưng tác phong làm việc đôi khi còn chậm, thiếu kế hoạch cụ thể.",
    "Năm {y}, {org} tiết kiệm được {money} triệu đồng chi thường xuyên nhờ số hóa hồ sơ và họp trực tuyến.",
    "Tôi được giao theo dõi {n} hộ dân, mỗi tháng đều đi nắm tình hình ít nhất {s} lần.",
];

/// Generic relation sentences without numbers, for middling essays.
const VAGUE_RELATIONS: &[&str] = &[
    "Đơn vị tôi luôn quán triệt nghiêm túc các chủ trương của Đảng và đạt được nhiều kết quả.",
    "Bản thân tôi luôn cố gắng hoàn thành nhiệm vụ được giao.",
    "Tuy vẫn còn một số hạn chế nhưng nhìn chung tình hình ổn định.",
    "Các đồng chí đảng viên trong chi bộ đoàn kết, thống nhất cao.",
    "Tôi thấy mình cần cố gắng hơn nữa trong thời gian tới.",
    "Thực tế ở cơ sở cho thấy Nghị quyết là hoàn toàn đúng đắn.",
];

const COMMITMENTS: &[&str] = &[
    "Tôi cam kết gương mẫu thực hiện chủ trương của Đảng, chính sách, pháp luật của Nhà nước và nội quy của {org}.",
    "Tôi sẽ xây dựng kế hoạch hành động cá nhân với {s} việc cụ thể và báo cáo kết quả với chi bộ mỗi quý.",
    "Phấn đấu đến cuối năm {y2}, hoàn thành {pct}% chỉ tiêu được giao và không để xảy ra sai sót trong công việc.",
    "Tôi sẽ tự học để nâng cao trình độ, hoàn thành ít nhất {s} khóa bồi dưỡng trực tuyến trong năm.",
    "Thường xuyên tu dưỡng, rèn luyện đạo đức cách mạng, chống chủ nghĩa cá nhân, giữ gìn tư cách người đảng viên.",
    "Tôi cam kết tham gia đầy đủ sinh hoạt chi bộ, thẳng thắn phê bình và tự phê bình.",
    "Tôi hứa sẽ gần gũi quần chúng, lắng nghe ý kiến và kịp thời phản ánh tâm tư của người dân với cấp ủy.",
    "Bản thân sẽ áp dụng phần mềm quản lý để rút ngắn thời gian xử lý công việc từ {s} ngày xuống còn một ngày.",
    "Tôi sẽ vận động gia đình và người thân chấp hành tốt các quy định của địa phương.",
    "Tôi cam kết không ngừng học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh.",
];

const PROPOSALS: &[&str] = &[
    "Tôi đề nghị cấp ủy cấp trên tổ chức thêm các lớp bồi dưỡng ngắn hạn về chuyển đổi số cho đảng viên.",
    "Kiến nghị bố trí kinh phí khoảng {money} triệu đồng để nâng cấp trang thiết bị cho {org}.",
    "Đề xuất đổi mới hình thức học tập nghị quyết, tăng thời gian thảo luận và liên hệ thực tế thay vì chỉ đọc tài liệu.",
    "Đề nghị đơn giản hóa thủ tục, giảm bớt các loại báo cáo trùng lặp để cơ sở tập trung vào chuyên môn.",
    "Tôi kiến nghị có cơ chế khen thưởng kịp thời cho những người dám nghĩ, dám làm vì lợi ích chung.",
    "Cần tăng cường kiểm tra, giám sát việc thực hiện nghị quyết ở chi bộ, tránh tình trạng học xong rồi để đó.",
    "Mong cấp trên quan tâm đầu tư hạ tầng giao thông nông thôn, nhất là {s} tuyến đường liên thôn đang xuống cấp.",
];

const SLOGANS: &[&str] = &[
    "Đoàn kết - Dân chủ - Kỷ cương - Sáng tạo - Phát triển!",
    "Ra sức thi đua thực hiện thắng lợi Nghị quyết Đại hội XIII của Đảng!",
    "Quyết tâm xây dựng Đảng trong sạch, vững mạnh!",
    "Khơi dậy khát vọng phát triển đất nước phồn vinh, hạnh phúc!",
    "Vì mục tiêu dân giàu, nước mạnh, dân chủ, công bằng, văn minh!",
    "Đẩy mạnh công nghiệp hóa, hiện đại hóa đất nước!",
    "Phát huy sức mạnh đại đoàn kết toàn dân tộc!",
    "Chuyển đổi số là nhiệm vụ của toàn dân!",
    "Nói đi đôi với làm!",
    "Học tập và làm theo tấm gương đạo đức Hồ Chí Minh!",
    "Thể chế - Nhân lực - Hạ tầng: ba đột phá chiến lược!",
    "Đảng viên đi trước, làng nước theo sau!",
    "Nhận thức, tư tưởng, hành động, quyết tâm, trách nhiệm, gương mẫu, đoàn kết, kỷ cương.",
    "Kinh tế số, xã hội số, chính phủ số, công dân số.",
];

/// Replaces `{…}` placeholders with the context or fresh random numbers.
fn fill(template: &str, ctx: &Context, rng: &mut Rng) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = open + rest[open..].find('}').expect("unclosed placeholder");
        let value = match &rest[open + 1..close] {
            "org" => ctx.org.to_string(),
            "unit" => ctx.unit.clone(),
            "role" => lower_first(&ctx.role),
            "y" => (ctx.year - rng.range(0, 2)).to_string(),
            "y2" => (ctx.year + rng.range(1, 3)).to_string(),
            "m" => rng.range(2, 10).to_string(),
            "n" => rng.range(12, 240).to_string(),
            "s" => rng.range(2, 9).to_string(),
            "big" => rng.range(150, 4800).to_string(),
            "pct" => rng.range(55, 98).to_string(),
            "money" => format!("{},{}", rng.range(4, 18), rng.range(1, 9)),
            other => panic!("unknown placeholder {{{other}}}"),
        };
        out.push_str(&value);
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn syllables(s: &str) -> usize {
    s.split_whitespace().count()
}

/// Draws from a pool without repeating until the pool is used up, then reshuffles.
struct Deck<'a> {
    items: Vec<&'a str>,
    next: usize,
}

impl<'a> Deck<'a> {
    fn new(items: &'a [&'a str], rng: &mut Rng) -> Self {
        let mut items = items.to_vec();
        rng.shuffle(&mut items);
        Deck { items, next: 0 }
    }

    fn draw(&mut self, rng: &mut Rng) -> &'a str {
        if self.next == self.items.len() {
            rng.shuffle(&mut self.items);
            self.next = 0;
        }
        self.next += 1;
        self.items[self.next - 1]
    }
}

fn insight(deck: &mut Deck<'_>, rng: &mut Rng) -> String {
    let opener = rng.pick(OPENERS);
    let mut s = format!("{opener}{}", deck.draw(rng));
    if rng.chance(0.35) {
        s.push_str(", ");
        s.push_str(rng.pick(TAILS));
    }
    s.push('.');
    upper_first(&s)
}

/// Appends paragraphs of 2–5 sentences from `next` until `budget` syllables are used.
fn paragraphs(
    out: &mut String,
    rng: &mut Rng,
    budget: usize,
    numbered: bool,
    mut next: impl FnMut(&mut Rng) -> String,
) {
    let mut used = 0;
    let mut number = 1;
    while used < budget {
        let mut para = String::new();
        if numbered {
            para.push_str(&format!("{number}. "));
            number += 1;
        }
        for k in 0..rng.range(2, 5) {
            if k > 0 {
                para.push(' ');
            }
            para.push_str(&next(rng));
            if used + syllables(&para) >= budget {
                break;
            }
        }
        used += syllables(&para);
        out.push_str(&para);
        out.push_str("\n\n");
    }
}

fn heading(out: &mut String, options: &[&str], ctx: &Context, rng: &mut Rng) {
    let h = fill(rng.pick(options), ctx, rng);
    out.push_str(&h);
    out.push_str("\n\n");
}

/// Parts I–III; `insight_share`/`relation_share` split the budget, the rest goes to part III.
fn full_body(
    out: &mut String,
    ctx: &Context,
    rng: &mut Rng,
    budget: usize,
    insight_share: f64,
    relation_share: f64,
    concrete: bool,
) {
    let numbered = rng.chance(0.4);
    let mut insights = Deck::new(INSIGHTS, rng);
    heading(out, SECTION_I, ctx, rng);
    paragraphs(
        out,
        rng,
        (budget as f64 * insight_share) as usize,
        numbered,
        |r| insight(&mut insights, r),
    );

    heading(out, SECTION_II, ctx, rng);
    let mut relations = Deck::new(RELATIONS, rng);
    let mut vague = Deck::new(VAGUE_RELATIONS, rng);
    paragraphs(
        out,
        rng,
        (budget as f64 * relation_share) as usize,
        false,
        |r| {
            if concrete || r.chance(0.3) {
                fill(relations.draw(r), ctx, r)
            } else {
                vague.draw(r).to_string()
            }
        },
    );

    heading(out, SECTION_III, ctx, rng);
    let rest = (budget as f64 * (1.0 - insight_share - relation_share)) as usize;
    let mut commitments = Deck::new(COMMITMENTS, rng);
    let mut proposals = Deck::new(PROPOSALS, rng);
    if rng.chance(0.5) {
        // Commitments as a list introduced by a lead-in line.
        out.push_str("Từ những nhận thức trên, tôi xin cam kết:\n");
        let mut used = 0;
        while used < rest * 2 / 3 {
            let line = format!("- {}\n", fill(commitments.draw(rng), ctx, rng));
            used += syllables(&line);
            out.push_str(&line);
        }
        out.push('\n');
    } else {
        paragraphs(out, rng, rest * 2 / 3, false, |r| {
            fill(commitments.draw(r), ctx, r)
        });
    }
    if concrete || rng.chance(0.5) {
        paragraphs(out, rng, rest / 3, false, |r| {
            fill(proposals.draw(r), ctx, r)
        });
    }
}

/// A header followed by slogans and a few stock sentences, with or without part headings.
fn slogan_body(out: &mut String, ctx: &Context, rng: &mut Rng, budget: usize) {
    let with_headings = rng.chance(0.5);
    let mut insights = Deck::new(INSIGHTS, rng);
    let mut used = 0;
    let mut part = 0;
    while used < budget {
        if with_headings && part < 3 && used >= part * budget / 3 {
            heading(out, [SECTION_I, SECTION_II, SECTION_III][part], ctx, rng);
            part += 1;
        }
        let line = if rng.chance(0.75) {
            format!("- {}\n", rng.pick(SLOGANS))
        } else {
            format!("{}\n", insight(&mut insights, rng))
        };
        used += syllables(&line);
        out.push_str(&line);
    }
    out.push('\n');
}

/// A middling essay whose paragraphs come back two or three times.
fn repeated_body(out: &mut String, ctx: &Context, rng: &mut Rng, budget: usize) {
    let mut body = String::new();
    let concrete = rng.chance(0.5);
    full_body(&mut body, ctx, rng, budget / 2, 0.5, 0.25, concrete);
    let paras: Vec<&str> = body.split("\n\n").filter(|p| !p.is_empty()).collect();
    let mut used = 0;
    for p in &paras {
        out.push_str(p);
        out.push_str("\n\n");
        used += syllables(p);
        // Long paragraphs (not headings) sometimes come back at once or later.
        if syllables(p) > 25 && rng.chance(0.45) && used < budget {
            out.push_str(p);
            out.push_str("\n\n");
            used += syllables(p);
        }
    }
    // Pad to length with paragraphs copied from earlier in the essay.
    while used < budget {
        let p = rng.pick(&paras);
        out.push_str(p);
        out.push_str("\n\n");
        used += syllables(p).max(1);
    }
}

fn signature(out: &mut String, ctx: &Context, rng: &mut Rng) {
    out.push_str(rng.pick(&[
        "NGƯỜI VIẾT THU HOẠCH\n",
        "Người viết\n(Ký, ghi rõ họ tên)\n",
        "Người thu hoạch\n",
    ]));
    out.push_str(&ctx.name);
    out.push('\n');
}

/// New → old tone placement in open oa / oe / uy syllables: hòa → hoà, khỏe → khoẻ, thủy → thuỷ.
fn old_tone(text: &str) -> String {
    const PAIRS: &[(&str, &str)] = &[
        ("óa", "oá"),
        ("òa", "oà"),
        ("ỏa", "oả"),
        ("õa", "oã"),
        ("ọa", "oạ"),
        ("óe", "oé"),
        ("òe", "oè"),
        ("ỏe", "oẻ"),
        ("õe", "oẽ"),
        ("ọe", "oẹ"),
        ("úy", "uý"),
        ("ùy", "uỳ"),
        ("ủy", "uỷ"),
        ("ũy", "uỹ"),
        ("ụy", "uỵ"),
        ("Ủy", "Uỷ"),
        ("ỦY", "UỶ"),
        ("ÓA", "OÁ"),
        ("ÒA", "OÀ"),
    ];
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    'outer: while !rest.is_empty() {
        for (new, old) in PAIRS {
            if let Some(tail) = rest.strip_prefix(new) {
                // Only when the syllable ends there (no final consonant after the vowel pair).
                if !tail.chars().next().is_some_and(char::is_alphabetic) {
                    out.push_str(old);
                    rest = tail;
                    continue 'outer;
                }
            }
        }
        let c = rest.chars().next().expect("non-empty");
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Text as typed without any Vietnamese diacritics.
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

// ---------------------------------------------------------------------------------------------
// Planted near-duplicates and copied passages: `generate_with`, `essays_with`, `plan`.
// Used by originality.rs and grading.rs (index.rs includes this module too), hence the
// `allow(dead_code)`s.

/// The official sentences that planted essays copy or quote: the ~40 sentences of the
/// resolution in `tests/fixtures/originality/resolution.txt` (its first line is a title).
const RESOLUTION: &str = include_str!("../../tests/fixtures/originality/resolution.txt");

fn resolution_sentences() -> Vec<&'static str> {
    RESOLUTION
        .lines()
        .skip(1)
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
}

/// The resolution sentences that are not the built-in rubric's *base* (the congress theme,
/// the goals for 2025/2030/2045, the motto…: text everyone may quote, which never counts as
/// copying): what an essay "mostly copied from the resolution" copies, so that it is copying
/// by the engine's definition whichever sentences it drew.
fn copyable_sentences() -> Vec<&'static str> {
    let rubric = thuhoach::CompiledRubric::builtin().expect("the built-in rubric compiles");
    let base = &rubric.spec().references.base;
    resolution_sentences()
        .into_iter()
        .filter(|s| {
            let s = s.trim_end_matches('.');
            !base.iter().any(|b| s.contains(b.as_str()) || b.contains(s))
        })
        .collect()
}

/// What [`generate_with`] plants among the essays of [`generate`]. Shares are of all essays;
/// each essay is drawn on its own, so the counts vary a little around the shares.
#[allow(dead_code)]
#[derive(Clone, Debug, PartialEq)]
pub struct Mix {
    /// Near-duplicate copies of an earlier essay of the batch (default 0.05). A copy has a new
    /// header (name, position, unit, date, intro), the source's unit name replaced by its own
    /// in the body, two body paragraphs swapped, `edited` per cent of its body sentences edited,
    /// and a signature with the new name. Sources are original essays, each copied once, or
    /// twice (see `second_copies`), and never a slogan list: every line of one is common text
    /// (see `own_words`), so a copy of it is no near-duplicate a detector could see.
    pub copies: f64,
    /// Share of the copies that copy the previous copy's source again, making a group of three
    /// (default 0.2, "one copy in five", as in the original near-duplicate bench).
    pub second_copies: f64,
    /// Lowest and highest per cent of a copy's body sentences that are edited (default 10–20):
    /// each edited sentence is replaced by a sentence of the copier's own (see `own_words`),
    /// cut in half, or has every third word replaced by "thật sự".
    pub edited: (u64, u64),
    /// Share of the copies typed without diacritics (default 0.25).
    pub copies_without_diacritics: f64,
    /// Essays mostly copied from the resolution (default 0.02): a header and intro of their
    /// own, then 300–450 syllables of which 80–90 % are resolution sentences verbatim (parts I
    /// and III; not those of the built-in rubric's base, which anyone may quote) and the rest
    /// sentences of their own (part II). With the resolution given as a reference they should
    /// be flagged `copied_reference`.
    pub resolution_copies: f64,
    /// Original essays that quote one or two resolution sentences in a paragraph of part I
    /// (default 0.05): a few per cent of the essay, which must not be flagged.
    pub resolution_quotes: f64,
    /// Sentences of the writer's own (default 1.5): in every essay but the slogan lists, each
    /// sentence of part I is followed by this many sentences on average (the whole part, and
    /// one more with the probability of the fraction), each assembled from phrase lists
    /// (subject, verb, object, modifier, a number, a place: they rarely repeat by chance).
    /// Without them every sentence of an essay is one of [`generate`]'s template sentences,
    /// each found in far more than 5 % of a batch, which near-duplicate detection treats as
    /// common text, like the resolution sentences everybody quotes: a copy could then only be
    /// told from its source by its numbers (recall 0.02 at 2,000 essays). Part I only, so that
    /// the grades stay nearly as they were (994 of the first 1,000 essays of the grading seed
    /// keep their grade; 6 go up one level). 0 keeps every original essay byte for byte as
    /// [`generate`] makes it.
    pub own_words: f64,
}

impl Default for Mix {
    fn default() -> Self {
        Mix {
            copies: 0.05,
            second_copies: 0.2,
            edited: (10, 20),
            copies_without_diacritics: 0.25,
            resolution_copies: 0.02,
            resolution_quotes: 0.05,
            own_words: 1.5,
        }
    }
}

#[allow(dead_code)]
impl Mix {
    /// Nothing planted: [`generate_with`] gives exactly [`generate`].
    pub fn none() -> Self {
        Mix {
            copies: 0.0,
            resolution_copies: 0.0,
            resolution_quotes: 0.0,
            own_words: 0.0,
            ..Mix::default()
        }
    }
}

/// What an essay of [`generate_with`] is: the ground truth for recall, also readable from the
/// file name (see [`Planted::from_name`]).
#[allow(dead_code)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Planted {
    /// The essay [`generate`] makes at this position with the writer's own sentences added
    /// (see [`Mix::own_words`]; without them, byte for byte). It may be the source of copies.
    /// Named as in [`generate`], e.g. `0123_thon_day-du.txt`.
    Original,
    /// A near-duplicate copy of essay `of` (`of` < this essay's index). Named
    /// `{index}_{unit}_{source's kind}{-khong-dau}_chep-{of:04}.txt`, e.g.
    /// `0456_cong-ty_day-du_chep-0123.txt`.
    Copy { of: usize },
    /// Mostly copied from the resolution; named `{index}_{unit}_chep-nghi-quyet{form}.txt`.
    ResolutionCopy,
    /// The original essay with one or two resolution sentences quoted; named as the
    /// original with `_trich-nghi-quyet` before `.txt`.
    ResolutionQuote,
}

#[allow(dead_code)]
impl Planted {
    /// What the file name of an essay of [`generate_with`] says it is (any folder and any
    /// extension, so also for the .docx of [`dump`]).
    pub fn from_name(name: &str) -> Planted {
        let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
        if file.contains("_chep-nghi-quyet") {
            return Planted::ResolutionCopy;
        }
        if file.contains("_trich-nghi-quyet") {
            return Planted::ResolutionQuote;
        }
        if let Some((_, tail)) = file.rsplit_once("_chep-") {
            let digits: String = tail.chars().take_while(char::is_ascii_digit).collect();
            if let Ok(of) = digits.parse() {
                return Planted::Copy { of };
            }
        }
        Planted::Original
    }
}

/// One planted decision: what the essay is and the seed of its own generator.
struct Slot {
    kind: Planted,
    seed: u64,
}

/// Salt of the generator that decides what to plant, so that it is independent of the
/// essays' own generators.
const PLAN_SALT: u64 = 0x706c_616e_7465_6421;
/// Salt of an essay's generator for the writer's own sentences.
const OWN_SALT: u64 = 0x6f77_6e5f_776f_7264;

/// The seed [`generate`] gives essay `i`: the `i`-th output of `Rng::new(seed)`, computed
/// directly (SplitMix64's state after `i` steps is `seed + i·γ`), so that the source of a copy
/// can be made again without keeping it.
fn essay_seed(seed: u64, i: usize) -> u64 {
    Rng::new(seed.wrapping_add((i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))).next_u64()
}

/// The planting decisions for essays `0..n`. Each depends only on the earlier ones, so the
/// first `m` of `slots(n, …)` are `slots(m, …)`.
fn slots(n: usize, seed: u64, mix: &Mix) -> Vec<Slot> {
    let mut rng = Rng::new(seed ^ PLAN_SALT);
    let mut out: Vec<Slot> = Vec::with_capacity(n);
    // Times each essay has been copied (at most twice).
    let mut copied = vec![0u8; n];
    let mut last_source: Option<usize> = None;
    for i in 0..n {
        let u = rng.unit();
        let slot_seed = rng.next_u64();
        let kind = if u < mix.copies {
            let again = rng.chance(mix.second_copies);
            let source = match last_source {
                Some(j) if again && copied[j] < 2 => Some(j),
                _ => (0..32).find_map(|_| {
                    // A fresh source: an original essay before this one, not copied yet and
                    // not a slogan list (see `Mix::copies`).
                    let j = (rng.next_u64() % i.max(1) as u64) as usize;
                    (j < i
                        && out[j].kind == Planted::Original
                        && copied[j] == 0
                        && draw_quality(&mut Rng::new(essay_seed(seed, j))) != Quality::Slogans)
                        .then_some(j)
                }),
            };
            match source {
                Some(j) => {
                    copied[j] += 1;
                    last_source = Some(j);
                    Planted::Copy { of: j }
                }
                None => Planted::Original,
            }
        } else if u < mix.copies + mix.resolution_copies {
            Planted::ResolutionCopy
        } else if u < mix.copies + mix.resolution_copies + mix.resolution_quotes {
            Planted::ResolutionQuote
        } else {
            Planted::Original
        };
        out.push(Slot {
            kind,
            seed: slot_seed,
        });
    }
    out
}

/// What each of the `n` essays of `generate_with(n, seed, mix)` is, without generating them.
#[allow(dead_code)]
pub fn plan(n: usize, seed: u64, mix: &Mix) -> Vec<Planted> {
    slots(n, seed, mix).into_iter().map(|s| s.kind).collect()
}

/// The planted groups of copies: for a source and each of its copies, the source's index;
/// `None` for every other essay. Two essays are a planted pair when both are `Some` of the
/// same index.
#[allow(dead_code)]
pub fn copy_groups(plan: &[Planted]) -> Vec<Option<usize>> {
    let mut groups = vec![None; plan.len()];
    for (i, p) in plan.iter().enumerate() {
        if let Planted::Copy { of } = *p {
            groups[i] = Some(of);
            if of < groups.len() {
                groups[of] = Some(of);
            }
        }
    }
    groups
}

/// The number of planted pairs in `groups` (a source with two copies counts three pairs).
#[allow(dead_code)]
pub fn planted_pairs(groups: &[Option<usize>]) -> usize {
    let mut size: std::collections::HashMap<usize, usize> = Default::default();
    for g in groups.iter().flatten() {
        *size.entry(*g).or_default() += 1;
    }
    size.values().map(|&s| s * (s - 1) / 2).sum()
}

/// `n` essays of [`generate`] with the writer's own sentences added and near-duplicates and
/// resolution copies planted, by `mix`: essay `i` is either `generate(n, seed)[i]` with own
/// sentences (an [`Planted::Original`]) or planted in its place. Deterministic by
/// `(n, seed, mix)`; see [`plan`] for which is which. `generate_with(n, seed, &Mix::none())`
/// is `generate(n, seed)`.
#[allow(dead_code)]
pub fn generate_with(n: usize, seed: u64, mix: &Mix) -> Vec<(String, String)> {
    essays_with(n, seed, mix).collect()
}

/// [`generate_with`], one essay at a time (the planting plan, a few bytes an essay, is made
/// first; a copy's source is generated again rather than kept).
#[allow(dead_code)]
pub fn essays_with(n: usize, seed: u64, mix: &Mix) -> impl Iterator<Item = (String, String)> {
    let slots = slots(n, seed, mix);
    let sentences = resolution_sentences();
    let copyable = copyable_sentences();
    let edited = mix.edited;
    let no_diacritics = mix.copies_without_diacritics;
    let own = mix.own_words;
    // Essay `i` of `generate`, with the writer's own sentences.
    let original = move |i: usize| {
        let essay_seed = essay_seed(seed, i);
        let mut built = build(&mut Rng::new(essay_seed));
        add_own_words(&mut built, &mut Rng::new(essay_seed ^ OWN_SALT), own);
        built
    };
    (0..n).map(move |i| {
        let slot = &slots[i];
        match slot.kind {
            Planted::Original => finish(i, original(i)),
            Planted::Copy { of } => {
                copy_essay(i, of, &original(of), slot.seed, edited, no_diacritics)
            }
            Planted::ResolutionCopy => resolution_copy(i, slot.seed, &copyable),
            Planted::ResolutionQuote => resolution_quote(i, original(i), slot.seed, &sentences),
        }
    })
}

/// A near-duplicate copy of `source`, essay `of`, as essay `index`.
fn copy_essay(
    index: usize,
    of: usize,
    source: &Built,
    seed: u64,
    edited: (u64, u64),
    no_diacritics: f64,
) -> (String, String) {
    let mut rng = Rng::new(seed);
    let ctx = Context::new(&mut rng);
    let mut text = header(&ctx, &mut rng);
    let body = source.text[source.body.clone()].replace(&source.ctx.unit, &ctx.unit);
    text.push_str(&mutate(&body, &mut rng, edited));
    signature(&mut text, &ctx, &mut rng);
    let form = if rng.chance(no_diacritics) {
        Form::NoDiacritics
    } else {
        Form::Plain
    };
    let name = format!(
        "{:04}_{}_{}{}_chep-{:04}.txt",
        index,
        ctx.slug,
        source.quality.id(),
        form.id(),
        of
    );
    (name, form.apply(text))
}

/// A copy's body, ported from the near-duplicate bench's `mutate`: two body paragraphs (not
/// headings, not the first or last) swapped, and `edited` (lo..=hi) per cent of the sentences
/// of the body paragraphs edited: replaced by a sentence of the copier's own, cut in half, or
/// every third word replaced by "thật sự".
fn mutate(body: &str, rng: &mut Rng, edited: (u64, u64)) -> String {
    let mut paras: Vec<String> = body
        .split("\n\n")
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    let bodies: Vec<usize> = (0..paras.len())
        .filter(|&i| !(paras[i].lines().count() == 1 && is_heading(&paras[i])))
        .collect();
    if bodies.len() >= 4 {
        let x = bodies[1 + (rng.next_u64() % (bodies.len() - 2) as u64) as usize];
        let y = bodies[1 + (rng.next_u64() % (bodies.len() - 2) as u64) as usize];
        paras.swap(x, y);
    }
    let rate = rng.range(edited.0, edited.1.max(edited.0)) as f64 / 100.0;
    for &p in &bodies {
        let mut out = String::with_capacity(paras[p].len() + 64);
        for line in paras[p].split_inclusive('\n') {
            for piece in line.split_inclusive(". ") {
                let sentence = piece.trim_end();
                let tail = &piece[sentence.len()..];
                // "1." of a numbered paragraph and the like are not sentences.
                if sentence.split_whitespace().nth(3).is_none() || !rng.chance(rate) {
                    out.push_str(piece);
                    continue;
                }
                let edit = match rng.next_u64() % 3 {
                    0 => own_sentence(rng),
                    1 => {
                        let words: Vec<&str> = sentence.split_whitespace().collect();
                        let half = words.len().div_ceil(2);
                        format!(
                            "{}.",
                            words[..half]
                                .join(" ")
                                .trim_end_matches([',', '.', ';', ':', '!'])
                        )
                    }
                    _ => sentence
                        .split_whitespace()
                        .enumerate()
                        .map(|(i, w)| if i % 3 == 2 { "thật sự" } else { w })
                        .collect::<Vec<_>>()
                        .join(" "),
                };
                out.push_str(&edit);
                out.push_str(tail);
            }
        }
        paras[p] = out;
    }
    let mut out = paras.join("\n\n");
    out.push_str("\n\n");
    out
}

/// Adds sentences of the writer's own to `built` (an essay of [`build`]), see
/// [`Mix::own_words`]: after each sentence of part I, with probability `share`, a sentence
/// assembled from phrase lists ([`own_sentence`]). Only part I, so that the relation and
/// proposal parts, which the grade is most sensitive to, stay as they were; a paragraph that
/// comes back (the "lap-lai" essays) comes back with the same sentences, so it is still a
/// repetition. Slogan essays get none: any sentence of one's own in a slogan list lifts its
/// grade (it dilutes the repeated slogans under the `repeated_text` share, or counts as
/// relation).
fn add_own_words(built: &mut Built, rng: &mut Rng, share: f64) {
    if share <= 0.0 || built.quality == Quality::Slogans {
        return;
    }
    let body = &built.text[built.body.clone()];
    let mut out = String::with_capacity(body.len() + body.len() / 2);
    let mut done: std::collections::HashMap<&str, String> = Default::default();
    let mut part_one = false;
    for para in body.split("\n\n").filter(|p| !p.is_empty()) {
        if para.lines().count() == 1 && is_heading(para) {
            part_one = SECTION_I.contains(&para);
        } else if part_one && !done.contains_key(para) {
            let mut own = String::with_capacity(para.len() * 2);
            for piece in para.split_inclusive(". ") {
                let sentence = piece.trim_end();
                own.push_str(sentence);
                if sentence.split_whitespace().nth(3).is_some() {
                    // `share` sentences on average: its whole part, and one more with the
                    // probability of its fraction.
                    let extra = usize::from(rng.chance(share.fract()));
                    for _ in 0..share as usize + extra {
                        own.push(' ');
                        own.push_str(&own_sentence(rng));
                    }
                }
                own.push_str(&piece[sentence.len()..]);
            }
            done.insert(para, own);
        }
        out.push_str(done.get(para).map_or(para, String::as_str));
        out.push_str("\n\n");
    }
    let end = built.body.start + out.len();
    built.text.replace_range(built.body.clone(), &out);
    built.body = built.body.start..end;
}

// Phrase lists for the writer's own sentences (from the original near-duplicate bench):
// about 18 × 30 × 30 × 60 × 26 combinations and numbers, so that two writers rarely share a
// sentence by chance.
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

/// A sentence of the writer's own (ported from the original near-duplicate bench):
/// connector, subject, verb, object, then maybe a modifier, a number, a place and another
/// modifier.
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
    if rng.chance(0.7) {
        s.push(' ');
        s.push_str(rng.pick(MODIFIERS));
    }
    if rng.chance(0.5) {
        s.push_str(", ");
        s.push_str(
            &rng.pick(NUMBERS)
                .replace("{}", &rng.range(2, 999).to_string()),
        );
    }
    if rng.chance(0.25) {
        s.push_str(" ở thôn ");
        s.push_str(&place_name(rng));
    }
    if rng.chance(0.4) {
        s.push_str(", ");
        s.push_str(rng.pick(MODIFIERS));
    }
    s.push('.');
    upper_first(&s)
}

/// An essay mostly copied from the resolution, as essay `index`.
fn resolution_copy(index: usize, seed: u64, sentences: &[&str]) -> (String, String) {
    let mut rng = Rng::new(seed);
    let ctx = Context::new(&mut rng);
    let mut text = header(&ctx, &mut rng);
    let budget = rng.range(300, 450) as usize;
    let own = budget * rng.range(10, 20) as usize / 100;
    let copied = budget - own;
    let mut quotes = Deck::new(sentences, &mut rng);
    heading(&mut text, SECTION_I, &ctx, &mut rng);
    paragraphs(&mut text, &mut rng, copied * 2 / 3, false, |r| {
        quotes.draw(r).to_string()
    });
    heading(&mut text, SECTION_II, &ctx, &mut rng);
    paragraphs(&mut text, &mut rng, own, false, own_sentence);
    heading(&mut text, SECTION_III, &ctx, &mut rng);
    paragraphs(&mut text, &mut rng, copied - copied * 2 / 3, false, |r| {
        quotes.draw(r).to_string()
    });
    signature(&mut text, &ctx, &mut rng);
    let form = draw_form(&mut rng);
    let name = format!("{:04}_{}_chep-nghi-quyet{}.txt", index, ctx.slug, form.id());
    (name, form.apply(text))
}

/// `original` (essay `index`) with one or two resolution sentences quoted in a paragraph of
/// their own after the first paragraph of part I.
fn resolution_quote(
    index: usize,
    original: Built,
    seed: u64,
    sentences: &[&str],
) -> (String, String) {
    let mut rng = Rng::new(seed);
    let mut quotes = Deck::new(sentences, &mut rng);
    let quoted: Vec<&str> = (0..rng.range(1, 2))
        .map(|_| quotes.draw(&mut rng))
        .collect();
    let lead = rng.pick(&[
        "Nghị quyết nêu rõ: ",
        "Văn kiện Đại hội khẳng định: ",
        "Tôi tâm đắc với nội dung: ",
        "",
    ]);
    let Built {
        ctx,
        quality,
        form,
        mut text,
        body,
    } = original;
    // After the first heading's paragraph and the paragraph that follows it.
    let at = text[body.clone()]
        .match_indices("\n\n")
        .nth(1)
        .map_or(body.end, |(k, _)| body.start + k + 2);
    text.insert_str(at, &format!("{lead}{}\n\n", quoted.join(" ")));
    let name = format!(
        "{:04}_{}_{}{}_trich-nghi-quyet.txt",
        index,
        ctx.slug,
        quality.id(),
        form.id()
    );
    (name, form.apply(text))
}

// ---------------------------------------------------------------------------------------------
// Files: the essays as .docx, and a dump of N essays into a folder.
// Used by grading.rs only (index.rs and originality.rs include this module too), hence the
// `allow(dead_code)`s.

/// Times New Roman, as in administrative documents.
const DOCX_FONT: &str = "Times New Roman";

/// The essay as a .docx, roughly the way it would be typed in Word: Times New Roman 14 pt;
/// the header block (up to the line after "BÀI THU HOẠCH") centred; headings (lines in capitals,
/// "I. …", "PHẦN II. …") bold; body paragraphs justified with a first-line indent, each
/// sentence in its own run (Word splits runs at every edit); the signature right-aligned.
///
/// docx-rs stores its parts uncompressed; they are deflated again (level 6, no folder entries),
/// as Word writes them, so that reading includes inflating, as it does for real submissions.
///
/// Every line of `text` is one paragraph, blank lines included, so
/// `thuhoach::ingest::read_bytes(&write_docx(t), SourceFormat::Docx)` reads back `t` without its
/// final line break (checked at the start of the bench).
#[allow(dead_code)]
pub fn write_docx(text: &str) -> Vec<u8> {
    use docx_rs::{AlignmentType, Docx, LineSpacing, Paragraph, RunFonts, SpecialIndentType};

    let fonts = || {
        RunFonts::new()
            .ascii(DOCX_FONT)
            .hi_ansi(DOCX_FONT)
            .cs(DOCX_FONT)
            .east_asia(DOCX_FONT)
    };
    let run = |t: &str, bold: bool| {
        let r = docx_rs::Run::new().add_text(t).size(28).fonts(fonts());
        if bold {
            r.bold()
        } else {
            r
        }
    };
    let lines: Vec<&str> = text.lines().collect();
    // The header ends with the line after the title.
    let header_end = lines
        .iter()
        .position(|l| l.trim() == "BÀI THU HOẠCH")
        .map_or(0, |i| i + 2);
    // The signature block: from the last "Người viết…" / "NGƯỜI VIẾT…" line to the end.
    let signature_start = lines
        .iter()
        .rposition(|l| l.starts_with("Người") || l.starts_with("NGƯỜI"))
        .unwrap_or(lines.len());
    let mut doc = Docx::new().default_fonts(fonts()).default_size(28);
    for (i, line) in lines.iter().enumerate() {
        let heading = is_heading(line);
        let mut p = Paragraph::new().line_spacing(LineSpacing::new().before(0).after(120));
        if i < header_end || i >= signature_start {
            let align = if i < header_end {
                AlignmentType::Center
            } else {
                AlignmentType::Right
            };
            p = p.align(align).add_run(run(line, heading || i < 2));
        } else if heading || line.starts_with("- ") || line.len() < 60 {
            p = p.align(AlignmentType::Both).add_run(run(line, heading));
        } else {
            p = p.align(AlignmentType::Both).indent(
                None,
                Some(SpecialIndentType::FirstLine(567)),
                None,
                None,
            );
            for sentence in line.split_inclusive(". ") {
                p = p.add_run(run(sentence, false));
            }
        }
        doc = doc.add_paragraph(p);
    }
    let mut out = std::io::Cursor::new(Vec::with_capacity(text.len() + 8 * 1024));
    doc.build().pack(&mut out).expect("pack .docx in memory");
    deflate_zip(&out.into_inner())
}

/// The same zip with every file deflated (level 6) and the folder entries left out.
fn deflate_zip(stored: &[u8]) -> Vec<u8> {
    use std::io::{Read, Write};

    let mut from = zip::ZipArchive::new(std::io::Cursor::new(stored)).expect("docx-rs zip");
    let mut to = zip::ZipWriter::new(std::io::Cursor::new(Vec::with_capacity(stored.len() / 3)));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(6));
    let mut buf = Vec::new();
    for i in 0..from.len() {
        let mut part = from.by_index(i).expect("zip entry");
        if part.is_dir() {
            continue;
        }
        buf.clear();
        part.read_to_end(&mut buf).expect("read zip entry");
        to.start_file(part.name().expect("zip entry name").to_string(), options)
            .expect("start zip entry");
        to.write_all(&buf).expect("write zip entry");
    }
    to.finish().expect("finish zip").into_inner()
}

/// A heading line: no lower-case letter, or a numbered part ("I. …", "PHẦN II. …").
fn is_heading(line: &str) -> bool {
    let t = line.trim();
    if t.is_empty() {
        return false;
    }
    let roman = ["I. ", "II. ", "III. ", "IV. "]
        .iter()
        .any(|p| t.starts_with(p) || t.starts_with(&format!("PHẦN {p}")));
    roman || (t.chars().any(char::is_alphabetic) && !t.chars().any(char::is_lowercase))
}

/// Which files [`dump`] writes for each essay.
#[allow(dead_code)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DumpFormat {
    Txt,
    Docx,
    Both,
}

/// What [`dump`] wrote.
#[allow(dead_code)]
#[derive(Debug, Default)]
pub struct Dumped {
    pub essays: usize,
    pub txt_bytes: u64,
    pub docx_bytes: u64,
}

/// Writes the `n` essays of `essays_with(n, seed, mix)` into `dir` (created if needed),
/// streaming: at most 1,024 essays are in memory at a time. With [`Mix::none`] they are the
/// essays of `generate(n, seed)`. A .docx has the name of the .txt with `.docx` instead. The
/// .docx files are built on the current rayon pool.
#[allow(dead_code)]
pub fn dump(
    dir: &std::path::Path,
    n: usize,
    seed: u64,
    format: DumpFormat,
    mix: &Mix,
) -> std::io::Result<Dumped> {
    use rayon::prelude::*;

    std::fs::create_dir_all(dir)?;
    let mut stats = Dumped::default();
    let mut all = essays_with(n, seed, mix);
    loop {
        let chunk: Vec<(String, String)> = all.by_ref().take(1024).collect();
        if chunk.is_empty() {
            return Ok(stats);
        }
        if format != DumpFormat::Docx {
            for (name, text) in &chunk {
                std::fs::write(dir.join(name), text)?;
                stats.txt_bytes += text.len() as u64;
            }
        }
        if format != DumpFormat::Txt {
            let docs: Vec<(String, Vec<u8>)> = chunk
                .par_iter()
                .map(|(name, text)| (docx_name(name), write_docx(text)))
                .collect();
            for (name, bytes) in &docs {
                std::fs::write(dir.join(name), bytes)?;
                stats.docx_bytes += bytes.len() as u64;
            }
        }
        stats.essays += chunk.len();
    }
}

/// `0012_thon_ngan.txt` → `0012_thon_ngan.docx`.
#[allow(dead_code)]
pub fn docx_name(txt_name: &str) -> String {
    format!("{}.docx", txt_name.strip_suffix(".txt").unwrap_or(txt_name))
}
