//! Grade a folder on two threads and stream JSON Lines to standard output, in input order.
//!
//! Run: `cargo run --release --example batch_jsonl -- tests/fixtures/dev`

use std::io::Write;
use std::path::PathBuf;

use thuhoach::report::{Format, RowWriter};
use thuhoach::Grader;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let folder: PathBuf = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("corpus/demo"));
    let grader = Grader::with_default_rubric()?;
    let files = thuhoach::collect_inputs(&[folder])?;
    let stdout = std::io::stdout();
    let mut writer = RowWriter::new(Format::Jsonl, stdout.lock(), grader.rubric())?;
    let mut result = Ok(());
    grader.grade_files(&files, 2, |row| {
        if result.is_ok() {
            result = writer.write(&row);
        }
    })?;
    result?;
    writer.finish()?.flush()?;
    Ok(())
}
