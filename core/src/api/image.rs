//! Image references (github.com/distribution/reference, as containerd and the scheduler's
//! ImageLocality normalize them): the repository and tag a reference names, and its fully
//! qualified form.

/// Splits `docker.io/library/nginx:1.27@sha…` into the catalogue repository and tag.
pub fn normalize(image: &str) -> (String, String) {
    let without_digest = image.split('@').next().unwrap_or(image);
    let (repo, tag) = match without_digest.rsplit_once(':') {
        Some((r, t)) if !t.contains('/') => (r, t),
        _ => (without_digest, "latest"),
    };
    let repo = repo.strip_prefix("docker.io/").unwrap_or(repo);
    let repo = repo.strip_prefix("library/").unwrap_or(repo);
    (repo.to_string(), tag.to_string())
}

/// The image's fully qualified reference, as containerd reports it (docker/reference): a first
/// path component with a `.` or `:` is a registry; otherwise Docker Hub, `library/` for
/// official images.
pub fn full_name(image: &str) -> String {
    let (repo, tag) = normalize(image);
    let registry = repo.split_once('/').is_some_and(|(h, _)| h.contains('.') || h.contains(':'));
    if registry {
        format!("{}:{}", repo, tag)
    } else if repo.contains('/') {
        format!("docker.io/{}:{}", repo, tag)
    } else {
        format!("docker.io/library/{}:{}", repo, tag)
    }
}
