//! A decision rule chosen for macro-F1. Input: a classifier's class scores for rows it
//! was not trained on (out-of-fold scores) and their true classes. Output: a
//! [`Decision`], one offset per class added to the scores before the highest is taken.
//!
//! Why: users who code events count the rare classes (accusations, denials) as much as
//! the common one, and score systems by macro-F1. Balanced class weights move the
//! decision towards the rare classes, but by a rule of thumb (inverse frequency), not by
//! what the data says; the offsets that maximise macro-F1 on out-of-fold scores finish
//! the job. They change labels only: probabilities stay calibrated
//! ([`crate::calibration`]).
//!
//! How: coordinate ascent, each step exact. With the other offsets fixed, row `i`
//! goes to class `c` exactly when `d_c` exceeds `t_i = max_{j != c}(s_ij + d_j) - s_ic`,
//! so sorting the rows by `t_i` and moving them to `c` one threshold at a time gives
//! macro-F1 at every distinct `d_c`, in `O(n log n)`. The offset taken is the middle of
//! the best interval (the nearest to the current offset on ties), which keeps it away
//! from the edge where one row flips.

use serde::{Deserialize, Serialize};

/// Rounds over the classes at most; the fits seen settle in 2 to 4.
const MAX_ROUNDS: usize = 20;
/// Rows with weight above 0 a fit needs: on fewer, macro-F1 moves by whole rows and the
/// offsets fit noise.
pub const MIN_ROWS: usize = 50;

/// Offsets added to a classifier's scores before the label is taken, with what the fit
/// measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// Added to each class's raw score, in label order; the first is 0.
    pub offsets: Vec<f32>,
    /// Folds of the cross-validation whose out-of-fold scores it was chosen on.
    pub folds: usize,
    /// Rows those scores came from.
    pub rows: usize,
    /// Weighted macro-F1 of those rows with the highest score as the label.
    pub macro_f1_before: f64,
    /// The same with the offsets: at least `macro_f1_before`, as no offsets is where the
    /// search starts.
    pub macro_f1_after: f64,
}

impl Decision {
    /// Chooses offsets that maximise the weighted macro-F1 of `scores` (row-major, `k`
    /// per row) of rows whose true classes are `classes`, each row counting `weights[i]`
    /// (rows past the end of `weights` count 1; rows of weight 0 do not count).
    ///
    /// # Errors
    /// Why there is no decision rule: `k` below 2, a class index of `k` or more, scores
    /// that are not finite or not `k` per row, or fewer than [`MIN_ROWS`] rows of
    /// weight above 0.
    pub fn fit(
        scores: &[f32],
        classes: &[usize],
        weights: &[f64],
        k: usize,
        folds: usize,
    ) -> std::result::Result<Decision, String> {
        let rows = Rows::new(scores, classes, weights, k)?;
        let mut offsets = vec![0f64; k];
        let before = rows.macro_f1(&offsets);
        let mut best = before;
        for _ in 0..MAX_ROUNDS {
            let start = best;
            for class in 1..k {
                let (value, f1) = rows.best_offset(&offsets, class);
                if f1 > best + 1e-12 {
                    if let Some(slot) = offsets.get_mut(class) {
                        *slot = value;
                    }
                    best = f1;
                }
            }
            if best <= start + 1e-12 {
                break;
            }
        }
        Ok(Decision {
            offsets: offsets.iter().map(|&d| d as f32).collect(),
            folds,
            rows: rows.n,
            macro_f1_before: before,
            macro_f1_after: best,
        })
    }

    /// The class one row's scores decide: the highest score plus offset, the first on
    /// ties.
    pub fn decide(&self, scores: &[f32]) -> usize {
        let offset = |c: usize| self.offsets.get(c).copied().unwrap_or(0.0);
        crate::train::argmax(scores.iter().enumerate().map(|(c, &s)| f64::from(s + offset(c))))
    }

