//! Measuring a classifier. Input: true and predicted class indices. Output: a
//! [`ConfusionMatrix`] with accuracy, per-class precision / recall / F1 and macro-F1;
//! and seeded, stratified k-fold splits for cross-validation.
//!
//! A per-class figure whose denominator is 0 (the precision of a class never predicted,
//! the recall of a class with no row) is undefined, `None`, never 0: scikit-learn's
//! `zero_division=np.nan`, where its default prints 0 with a warning. F1 follows
//! scikit-learn's 2 TP / (2 TP + FP + FN), so it is 0, not undefined, when only one of
//! precision and recall is, and undefined only for a class neither in the data nor
//! predicted; macro-F1 leaves such classes out, as scikit-learn's macro average over the
//! labels of the data and the predictions does.

use ndarray::Array2;
use serde::Serialize;

use crate::error::{Error, Result};

/// Counts of (true class, predicted class) pairs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfusionMatrix {
    /// Class names, in index order.
    pub labels: Vec<String>,
    /// `counts[true][predicted]`.
    pub counts: Vec<Vec<usize>>,
}

/// Precision, recall, F1 and support of one class; `None` for a figure of 0/0.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassMetrics {
    /// The class.
    pub label: String,
    /// Of rows predicted this class, the share that are (`None` when none is predicted so).
    pub precision: Option<f64>,
    /// Of rows of this class, the share predicted so (`None` when there is none).
    pub recall: Option<f64>,
    /// Harmonic mean of precision and recall; 0 when both are 0 or one is undefined (then
    /// there is no true positive and 2 TP / (2 TP + FP + FN) is 0); `None` when both are
    /// undefined: a class neither in the data nor predicted.
    pub f1: Option<f64>,
    /// Rows of this class.
    pub support: usize,
}

impl ConfusionMatrix {
    /// Tallies pairs of (true, predicted) class indices, as far as the shorter slice goes;
    /// an index that is no label's is not counted. For indices from elsewhere,
    /// [`ConfusionMatrix::try_new`] refuses both.
    pub fn new(labels: Vec<String>, truth: &[usize], predicted: &[usize]) -> ConfusionMatrix {
        let k = labels.len();
        let mut counts = vec![vec![0usize; k]; k];
        for (&t, &p) in truth.iter().zip(predicted) {
            if let Some(cell) = counts.get_mut(t).and_then(|row| row.get_mut(p)) {
                *cell += 1;
            }
        }
        ConfusionMatrix { labels, counts }
    }

    /// [`ConfusionMatrix::new`] for indices it cannot vouch for.
    ///
    /// # Errors
    /// [`Error::InvalidParams`] when `truth` and `predicted` differ in length, or an
    /// index is not below the number of labels.
    pub fn try_new(labels: Vec<String>, truth: &[usize], predicted: &[usize]) -> Result<ConfusionMatrix> {
        let bad = |reason: String| Error::InvalidParams { name: "classes".into(), reason };
        if truth.len() != predicted.len() {
            return Err(bad(format!("{} true classes but {} predicted", truth.len(), predicted.len())));
        }
        let k = labels.len();
        let outside = |(side, classes): (&'static str, &[usize])| {
            classes.iter().position(|&c| c >= k).map(|row| (side, row, classes.get(row).copied().unwrap_or(0)))
        };
        if let Some((side, row, class)) = [("true", truth), ("predicted", predicted)].into_iter().find_map(outside) {
            let labels = crate::error::counted(k, "label");
            return Err(bad(format!("the {side} class of row {row} is {class}, not the index of one of the {labels}")));
        }
        Ok(ConfusionMatrix::new(labels, truth, predicted))
    }

