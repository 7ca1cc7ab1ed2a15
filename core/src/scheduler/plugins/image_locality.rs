//! ImageLocality: favours nodes that already have the pod's images, scaled by how widely the
//! image is spread across nodes (image_locality.go: 23 MB to 1000 MB per container).

use crate::scheduler::framework::MAX_NODE_SCORE;
use serde_json::Value;
use std::collections::BTreeMap;

pub const NAME: &str = "ImageLocality";
const MB: i64 = 1024 * 1024;
const MIN_THRESHOLD: i64 = 23 * MB;
const MAX_CONTAINER_THRESHOLD: i64 = 1000 * MB;

/// Normalized image names on a node with their sizes (`nginx` → `docker.io/library/nginx:latest`).
pub fn node_images(node: &Value) -> BTreeMap<String, i64> {
    let mut out = BTreeMap::new();
    for img in node.pointer("/status/images").and_then(Value::as_array).into_iter().flatten() {
        let size = img.get("sizeBytes").and_then(Value::as_i64).unwrap_or(0);
        for n in img.get("names").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
            out.insert(normalized(n), size);
        }
    }
    out
}

fn normalized(image: &str) -> String {
    let (repo, tag) = crate::kubelet::images::normalize(image);
    format!("{}:{}", repo, tag)
}

/// `spread`: for each image, on how many of `total_nodes` it is present.
pub fn score(pod: &Value, images: &BTreeMap<String, i64>, spread: &BTreeMap<String, usize>, total_nodes: usize) -> i64 {
    let containers: Vec<&Value> = pod.pointer("/spec/containers").and_then(Value::as_array).into_iter().flatten().collect();
    let mut sum: i64 = 0;
    for c in &containers {
        let img = normalized(c.get("image").and_then(Value::as_str).unwrap_or(""));
        if let Some(size) = images.get(&img) {
            let n = spread.get(&img).copied().unwrap_or(0) as f64;
            sum += (*size as f64 * (n / total_nodes.max(1) as f64)) as i64;
        }
    }
    let max = MAX_CONTAINER_THRESHOLD * containers.len().max(1) as i64;
    let clamped = sum.clamp(MIN_THRESHOLD, max);
    MAX_NODE_SCORE * (clamped - MIN_THRESHOLD) / (max - MIN_THRESHOLD)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // After image_locality_test.go: a 250 MB image present on 1 of 1 nodes scores
    // 100 * (250 - 23) / (1000 - 23) = 23; a small image scores 0.
    #[test]
    fn thresholds() {
        let pod = json!({"spec": {"containers": [{"image": "gcr.io/250:latest"}]}});
        let mut images = BTreeMap::new();
        images.insert("gcr.io/250:latest".to_string(), 250 * MB);
        let mut spread = BTreeMap::new();
        spread.insert("gcr.io/250:latest".to_string(), 1);
        assert_eq!(score(&pod, &images, &spread, 1), 23);
        images.insert("gcr.io/250:latest".to_string(), 10 * MB);
        assert_eq!(score(&pod, &images, &spread, 1), 0);
    }
}
