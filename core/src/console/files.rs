//! The learner's workstation: a small in-memory file system for `cat > pod.yaml <<EOF`,
//! `kubectl … > pod.yaml` and `kubectl apply -f pod.yaml`. The native binary also reads real
//! files that are not in it.

use std::collections::BTreeMap;

/// Files larger than this are refused (as the apiserver refuses large requests).
pub const MAX_FILE_BYTES: usize = 3 * 1024 * 1024;
pub const MAX_FILES: usize = 1_000;

#[derive(Clone, Debug, Default)]
pub struct Files {
    files: BTreeMap<String, String>,
    /// read real files from disk when not found here (the native binary)
    pub host_fallback: bool,
}

fn normalize(path: &str) -> String {
    let p = path.strip_prefix("./").unwrap_or(path);
    let p = p.strip_prefix("~/").unwrap_or(p);
    p.strip_prefix("/root/").unwrap_or(p).to_string()
}

impl Files {
    pub fn read(&self, path: &str) -> Result<String, String> {
        if let Some(s) = self.files.get(&normalize(path)) {
            return Ok(s.clone());
        }
        if self.host_fallback {
            if let Ok(meta) = std::fs::metadata(path) {
                if meta.len() as usize > MAX_FILE_BYTES {
                    return Err(format!("{}: file is larger than {} bytes", path, MAX_FILE_BYTES));
                }
                if let Ok(s) = std::fs::read_to_string(path) {
                    return Ok(s);
                }
            }
        }
        Err(format!("{}: No such file or directory", path))
    }

    pub fn exists(&self, path: &str) -> bool {
        self.read(path).is_ok()
    }

    pub fn write(&mut self, path: &str, content: &str, append: bool) -> Result<(), String> {
        let key = normalize(path);
        if key.is_empty() || key.ends_with('/') {
            return Err(format!("{}: Is a directory", path));
        }
        let existing = if append { self.files.get(&key).cloned().unwrap_or_default() } else { String::new() };
        if existing.len() + content.len() > MAX_FILE_BYTES {
            return Err(format!("{}: File too large", path));
        }
        if !self.files.contains_key(&key) && self.files.len() >= MAX_FILES {
            return Err(format!("{}: No space left on device", path));
        }
        self.files.insert(key, existing + content);
        Ok(())
    }

    pub fn remove(&mut self, path: &str) -> bool {
        self.files.remove(&normalize(path)).is_some()
    }

    pub fn names(&self) -> Vec<String> {
        self.files.keys().cloned().collect()
    }
}
