//! What the plugins share (upstream framework.MaxNodeScore and plugins/helper's
//! DefaultNormalizeScore): below the framework that runs them.

/// framework.MaxNodeScore
pub const MAX_NODE_SCORE: i64 = 100;

/// framework's DefaultNormalizeScore: scale to 0..100 by the maximum, optionally reversed.
pub fn default_normalize(scores: &mut [i64], reverse: bool) {
    let max = scores.iter().copied().max().unwrap_or(0);
    for s in scores.iter_mut() {
        if max == 0 {
            if reverse {
                *s = MAX_NODE_SCORE;
            }
            continue;
        }
        let mut v = MAX_NODE_SCORE * *s / max;
        if reverse {
            v = MAX_NODE_SCORE - v;
        }
        *s = v;
    }
}
