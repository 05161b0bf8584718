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
// Used by grading.rs only; index.rs includes this module too.
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
}

fn essay(index: usize, rng: &mut Rng) -> (String, String) {
    let quality = match rng.unit() {
        x if x < 0.45 => Quality::Full,
        x if x < 0.70 => Quality::Middling,
        x if x < 0.80 => Quality::Short,
        x if x < 0.90 => Quality::Slogans,
        _ => Quality::Repeated,
    };
    let form = match rng.unit() {
        x if x < 0.05 => Form::OldTone,
        x if x < 0.10 => Form::OldToneNfd,
        x if x < 0.13 => Form::Nfd,
        x if x < 0.16 => Form::NoDiacritics,
        _ => Form::Plain,
    };
    let ctx = Context::new(rng);
    let mut text = header(&ctx, rng);
    let header_syllables = syllables(&text);
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
    signature(&mut text, &ctx, rng);
    let text = match form {
        Form::Plain => text,
        Form::OldTone => old_tone(&text),
        Form::OldToneNfd => old_tone(&text).nfd().collect(),
        Form::Nfd => text.nfd().collect(),
        Form::NoDiacritics => strip_diacritics(&text),
    };
    let name = format!(
        "{:04}_{}_{}{}.txt",
        index,
        ctx.slug,
        quality.id(),
        form.id()
    );
    (name, text)
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
// Files: the essays as .docx, and a dump of N essays into a folder.
// Used by grading.rs only (index.rs includes this module too), hence the `allow(dead_code)`s.

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

/// Writes the first `n` essays of `(n, seed)` into `dir` (created if needed), streaming: at most
/// 1,024 essays are in memory at a time. A .docx has the name of the .txt with `.docx` instead.
/// The .docx files are built on the current rayon pool.
#[allow(dead_code)]
pub fn dump(
    dir: &std::path::Path,
    n: usize,
    seed: u64,
    format: DumpFormat,
) -> std::io::Result<Dumped> {
    use rayon::prelude::*;

    std::fs::create_dir_all(dir)?;
    let mut stats = Dumped::default();
    let mut all = essays(n, seed);
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
