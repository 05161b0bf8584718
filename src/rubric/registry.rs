//! The shipped rubrics (compiled into the binary, each with an id), choosing a rubric by path or
//! id, and noticing when most of a batch is off topic for the chosen rubric but on topic for
//! another shipped one (the committee picked the wrong rubric).

use std::path::{Path, PathBuf};

use super::{CompiledRubric, RubricError, DEFAULT_RUBRIC_TOML};
use crate::assess::{assess, Flag};
use crate::grade::Assessment;
use crate::ingest;

/// A rubric compiled into the binary.
#[derive(Debug, Clone, Copy)]
pub struct Shipped {
    /// The rubric's `[rubric] id`, also the name of its file in `rubrics/`.
    pub id: &'static str,
    /// Where it lives in the source tree.
    pub file: &'static str,
    /// The rubric's TOML text.
    pub toml: &'static str,
}

/// Every shipped rubric, the default (Đại hội XIII) first.
pub const SHIPPED: &[Shipped] = &[
    Shipped {
        id: "dai-hoi-xiii",
        file: "rubrics/dai-hoi-xiii.toml",
        toml: DEFAULT_RUBRIC_TOML,
    },
    Shipped {
        id: "dai-hoi-xiv",
        file: "rubrics/dai-hoi-xiv.toml",
        toml: include_str!("../../rubrics/dai-hoi-xiv.toml"),
    },
    Shipped {
        id: "nq04-tw4-xii",
        file: "rubrics/nq04-tw4-xii.toml",
        toml: include_str!("../../rubrics/nq04-tw4-xii.toml"),
    },
];

/// The id of the default rubric (used when no `--rubric` is given).
pub const DEFAULT_ID: &str = "dai-hoi-xiii";

impl Shipped {
    /// Checks and compiles the rubric; errors name it as a built-in file.
    pub fn compile(&self) -> Result<CompiledRubric, RubricError> {
        if self.id == DEFAULT_ID {
            return CompiledRubric::builtin();
        }
        CompiledRubric::from_toml(self.toml, &format!("{} (có sẵn)", self.file))
    }
}

/// The shipped rubric with this id.
pub fn find(id: &str) -> Option<&'static Shipped> {
    SHIPPED.iter().find(|s| s.id == id)
}

/// Where a rubric in use came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A shipped rubric, by id (the default when no rubric was asked for).
    BuiltIn {
        /// The shipped rubric's id.
        id: String,
        /// It was used because no rubric was asked for.
        default: bool,
    },
    /// A rubric file.
    File(PathBuf),
}

/// A rubric chosen for a run, and where it came from.
#[derive(Debug, Clone)]
pub struct Chosen {
    /// The compiled rubric.
    pub rubric: CompiledRubric,
    /// Where it came from.
    pub origin: Origin,
}

impl Chosen {
    /// One Vietnamese line saying which rubric grades the batch.
    pub fn describe(&self) -> String {
        let title = &self.rubric.spec.rubric.title;
        match &self.origin {
            Origin::BuiltIn { id, default: true } => format!(
                "chấm theo barem «{title}» ({id}, barem mặc định có sẵn; chọn barem khác bằng --rubric <mã hoặc tệp>, xem `thuhoach rubric list`)"
            ),
            Origin::BuiltIn { id, default: false } => {
                format!("chấm theo barem «{title}» ({id}, barem có sẵn)")
            }
            Origin::File(path) => format!(
                "chấm theo barem «{title}» ({}, tệp {})",
                self.rubric.reference.id,
                path.display()
            ),
        }
    }
}

/// The rubric for `--rubric ARG`: a file if `ARG` exists, else a shipped rubric's id; without
/// `ARG`, the default. Anything else is an error listing the shipped ids.
pub fn choose(arg: Option<&Path>) -> Result<Chosen, RubricError> {
    let Some(arg) = arg else {
        return Ok(Chosen {
            rubric: CompiledRubric::builtin()?,
            origin: Origin::BuiltIn {
                id: DEFAULT_ID.into(),
                default: true,
            },
        });
    };
    if arg.exists() {
        return Ok(Chosen {
            rubric: CompiledRubric::from_file(arg)?,
            origin: Origin::File(arg.to_path_buf()),
        });
    }
    match arg.to_str().and_then(find) {
        Some(shipped) => Ok(Chosen {
            rubric: shipped.compile()?,
            origin: Origin::BuiltIn {
                id: shipped.id.into(),
                default: false,
            },
        }),
        None => Err(RubricError {
            file: arg.display().to_string(),
            line: None,
            field: "--rubric".into(),
            message: format!(
                "không có tệp barem này, cũng không phải mã của barem có sẵn nào; các barem có sẵn: {}",
                SHIPPED.iter().map(|s| s.id).collect::<Vec<_>>().join(", ")
            ),
        }),
    }
}