    /// Why this rule cannot be used with a classifier of `n_classes` classes, if it
    /// cannot (a hand-edited or damaged model file).
    pub fn problem(&self, n_classes: usize) -> Option<String> {
        if self.offsets.len() != n_classes {
            return Some(format!(
                "decision has {} for {n_classes} classes",
                crate::error::counted(self.offsets.len(), "offset")
            ));
        }
        if self.offsets.iter().any(|d| !d.is_finite()) {
            return Some("decision offsets must be finite numbers".into());
        }
        None
    }
}

/// The rows a fit counts: scores, classes and weights of rows of weight above 0.
struct Rows {
    scores: Vec<f64>,
    classes: Vec<usize>,
    weights: Vec<f64>,
    k: usize,
    n: usize,
    /// Weight of each class's true rows.
    truth: Vec<f64>,
}

/// Weighted counts of one decision over the rows: true positives and predictions per
/// class, from which macro-F1 follows.
struct Counts<'a> {
    hits: Vec<f64>,
    predicted: Vec<f64>,
    truth: &'a [f64],
}

impl Counts<'_> {
    /// Moves one row of class `truth` and weight `w` from prediction `from` to `to`.
    fn shift(&mut self, truth: usize, w: f64, from: usize, to: usize) {
        for (class, sign) in [(from, -1.0), (to, 1.0)] {
            if let Some(p) = self.predicted.get_mut(class) {
                *p += sign * w;
            }
            if class == truth {
                if let Some(h) = self.hits.get_mut(class) {
                    *h += sign * w;
                }
            }
        }
    }

    /// Mean over classes of `2 hits / (truth + predicted)`; 0 for a class with neither.
    fn macro_f1(&self) -> f64 {
        let sum: f64 = self
            .hits
            .iter()
            .zip(&self.predicted)
            .zip(self.truth)
            .map(|((&h, &p), &t)| if t + p > 0.0 { 2.0 * h / (t + p) } else { 0.0 })
            .sum();
        sum / self.truth.len().max(1) as f64
    }
}

impl Rows {
    fn new(scores: &[f32], classes: &[usize], weights: &[f64], k: usize) -> std::result::Result<Rows, String> {
        if k < 2 {
            return Err(format!("{k} classes (a decision needs 2 or more)"));
        }
        // Checked: `k` near usize::MAX overflowed the product, and without rows it passed
        // and `truth` below panicked with "capacity overflow".
        if classes.len().checked_mul(k) != Some(scores.len()) {
            return Err(format!("{} scores for {} rows of {k} classes", scores.len(), classes.len()));
        }
        if classes.is_empty() {
            return Err(format!("0 rows to fit on, fewer than {MIN_ROWS}"));
        }
        if scores.iter().any(|s| !s.is_finite()) {
            return Err("the out-of-fold scores are not all finite".into());
        }
        if let Some(&c) = classes.iter().find(|&&c| c >= k) {
            return Err(format!("class {c} of {k}"));
        }
        let mut rows =
            Rows { scores: Vec::new(), classes: Vec::new(), weights: Vec::new(), k, n: 0, truth: vec![0.0; k] };
        for (i, (row, &class)) in scores.chunks(k).zip(classes).enumerate() {
            let w = weights.get(i).copied().unwrap_or(1.0);
            if w > 0.0 && w.is_finite() {
                rows.scores.extend(row.iter().map(|&s| f64::from(s)));
                rows.classes.push(class);
                rows.weights.push(w);
                if let Some(t) = rows.truth.get_mut(class) {
                    *t += w;
                }
            }
        }
        rows.n = rows.classes.len();
        if rows.n < MIN_ROWS {
            return Err(format!("{} rows to fit on, fewer than {MIN_ROWS}", rows.n));
        }
        Ok(rows)
    }

    fn row(&self, i: usize) -> &[f64] {
        self.scores.get(i * self.k..(i + 1) * self.k).unwrap_or(&[])
    }

    /// Row `i`'s true class and weight.
    fn truth(&self, i: usize) -> (usize, f64) {
        (self.classes.get(i).copied().unwrap_or(0), self.weights.get(i).copied().unwrap_or(0.0))
    }