    /// Adds another matrix over the same labels (pooling folds).
    ///
    /// # Errors
    /// [`Error::InvalidParams`] when `other`'s labels differ from these (in name or
    /// order): its counts were added by position, a class to another of the same index.
    pub fn add(&mut self, other: &ConfusionMatrix) -> Result<()> {
        if other.labels != self.labels {
            let list = |labels: &[String]| labels.iter().map(|l| format!("'{l}'")).collect::<Vec<_>>().join(", ");
            return Err(Error::InvalidParams {
                name: "confusion matrix".into(),
                reason: format!(
                    "its labels {} are not these, {} (add matrices over the same labels, in the same order)",
                    list(&other.labels),
                    list(&self.labels)
                ),
            });
        }
        for (row, other_row) in self.counts.iter_mut().zip(&other.counts) {
            for (a, b) in row.iter_mut().zip(other_row) {
                *a += b;
            }
        }
        Ok(())
    }

    /// Total rows.
    pub fn total(&self) -> usize {
        self.counts.iter().flatten().sum()
    }

    /// Rows of true class `t` predicted as `p` (0 outside the matrix).
    fn count(&self, t: usize, p: usize) -> usize {
        self.counts.get(t).and_then(|row| row.get(p)).copied().unwrap_or(0)
    }

    /// Share of rows on the diagonal.
    pub fn accuracy(&self) -> f64 {
        let correct: usize = (0..self.labels.len()).map(|i| self.count(i, i)).sum();
        ratio(correct, self.total())
    }

    /// Per-class metrics, in label order.
    pub fn per_class(&self) -> Vec<ClassMetrics> {
        let k = self.labels.len();
        self.labels
            .iter()
            .enumerate()
            .map(|(c, label)| {
                let tp = self.count(c, c);
                let predicted: usize = (0..k).map(|t| self.count(t, c)).sum();
                let support = self.support(c);
                let precision = (predicted > 0).then(|| ratio(tp, predicted));
                let recall = (support > 0).then(|| ratio(tp, support));
                let f1 = match (precision, recall) {
                    (Some(p), Some(r)) if p + r > 0.0 => Some(2.0 * p * r / (p + r)),
                    (None, None) => None,
                    _ => Some(0.0),
                };
                ClassMetrics { label: label.clone(), precision, recall, f1, support }
            })
            .collect()
    }

    /// The commonest class (the first in label order among equals) and the accuracy of
    /// labelling every row with it: the figure a model's accuracy must beat to have learnt
    /// anything, 0.97 on data of 97 % one class. `None` for an empty matrix.
    pub fn majority(&self) -> Option<(&str, f64)> {
        let most = self.largest_support().filter(|&n| n > 0)?;
        let class = (0..self.labels.len()).find(|&c| self.support(c) == most)?;
        Some((self.labels.get(class)?.as_str(), ratio(most, self.total())))
    }

    /// Rows of true class `c`.
    fn support(&self, c: usize) -> usize {
        self.counts.get(c).map_or(0, |row| row.iter().sum())
    }

    /// The rows of the commonest class; `None` without labels.
    fn largest_support(&self) -> Option<usize> {
        (0..self.labels.len()).map(|c| self.support(c)).max()
    }

    /// The rarest class fewer than half of whose rows were given its label, while another
    /// class has more rows: a class the common ones outweigh, as a model trained without
    /// class weights on imbalanced data passes over it (120 positive rows among 4,000
    /// negative ones, and none labelled positive). `None` when every class holds its own.
    pub fn outweighed(&self) -> Option<Outweighed> {
        let most = self.largest_support().unwrap_or(0);
        (0..self.labels.len())
            .map(|c| (c, self.support(c)))
            .filter(|&(c, rows)| rows > 0 && rows < most && 2 * self.count(c, c) < rows)
            .min_by_key(|&(_, rows)| rows)
            .map(|(c, rows)| Outweighed {
                label: self.labels.get(c).cloned().unwrap_or_default(),
                hits: self.count(c, c),
                rows,
                of: self.total(),
            })
    }

    /// Unweighted mean of per-class F1 over the classes with support or predictions (those
    /// whose F1 is defined; scikit-learn's `f1_score(average="macro")` without `labels`);
    /// 0 for an empty matrix.
    pub fn macro_f1(&self) -> f64 {
        let present: Vec<f64> = self.per_class().into_iter().filter_map(|m| m.f1).collect();
        if present.is_empty() {
            return 0.0;
        }
        present.iter().sum::<f64>() / present.len() as f64
    }
}