/// What `thuhoach rubric list` shows of a shipped rubric.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Listed {
    /// The rubric's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The resolution it grades.
    pub resolution: String,
    /// Its version.
    pub version: String,
    /// How many themes it has.
    pub themes: usize,
    /// It is the default rubric.
    pub default: bool,
}

/// The shipped rubrics, compiled (a broken one is an error: it is a bug of the build).
pub fn list() -> Result<Vec<Listed>, RubricError> {
    SHIPPED
        .iter()
        .map(|s| {
            let r = s.compile()?;
            Ok(Listed {
                id: s.id.into(),
                title: r.spec.rubric.title.clone(),
                resolution: r.spec.rubric.resolution.clone(),
                version: r.spec.rubric.version.clone(),
                themes: r.spec.themes.len(),
                default: s.id == DEFAULT_ID,
            })
        })
        .collect()
}

/// Off-topic essays re-read and assessed under the other shipped rubrics, at most.
const SAMPLE: usize = 40;

/// Counts a batch's off-topic rows as they are graded (no work beyond a flag check per row).
#[derive(Debug, Default)]
pub struct TopicTally {
    graded: usize,
    off_topic: Vec<PathBuf>,
}

/// Another shipped rubric that fits a batch better than the one chosen.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Suggestion {
    /// The suggested rubric's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Essays graded, and of them off topic under the chosen rubric.
    pub graded: usize,
    /// Of them, essays flagged off topic under the chosen rubric.
    pub off_topic: usize,
    /// Off-topic essays re-assessed, and of them on topic for the suggested rubric.
    pub sampled: usize,
    /// Of them, essays on topic under the suggested rubric.
    pub on_topic: usize,
}

impl Suggestion {
    /// The Vietnamese notice for the committee.
    pub fn message(&self, chosen: &CompiledRubric) -> String {
        format!(
            "{}/{} bài bị đánh dấu lạc đề với barem «{}», nhưng {}/{} bài lạc đề được kiểm tra lại đúng chủ đề của barem «{}». Có thể đã chọn nhầm barem: chấm lại với --rubric {}",
            self.off_topic,
            self.graded,
            chosen.spec.rubric.title,
            self.on_topic,
            self.sampled,
            self.title,
            self.id
        )
    }
}

impl TopicTally {
    /// An empty tally.
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts one graded row (rows with an error are not counted).
    pub fn observe(&mut self, row: &Assessment) {
        if row.error.is_some() {
            return;
        }
        self.graded += 1;
        if row.flags.contains(&Flag::OffTopic) {
            self.off_topic.push(PathBuf::from(&row.file));
        }
    }

    /// When more than half of the batch is off topic under `chosen`, re-reads an evenly spread
    /// sample of the off-topic essays and assesses them under every other shipped rubric; the
    /// rubric for which most of the sample (more than half) is on topic is suggested. The same
    /// batch gives the same answer.
    pub fn suggest(&self, chosen: &CompiledRubric) -> Option<Suggestion> {
        if self.graded == 0 || self.off_topic.len() * 2 <= self.graded {
            return None;
        }
        let texts: Vec<String> = sample(&self.off_topic, SAMPLE)
            .filter_map(|p| ingest::read_document(p).ok().map(|d| d.text))
            .collect();
        if texts.is_empty() {
            return None;
        }
        let mut best: Option<Suggestion> = None;
        for shipped in SHIPPED.iter().filter(|s| s.id != chosen.reference.id) {
            let Ok(other) = shipped.compile() else {
                continue;
            };
            let on_topic = texts
                .iter()
                .filter(|t| !assess(t, &other).flags.contains(&Flag::OffTopic))
                .count();
            if on_topic * 2 > texts.len() && best.as_ref().is_none_or(|b| on_topic > b.on_topic) {
                best = Some(Suggestion {
                    id: shipped.id.into(),
                    title: other.spec.rubric.title.clone(),
                    graded: self.graded,
                    off_topic: self.off_topic.len(),
                    sampled: texts.len(),
                    on_topic,
                });
            }
        }
        best
    }
}