    /// The class row `i` goes to under `offsets`, leaving out `skip` (`k` for none),
    /// with its offset score.
    fn best_other(&self, i: usize, offsets: &[f64], skip: usize) -> (usize, f64) {
        let mut best = (skip, f64::NEG_INFINITY);
        for (c, (&s, &d)) in self.row(i).iter().zip(offsets).enumerate() {
            if c != skip && s + d > best.1 {
                best = (c, s + d);
            }
        }
        best
    }

    fn macro_f1(&self, offsets: &[f64]) -> f64 {
        let mut counts = Counts { hits: vec![0.0; self.k], predicted: vec![0.0; self.k], truth: &self.truth };
        for i in 0..self.n {
            let (to, _) = self.best_other(i, offsets, self.k);
            let (truth, w) = self.truth(i);
            counts.shift(truth, w, self.k, to);
        }
        counts.macro_f1()
    }

    /// The offset of `class` (others fixed) with the highest macro-F1, and that
    /// macro-F1: the exact line search of the module docs.
    fn best_offset(&self, offsets: &[f64], class: usize) -> (f64, f64) {
        let current = offsets.get(class).copied().unwrap_or(0.0);
        let mut counts = Counts { hits: vec![0.0; self.k], predicted: vec![0.0; self.k], truth: &self.truth };
        // Each row's threshold, and where it goes while `class` is below it.
        let mut thresholds: Vec<(f64, usize, usize)> = (0..self.n)
            .map(|i| {
                let (other, value) = self.best_other(i, offsets, class);
                let own = self.row(i).get(class).copied().unwrap_or(0.0);
                let (truth, w) = self.truth(i);
                counts.shift(truth, w, self.k, other);
                (value - own, other, i)
            })
            .collect();
        thresholds.sort_by(|a, b| a.0.total_cmp(&b.0));
        // Below every threshold no row goes to `class`.
        let lowest = thresholds.first().map_or(0.0, |t| t.0);
        let mut best = (lowest - 1.0, counts.macro_f1());
        let consider = |value: f64, f1: f64, best: &mut (f64, f64)| {
            let closer = (value - current).abs() < (best.0 - current).abs();
            if f1 > best.1 + 1e-12 || (f1 > best.1 - 1e-12 && closer) {
                *best = (value, f1);
            }
        };
        let mut at = 0;
        while let Some(&(t, _, _)) = thresholds.get(at) {
            // Every row with this threshold moves to `class` together.
            while let Some(&(_, other, i)) = thresholds.get(at).filter(|r| r.0 == t) {
                let (truth, w) = self.truth(i);
                counts.shift(truth, w, other, class);
                at += 1;
            }
            let value = thresholds.get(at).map_or(t + 1.0, |next| (t + next.0) / 2.0);
            consider(value, counts.macro_f1(), &mut best);
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows of two classes whose scores favour class 0: `n0` rows of class 0 at score
    /// difference (class 1 minus class 0) `-2`, and `n1` rows of class 1 spread from
    /// `-1.5` to `-0.5` (all below 0, so the plain argmax calls every row class 0).
    fn skewed(n0: usize, n1: usize) -> (Vec<f32>, Vec<usize>) {
        let mut scores: Vec<f32> = [0.0, -2.0].repeat(n0);
        let mut classes = vec![0; n0];
        for i in 0..n1 {
            scores.extend([0.0, -1.5 + i as f32 / n1 as f32]);
            classes.push(1);
        }
        (scores, classes)
    }

    #[test]
    fn an_offset_recovers_a_class_the_scores_never_pick() {
        let (scores, classes) = skewed(60, 20);
        let decision = Decision::fit(&scores, &classes, &[], 2, 5).unwrap();
        // Before: class 1 never predicted; F1 of class 0 = 2*60/(60+80) = 0.857, class 1 0:
        // macro 0.4286. Any offset between 1.5 and 2 separates the classes perfectly.
        assert!((decision.macro_f1_before - 60.0 / 140.0).abs() < 1e-9, "{}", decision.macro_f1_before);
        assert!((decision.macro_f1_after - 1.0).abs() < 1e-9, "{}", decision.macro_f1_after);
        let d = decision.offsets[1];
        assert!(d > 1.5 && d < 2.0, "offset {d}");
        // It is the middle of the gap between the highest class-0 threshold (2) and the
        // lowest class-1 threshold (1.5).
        assert!((d - 1.75).abs() < 1e-6, "offset {d}");
        assert_eq!(decision.decide(&[0.0, -1.0]), 1);
        assert_eq!(decision.decide(&[0.0, -2.0]), 0);
    }

    #[test]
    fn separable_scores_keep_no_offsets() {
        // Class 1 already wins exactly its own rows: any offset that keeps it so is as
        // good, and the one nearest the current offset (0) is kept.
        let mut scores = Vec::new();
        let mut classes = Vec::new();
        for i in 0..60 {
            let class = i % 2;
            scores.extend(if class == 0 { [1.0, -1.0] } else { [-1.0, 1.0] });
            classes.push(class);
        }
        let decision = Decision::fit(&scores, &classes, &[], 2, 5).unwrap();
        assert_eq!(decision.macro_f1_before, 1.0);
        assert_eq!(decision.macro_f1_after, 1.0);
        assert_eq!(decision.offsets, vec![0.0, 0.0]);
    }

    #[test]
    fn weights_count_and_zero_weights_do_not() {
        let (scores, classes) = skewed(60, 20);
        // Rows of weight 0 are left out: with every class-1 row weightless there are only
        // class-0 rows, predicted right with no offset.
        let weights: Vec<f64> = classes.iter().map(|&c| if c == 1 { 0.0 } else { 1.0 }).collect();
        let decision = Decision::fit(&scores, &classes, &weights, 2, 5).unwrap();
        assert_eq!(decision.rows, 60);
        assert!(decision.offsets[1] < 1.5, "no class-1 row to win: {:?}", decision.offsets);
    }

    #[test]
    fn too_few_rows_or_bad_scores_are_refused() {
        let (scores, classes) = skewed(10, 5);
        assert!(Decision::fit(&scores, &classes, &[], 2, 5).unwrap_err().contains("fewer than 50"));
        let (mut scores, classes) = skewed(60, 20);
        scores[3] = f32::NAN;
        assert!(Decision::fit(&scores, &classes, &[], 2, 5).unwrap_err().contains("not all finite"));
        assert!(Decision::fit(&[0.0; 3], &[0], &[], 2, 5).unwrap_err().contains("3 scores for 1 rows"));
    }

    #[test]
    fn three_classes_reach_the_best_macro_f1_of_a_grid() {
        // A deterministic scramble of scores with class-dependent shifts; the ascent must
        // do at least as well as the best point of a fine grid over both offsets.
        let k = 3;
        let mut scores = Vec::new();
        let mut classes = Vec::new();
        let mut state = 12345u64;
        let mut next = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((state >> 33) as f32 / (1u64 << 31) as f32) - 0.5
        };
        for i in 0..300 {
            let class = if i % 10 < 7 {
                0
            } else if i % 10 < 9 {
                1
            } else {
                2
            };
            let row: Vec<f32> = (0..k).map(|c| next() * 2.0 + if c == class { 0.6 } else { 0.0 }).collect();
            // Class 0 gets a head start, as a frequent class does.
            scores.extend(row.iter().enumerate().map(|(c, &s)| if c == 0 { s + 0.5 } else { s }));
            classes.push(class);
        }
        let decision = Decision::fit(&scores, &classes, &[], k, 5).unwrap();
        let rows = Rows::new(&scores, &classes, &[], k).unwrap();
        let mut grid_best = 0.0f64;
        for a in -40..=40 {
            for b in -40..=40 {
                grid_best = grid_best.max(rows.macro_f1(&[0.0, a as f64 * 0.05, b as f64 * 0.05]));
            }
        }
        let offsets: Vec<f64> = decision.offsets.iter().map(|&d| f64::from(d)).collect();
        // What the fit reports is what its offsets give.
        assert!((rows.macro_f1(&offsets) - decision.macro_f1_after).abs() < 1e-6);
        assert!(decision.macro_f1_after > decision.macro_f1_before);
        assert!(decision.macro_f1_after >= grid_best - 0.005, "{} vs grid {grid_best}", decision.macro_f1_after);
    }
}