/// A rare class the predictions pass over ([`ConfusionMatrix::outweighed`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Outweighed {
    /// The class.
    pub label: String,
    /// Its rows given its label.
    pub hits: usize,
    /// Its rows.
    pub rows: usize,
    /// All rows.
    pub of: usize,
}

impl Outweighed {
    /// "3 of the 120 rows of 'positive' (2.9% of all)".
    pub fn describe(&self, rows: &str) -> String {
        let share = 100.0 * self.rows as f64 / self.of.max(1) as f64;
        format!("{} of the {} {rows} of '{}' ({share:.1}% of all)", self.hits, self.rows, self.label)
    }
}

/// How well probabilities match what happened, for a model tested on labelled rows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProbabilityScores {
    /// Mean negative log probability of the true class (natural log; 0 is perfect,
    /// ln k is a uniform guess over k classes).
    pub log_loss: f64,
    /// Mean squared distance between the probabilities and the true class's one-hot
    /// vector, summed over classes (0 is perfect, at most 2).
    pub brier: f64,
    /// Expected calibration error: rows binned by their highest probability (ten bins
    /// of width 0.1), the row-weighted mean gap between a bin's mean highest
    /// probability and how often its most probable class was the true one. 0 when
    /// "70 % sure" is right 70 % of the time.
    pub ece: f64,
}

/// Bins of [`ProbabilityScores::ece`].
const CALIBRATION_BINS: usize = 10;