/// At most `n` items spread evenly over `items`, in order.
fn sample<T>(items: &[T], n: usize) -> impl Iterator<Item = &T> {
    let len = items.len();
    let take = len.min(n);
    (0..take).map(move |i| &items[i * len / take])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_ids_match_their_files_and_every_rubric_file_is_shipped() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rubrics");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .expect("rubrics folder")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .filter_map(|p| Some(p.file_stem()?.to_str()?.to_string()))
            .filter(|stem| stem != "template")
            .collect();
        on_disk.sort();
        let mut shipped: Vec<String> = SHIPPED.iter().map(|s| s.id.to_string()).collect();
        shipped.sort();
        assert_eq!(
            on_disk, shipped,
            "every rubrics/*.toml but the template is shipped"
        );
        for s in SHIPPED {
            let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(s.file))
                .expect("rubric file");
            assert_eq!(text, s.toml, "{} is compiled in as it is on disk", s.file);
            let r = s.compile().unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(
                r.reference.id, s.id,
                "{}: [rubric] id is the file name",
                s.file
            );
        }
    }

    #[test]
    fn choose_takes_a_path_then_an_id_else_lists_the_ids() {
        let default = choose(None).expect("default");
        assert_eq!(default.rubric.reference.id, DEFAULT_ID);
        assert!(default.describe().contains("mặc định"));
        let by_id = choose(Some(Path::new("dai-hoi-xiv"))).expect("by id");
        assert_eq!(by_id.rubric.reference.id, "dai-hoi-xiv");
        assert!(by_id.describe().contains("có sẵn"));
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("rubrics/nq04-tw4-xii.toml");
        let by_path = choose(Some(&path)).expect("by path");
        assert_eq!(by_path.origin, Origin::File(path.clone()));
        assert!(by_path.describe().contains("nq04-tw4-xii.toml"));
        let e = choose(Some(Path::new("dai-hoi-xv"))).expect_err("unknown id");
        assert!(
            e.message
                .contains("dai-hoi-xiii, dai-hoi-xiv, nq04-tw4-xii"),
            "{e}"
        );
    }

    #[test]
    fn the_template_holds_no_shipped_resolution_s_names_or_markers() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("rubrics/template.toml");
        let template = CompiledRubric::from_file(&path).unwrap_or_else(|e| panic!("{e}"));
        let t = &template.spec;
        let keys = |p: &String| {
            crate::text::phrase_keys(p)
                .into_iter()
                .map(|(k, _)| k)
                .collect::<Vec<_>>()
        };
        let phrases: Vec<Vec<String>> = t
            .themes
            .iter()
            .flat_map(|x| x.terms.iter().chain(&x.aliases))
            .chain(&t.off_topic.other_resolutions)
            .chain(&t.off_topic.own_subjects)
            .chain(&t.off_topic.other_subjects)
            .map(keys)
            .collect();
        for shipped in SHIPPED {
            let r = shipped.compile().unwrap_or_else(|e| panic!("{e}"));
            let ot = &r.spec.off_topic;
            let names = ot.own_subjects.iter().chain(
                ot.documents
                    .iter()
                    .flat_map(|d| d.subjects.iter().chain(&d.markers)),
            );
            for name in names {
                assert!(
                    !phrases.contains(&keys(name)),
                    "the template uses \"{name}\", a name or marker of a real document ({})",
                    shipped.id
                );
            }
        }
    }

    #[test]
    fn sample_is_spread_and_bounded() {
        let items: Vec<usize> = (0..100).collect();
        let picked: Vec<usize> = sample(&items, 4).copied().collect();
        assert_eq!(picked, vec![0, 25, 50, 75]);
        assert_eq!(sample(&items[..3], 10).count(), 3);
    }

    #[test]
    fn an_on_topic_batch_gets_no_suggestion_without_rereading() {
        let mut tally = TopicTally::new();
        let grader = crate::Grader::with_default_rubric().expect("default");
        for (path, text) in crate::test_fixtures::dev_essays() {
            tally.observe(&grader.grade_text(&path.display().to_string(), &text));
        }
        assert!(tally.graded > 0);
        assert!(tally.suggest(grader.rubric()).is_none());
    }
}
