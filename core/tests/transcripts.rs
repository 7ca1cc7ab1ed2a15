//! Console transcripts: tests/transcripts/*.txt hold console input and the exact output a
//! learner should see, each file naming the upstream behaviour it reproduces.
//!
//! The format is kubesim::console::transcript's. `TRANSCRIPT=NAME` runs only the files whose
//! path contains NAME.

use kubesim::console::transcript;
use std::path::PathBuf;

#[test]
fn transcripts() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/transcripts");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).expect("tests/transcripts exists").filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "txt")).collect();
    files.sort();
    assert!(!files.is_empty());
    let mut all = String::new();
    let only = std::env::var("TRANSCRIPT").ok();
    for f in &files {
        if only.as_deref().is_some_and(|o| !f.to_string_lossy().contains(o)) {
            continue;
        }
        let text = std::fs::read_to_string(f).expect("a transcript is readable");
        if let Err(e) = transcript::check(&f.display().to_string(), &text) {
            all.push_str(&e);
        }
    }
    assert!(all.is_empty(), "\n{}", all);
}