/// The [`ProbabilityScores`] of `probabilities` (one row per text, one column per
/// class) against the true classes; `None` without rows, when the rows and classes
/// differ in number or a class is no column's (the scores of a part would mislead), and
/// when a probability is NaN or outside 0 to 1 (scores of them would be numbers of nothing).
pub fn probability_scores(probabilities: &Array2<f64>, truth: &[usize]) -> Option<ProbabilityScores> {
    if probabilities.nrows() != truth.len() || truth.iter().any(|&y| y >= probabilities.ncols()) {
        return None;
    }
    // A NaN probability of the true class gave its row a log loss of 34.5 (the floor of 1e-15
    // taken by `max`, which passes over NaN) beside a Brier score of NaN.
    if probabilities.iter().any(|p| !(0.0..=1.0).contains(p)) {
        return None;
    }
    let (mut log_loss, mut brier, mut n) = (0.0, 0.0, 0usize);
    // Per bin: rows, summed highest probability, rows whose most probable class is true.
    let mut bins = [(0usize, 0.0f64, 0usize); CALIBRATION_BINS];
    for (p, &y) in probabilities.outer_iter().zip(truth) {
        n += 1;
        log_loss -= p.get(y).copied().unwrap_or(0.0).max(1e-15).ln();
        brier += p.iter().enumerate().map(|(c, &pc)| (pc - if c == y { 1.0 } else { 0.0 }).powi(2)).sum::<f64>();
        let top = crate::train::argmax(p.iter().copied());
        let confidence = p.get(top).copied().unwrap_or(0.0);
        let bin = ((confidence * CALIBRATION_BINS as f64) as usize).min(CALIBRATION_BINS - 1);
        if let Some((rows, sum, right)) = bins.get_mut(bin) {
            *rows += 1;
            *sum += confidence;
            *right += usize::from(top == y);
        }
    }
    if n == 0 {
        return None;
    }
    let gap: f64 = bins.iter().map(|&(_, sum, right)| (sum - right as f64).abs()).sum();
    let n = n as f64;
    Some(ProbabilityScores { log_loss: log_loss / n, brier: brier / n, ece: gap / n })
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Mean and (population) standard deviation.
pub fn mean_std(values: &[f64]) -> (f64, f64) {
    if values.is_empty() {
        return (0.0, 0.0);
    }
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / values.len() as f64;
    (mean, var.sqrt())
}

/// SplitMix64 (Steele et al. 2014): a tiny, stable generator, so the same seed gives
/// the same folds on every platform and every release of every dependency.
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Fisher-Yates shuffle.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next_u64() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

/// Checks a fold count against the number of units (`unit`: row or group) to deal.
fn check_folds(k: usize, n: usize, unit: &str) -> Result<()> {
    if k < 2 {
        return Err(Error::InvalidParams { name: "--folds".into(), reason: format!("{k} must be at least 2") });
    }
    if k > n {
        return Err(Error::InvalidParams {
            name: "--folds".into(),
            reason: format!("{k} folds but only {}", crate::error::counted(n, unit)),
        });
    }
    Ok(())
}

/// Assigns each row a fold in `0..k` so every fold holds each class in proportion:
/// rows of each class are shuffled with `seed`, then dealt round-robin, continuing
/// the deal across classes so fold sizes differ by at most one.
///
/// # Errors
/// [`Error::InvalidParams`] when `k < 2` or `k` exceeds the number of rows.
pub fn stratified_folds(classes: &[usize], k: usize, seed: u64) -> Result<Vec<usize>> {
    check_folds(k, classes.len(), "row")?;
    // The classes present, in increasing order: going through `0..=max` hung on a class
    // index of 10^12 and skipped every class when the largest was `usize::MAX` (max + 1
    // wrapped to 0), leaving all rows in fold 0. A class without rows draws nothing from
    // the generator, so skipping absent ones deals the same folds.
    let mut present = classes.to_vec();
    present.sort_unstable();
    present.dedup();
    let mut rng = SplitMix64::new(seed);
    let mut folds = vec![0usize; classes.len()];
    let mut next = 0usize;
    for c in present {
        let mut rows: Vec<usize> =
            classes.iter().enumerate().filter(|&(_, &class)| class == c).map(|(i, _)| i).collect();
        rng.shuffle(&mut rows);
        for r in rows {
            if let Some(fold) = folds.get_mut(r) {
                *fold = next % k;
            }
            next += 1;
        }
    }
    Ok(folds)
}

/// Assigns folds so that rows sharing a group (sentences of one article) always land
/// in the same fold: otherwise a test sentence's neighbours, with their names and topic,
/// sit in the training side and the estimate flatters the model. Groups are shuffled
/// with `seed`, then each goes, largest first, to the fold with fewest rows so far.
///
/// # Errors
/// [`Error::InvalidParams`] when `k < 2` or there are fewer groups than folds.
pub fn group_folds(groups: &[String], k: usize, seed: u64) -> Result<Vec<usize>> {
    let mut names: Vec<&str> = groups.iter().map(String::as_str).collect();
    names.sort_unstable();
    names.dedup();
    check_folds(k, names.len(), "group")?;
    let mut rng = SplitMix64::new(seed);
    rng.shuffle(&mut names);
    // Counted in one pass: counting each group by a scan of all rows took 12.5 s of a
    // 23 s `eval --folds 5 --group-column` on 66,836 rows of one group each (FNC-1 headlines).
    let mut sizes: std::collections::HashMap<&str, usize> = std::collections::HashMap::with_capacity(names.len());
    for g in groups {
        *sizes.entry(g.as_str()).or_insert(0) += 1;
    }
    let mut sized: Vec<(usize, &str)> = names.iter().map(|g| (sizes.get(g).copied().unwrap_or(0), *g)).collect();
    // Stable sort keeps the shuffled order among groups of equal size.
    sized.sort_by_key(|g| std::cmp::Reverse(g.0));
    let mut fold_sizes = vec![0usize; k];
    let mut fold_of = std::collections::HashMap::new();
    for (n, g) in sized {
        // The emptiest fold, the first on ties (k >= 2, so there is one).
        let Some((fold, size)) = fold_sizes.iter_mut().enumerate().min_by_key(|(f, size)| (**size, *f)) else {
            continue;
        };
        *size += n;
        fold_of.insert(g, fold);
    }
    Ok(groups.iter().map(|g| fold_of.get(g.as_str()).copied().unwrap_or(0)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rarest_class_labelled_on_fewer_than_half_its_rows_is_outweighed() {
        let labels: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let matrix = |counts: Vec<Vec<usize>>| ConfusionMatrix { labels: labels.clone(), counts };
        // By hand: b has 3 of 10 rows right, c 1 of 5; both are under half, c is rarer.
        let outweighed = matrix(vec![vec![100, 0, 0], vec![7, 3, 0], vec![4, 0, 1]]).outweighed();
        assert_eq!(outweighed, Some(Outweighed { label: "c".into(), hits: 1, rows: 5, of: 115 }));
        assert_eq!(outweighed.unwrap().describe("rows"), "1 of the 5 rows of 'c' (4.3% of all)");
        // Half right is holding its own; so is a class no other outnumbers, however it fares.
        assert_eq!(matrix(vec![vec![100, 0, 0], vec![5, 5, 0], vec![2, 0, 3]]).outweighed(), None);
        assert_eq!(matrix(vec![vec![1, 9, 0], vec![0, 10, 0], vec![0, 0, 0]]).outweighed(), None);
    }

    #[test]
    fn a_confusion_matrix_of_indices_from_elsewhere_refuses_what_new_passes_over() {
        let labels = || vec!["a".to_string(), "b".to_string()];
        let message = |truth: &[usize], predicted: &[usize]| {
            ConfusionMatrix::try_new(labels(), truth, predicted).unwrap_err().to_string()
        };
        assert_eq!(message(&[0, 1, 1], &[0, 1]), "invalid classes: 3 true classes but 2 predicted");
        assert_eq!(
            message(&[0, 1], &[0, 2]),
            "invalid classes: the predicted class of row 1 is 2, not the index of one of the 2 labels"
        );
        assert_eq!(
            message(&[5, 1], &[0, 1]),
            "invalid classes: the true class of row 0 is 5, not the index of one of the 2 labels"
        );
        // Within bounds: the same matrix as new, worked by hand: (a,a) 1, (b,a) 1, (b,b) 1.
        let mut matrix = ConfusionMatrix::try_new(labels(), &[0, 1, 1], &[0, 0, 1]).unwrap();
        assert_eq!(matrix.counts, vec![vec![1, 0], vec![1, 1]]);
        // A matrix over other labels, or the same in another order, was added by position.
        let swapped = ConfusionMatrix::new(vec!["b".into(), "a".into()], &[0], &[0]);
        assert_eq!(
            matrix.add(&swapped).unwrap_err().to_string(),
            "invalid confusion matrix: its labels 'b', 'a' are not these, 'a', 'b' (add matrices over the same \
             labels, in the same order)"
        );
        assert_eq!(matrix.counts, vec![vec![1, 0], vec![1, 1]], "unchanged");
        matrix.add(&ConfusionMatrix::new(labels(), &[1], &[1])).unwrap();
        assert_eq!(matrix.counts, vec![vec![1, 0], vec![1, 2]]);
        // Probability scores of rows and classes that do not pair up are none, not a part's.
        let p = Array2::from_shape_vec((2, 2), vec![0.9, 0.1, 0.2, 0.8]).unwrap();
        assert!(probability_scores(&p, &[0]).is_none());
        assert!(probability_scores(&p, &[0, 2]).is_none());
        // Log loss by hand: -(ln 0.9 + ln 0.8) / 2.
        let scores = probability_scores(&p, &[0, 1]).unwrap();
        assert!((scores.log_loss - (-(0.9f64.ln() + 0.8f64.ln()) / 2.0)).abs() < 1e-12);
    }

    #[test]
    fn probability_scores_match_hand_computation() {
        // Three rows, two classes; truth 0, 1, 1.
        let rows = ndarray::array![[0.9, 0.1], [0.35, 0.65], [0.8, 0.2]];
        let s = probability_scores(&rows, &[0, 1, 1]).unwrap();
        // log loss: -(ln 0.9 + ln 0.65 + ln 0.2) / 3 = (0.10536 + 0.43078 + 1.60944) / 3
        assert!((s.log_loss - 0.715_193).abs() < 1e-5, "{s:?}");
        // Brier: (0.01 + 0.01) + (0.1225 + 0.1225) + (0.64 + 0.64) = 1.545, / 3
        assert!((s.brier - 0.515).abs() < 1e-12, "{s:?}");
        // ECE: bin 0.9 holds row 1 (0.9, right): gap 0.1; bin 0.6 holds row 2 (0.65,
        // right): 0.35; bin 0.8 holds row 3 (0.8, wrong): 0.8. (0.1 + 0.35 + 0.8) / 3.
        assert!((s.ece - 1.25 / 3.0).abs() < 1e-12, "{s:?}");
        let certain = ndarray::array![[1.0, 0.0], [0.0, 1.0]];
        assert_eq!(
            probability_scores(&certain, &[0, 1]).unwrap(),
            ProbabilityScores { log_loss: 0.0, brier: 0.0, ece: 0.0 }
        );
        assert!(probability_scores(&Array2::zeros((0, 2)), &[]).is_none());
    }

    #[test]
    fn probability_scores_are_none_for_values_that_are_no_probability() {
        // NaN (a model whose scores overflow), a negative value, one above 1.
        for bad in [f64::NAN, -0.5, 1.5, f64::INFINITY] {
            let rows = ndarray::array![[bad, 0.5], [0.5, 0.5]];
            assert_eq!(probability_scores(&rows, &[0, 1]), None, "{bad}");
        }
        assert!(probability_scores(&ndarray::array![[0.0, 1.0], [1.0, 0.0]], &[1, 0]).is_some());
    }

    #[test]
    fn metrics_match_hand_computation() {
        // truth a a a b b c ; predicted a a b b c c
        // a: tp 2, predicted 2, support 3 -> P 1, R 2/3, F1 0.8
        // b: tp 1, predicted 2, support 2 -> P .5, R .5, F1 .5
        // c: tp 1, predicted 2, support 1 -> P .5, R 1, F1 2/3
        let m =
            ConfusionMatrix::new(vec!["a".into(), "b".into(), "c".into()], &[0, 0, 0, 1, 1, 2], &[0, 0, 1, 1, 2, 2]);
        assert!((m.accuracy() - 4.0 / 6.0).abs() < 1e-12);
        let pc = m.per_class();
        assert!((pc[0].f1.unwrap() - 0.8).abs() < 1e-12);
        assert!((pc[1].f1.unwrap() - 0.5).abs() < 1e-12);
        assert!((pc[2].f1.unwrap() - 2.0 / 3.0).abs() < 1e-12);
        assert!((m.macro_f1() - (0.8 + 0.5 + 2.0 / 3.0) / 3.0).abs() < 1e-12);
    }

    #[test]
    fn a_figure_of_zero_over_zero_is_undefined_not_zero() {
        // truth a a b b e ; predicted a d a a d: b and e are never predicted, d is
        // predicted but not in the data, c is neither.
        // a: tp 1, predicted 3, support 2 -> P 1/3, R 1/2, F1 0.4
        // b: tp 0, predicted 0, support 2 -> P 0/0, R 0, F1 0 (2TP / (2TP + FP + FN) = 0/2)
        // c: nothing -> P, R and F1 0/0
        // d: tp 0, predicted 2, support 0 -> P 0, R 0/0, F1 0 (0/2)
        // e: tp 0, predicted 0, support 1 -> P 0/0, R 0, F1 0 (0/1)
        // macro-F1 over a, b, d, e (scikit-learn's labels of y_true and y_pred): 0.4 / 4.
        let labels = ["a", "b", "c", "d", "e"].map(String::from).to_vec();
        let m = ConfusionMatrix::new(labels, &[0, 0, 1, 1, 4], &[0, 3, 0, 0, 3]);
        let pc = m.per_class();
        assert!((pc[0].precision.unwrap() - 1.0 / 3.0).abs() < 1e-12 && pc[0].recall == Some(0.5));
        assert!((pc[0].f1.unwrap() - 0.4).abs() < 1e-12, "{:?}", pc[0]);
        let figures: Vec<_> = pc.iter().skip(1).map(|c| (c.precision, c.recall, c.f1)).collect();
        assert_eq!(
            figures,
            [
                (None, Some(0.0), Some(0.0)),
                (None, None, None),
                (Some(0.0), None, Some(0.0)),
                (None, Some(0.0), Some(0.0)),
            ]
        );
        assert!((m.macro_f1() - 0.1).abs() < 1e-12, "{}", m.macro_f1());
        assert_eq!(ConfusionMatrix::new(vec!["a".into()], &[], &[]).macro_f1(), 0.0);
    }

    #[test]
    fn folds_are_stratified_and_seeded() {
        let classes: Vec<usize> = (0..100).map(|i| usize::from(i % 4 == 0)).collect();
        let folds = stratified_folds(&classes, 5, 7).unwrap();
        for f in 0..5 {
            let in_fold: Vec<usize> = (0..100).filter(|&i| folds[i] == f).collect();
            assert_eq!(in_fold.len(), 20);
            assert_eq!(in_fold.iter().filter(|&&i| classes[i] == 1).count(), 5);
        }
        assert_eq!(folds, stratified_folds(&classes, 5, 7).unwrap());
        assert_ne!(folds, stratified_folds(&classes, 5, 8).unwrap());
        assert!(stratified_folds(&classes, 1, 7).is_err());
    }

    #[test]
    fn folds_of_large_class_indices_are_dealt_as_small_ones() {
        // Two rows of each of two classes, 2 folds: each fold gets one row of each class,
        // whatever numbers the classes have. Class 10^12 hung (every index up to it was
        // scanned), class usize::MAX put all rows in fold 0 (max + 1 wrapped to 0).
        let small = stratified_folds(&[0, 1, 0, 1], 2, 3).unwrap();
        assert_eq!(small.iter().filter(|&&f| f == 0).count(), 2);
        assert_eq!(stratified_folds(&[0, usize::MAX, 0, usize::MAX], 2, 3).unwrap(), small);
        assert_eq!(stratified_folds(&[0, 1_000_000_000_000, 0, 1_000_000_000_000], 2, 3).unwrap(), small);
        // An absent class in between draws nothing: the same folds as without the gap.
        assert_eq!(stratified_folds(&[0, 5, 0, 5], 2, 3).unwrap(), small);
    }

    #[test]
    fn groups_stay_together() {
        let groups: Vec<String> = ["a", "a", "b", "c", "c", "c", "d"].iter().map(|s| s.to_string()).collect();
        let folds = group_folds(&groups, 2, 1).unwrap();
        assert_eq!(folds[0], folds[1]);
        assert_eq!(folds[3], folds[4]);
        assert_eq!(folds[4], folds[5]);
        // Sizes 3 (c), 2 (a), 1, 1: largest-first to the emptier fold gives 4 and 3 rows.
        let in_first = folds.iter().filter(|&&f| f == 0).count();
        assert!(in_first == 3 || in_first == 4, "{folds:?}");
        assert!(group_folds(&groups, 5, 1).is_err());
    }

    #[test]
    fn group_folds_count_each_group_once_however_many_groups() {
        // 300,000 groups of one row (an id column given as --group-column): counting each
        // group by a scan of all rows was 9e10 comparisons, minutes; one pass is linear.
        let groups: Vec<String> = (0..300_000).map(|i| format!("g{i}")).collect();
        let folds = group_folds(&groups, 4, 1).unwrap();
        // Groups of one row go in turn to the emptiest fold: 75,000 rows each.
        for f in 0..4 {
            assert_eq!(folds.iter().filter(|&&x| x == f).count(), 75_000);
        }
        // Sizes still order the deal: the group of 3 rows goes first, to fold 0.
        let mut groups = groups;
        groups.extend(["big", "big", "big"].map(String::from));
        let folds = group_folds(&groups, 4, 1).unwrap();
        assert_eq!(folds[300_000..], [0, 0, 0]);
    }

    #[test]
    fn mean_std_by_hand() {
        let (m, s) = mean_std(&[1.0, 3.0]);
        assert_eq!((m, s), (2.0, 1.0));
    }
}
