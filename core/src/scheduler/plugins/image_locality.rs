//! ImageLocality (Score): favours nodes that already have the pod's images, each image's size
//! scaled by the fraction of nodes that have it (image_locality.go: between 23 MB and 1000 MB
//! per container).

use super::helper::MAX_NODE_SCORE;
use crate::scheduler::types::{NodeInfo, PodInfo};
use std::collections::HashMap;

pub const NAME: &str = "ImageLocality";
const MB: i64 = 1024 * 1024;
const MIN_THRESHOLD: i64 = 23 * MB;
const MAX_CONTAINER_THRESHOLD: i64 = 1000 * MB;

pub fn score(pod: &PodInfo, n: &NodeInfo, spread: &HashMap<String, usize>, total_nodes: usize) -> i64 {
    let mut sum: i64 = 0;
    for img in &pod.images {
        if let Some(size) = n.node.image_size(img) {
            let have = spread.get(img).copied().unwrap_or(0) as f64;
            sum += (size as f64 * (have / total_nodes.max(1) as f64)) as i64;
        }
    }
    let max = MAX_CONTAINER_THRESHOLD * pod.images.len().max(1) as i64;
    let clamped = sum.clamp(MIN_THRESHOLD, max);
    MAX_NODE_SCORE * (clamped - MIN_THRESHOLD) / (max - MIN_THRESHOLD)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::types::NodeSpec;
    use serde_json::json;
    use std::sync::Arc;

    // After image_locality_test.go: a 250 MB image present on 1 of 1 nodes scores
    // 100 * (250 - 23) / (1000 - 23) = 23; on 1 of 2 nodes it counts half: 125 MB → 10;
    // a small image scores 0.
    #[test]
    fn thresholds() {
        let pod = PodInfo::from_json(&json!({"spec": {"containers": [{"image": "gcr.io/250:latest"}]}}));
        let n = |size: i64| NodeInfo::new(Arc::new(NodeSpec::from_json(&json!({"metadata": {"name": "n"}, "status": {"images": [{"names": ["gcr.io/250:latest"], "sizeBytes": size}]}}))));
        let spread: HashMap<String, usize> = [("gcr.io/250:latest".to_string(), 1)].into_iter().collect();
        assert_eq!(score(&pod, &n(250 * MB), &spread, 1), 23);
        assert_eq!(score(&pod, &n(250 * MB), &spread, 2), 10);
        assert_eq!(score(&pod, &n(10 * MB), &spread, 1), 0);
    }
}
