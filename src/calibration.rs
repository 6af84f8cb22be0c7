//! Calibrated class probabilities. Input: a classifier's class scores for rows it was
//! not trained on (out-of-fold scores) and their true classes. Output: a
//! [`Calibration`] that turns scores into probabilities matching the frequencies seen.
//!
//! Why: a model trained with class weights (`--class-weight balanced`, which the
//! shipped models use because it raises macro-F1) and regularisation gives scores whose
//! softmax is not the real frequency of its classes. On our news dev set the
//! uncalibrated accusation model's p(accusation) averaged 0.16 where 11 % of sentences
//! are accusations. Users add probabilities up (expected counts per article, the tone of
//! an article summary), so they must mean what they say.
//!
//! How: temperature scaling (Guo et al. 2017) with one offset per class: `p =
//! softmax(s / T + b)`, `T` and `b` chosen to minimise the weighted log loss of the
//! out-of-fold scores. With `a = 1 / T` the loss is convex in `(a, b)`, so Newton's
//! method finds the one minimum in a few steps. The label stays the model's decision,
//! `argmax s` (plus a [`crate::decision`] rule's offsets when it has one), taken from the scores ([`crate::train::Classifier::classify`]): the
//! offsets undo the class weighting in the probabilities, and the decision keeps the
//! weighting's balance between classes.

use serde::{Deserialize, Serialize};

/// A temperature and per-class offsets fitted on out-of-fold scores, with what the
/// fit measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Calibration {
    /// Scores are divided by this (above 0; above 1 softens overconfident scores).
    pub temperature: f64,
    /// Added to each class's scaled score, in label order; the first is 0.
    pub offsets: Vec<f64>,
    /// Folds of the cross-validation whose out-of-fold scores it was fitted on.
    pub folds: usize,
    /// Rows those scores came from.
    pub rows: usize,
    /// Weighted mean log loss of those rows before calibration.
    pub log_loss_before: f64,
    /// The same after calibration: at most `log_loss_before`, as the identity
    /// (temperature 1, offsets 0) is one of the candidates.
    pub log_loss_after: f64,
}

/// Rows with weight above 0 a fit needs: on fewer, the out-of-fold scores say too little
/// (eight rows without a shared word gave a temperature of 10^12).
pub const MIN_ROWS: usize = 50;
/// The temperatures a fit may end at: beyond them the scores carried no information (a
/// temperature towards infinity, every row the same probabilities) or separated the
/// rows perfectly (towards 0, certainty), and no calibration is better than that one.
pub const TEMPERATURE_RANGE: std::ops::RangeInclusive<f64> = 0.05..=20.0;
/// Classes beyond which no calibration is fitted: a Newton step costs k^2 per row and
/// k^3 per solve, minutes at thousands of classes.
pub const MAX_CLASSES: usize = 256;
/// Newton iterations at most; the fits seen take 4 to 8.
const MAX_ITERATIONS: usize = 100;
/// Strength of the pull towards the identity, per unit of row weight: it keeps the fit
/// finite when the scores separate the classes perfectly (a tiny training set), and is
/// too weak to matter otherwise.
const RIDGE_PER_WEIGHT: f64 = 1e-4;

impl Calibration {
    /// Fits a calibration to `scores` (row-major, `k` per row) of rows whose true
    /// classes are `classes`, each row counting `weights[i]` (rows past the end of
    /// `weights` count 1).
    ///
    /// # Errors
    /// Why there is no calibration: `k` below 2 or above [`MAX_CLASSES`], fewer than
    /// [`MIN_ROWS`] rows with weight above 0, scores that are not finite, or a fit that
    /// ends outside [`TEMPERATURE_RANGE`].
    pub fn fit(
        scores: &[f32],
        classes: &[usize],
        weights: &[f64],
        k: usize,
        folds: usize,
    ) -> std::result::Result<Calibration, String> {
        let rows = Rows::new(scores, classes, weights, k)?;
        let start = Params::identity(k);
        let before = rows.data_loss(&start) / rows.total_weight;
        let fitted = rows.minimise(start);
        let after = rows.data_loss(&fitted) / rows.total_weight;
        let (fitted, after) = if after <= before { (fitted, after) } else { (Params::identity(k), before) };
        let temperature = 1.0 / fitted.slope;
        if !TEMPERATURE_RANGE.contains(&temperature) {
            return Err(format!(
                "the fitted temperature {temperature:.3e} is outside {} to {}: the out-of-fold scores {}",
                TEMPERATURE_RANGE.start(),
                TEMPERATURE_RANGE.end(),
                if temperature > 1.0 { "carry no information" } else { "separate the classes perfectly" }
            ));
        }
        Ok(Calibration {
            temperature,
            offsets: fitted.offsets,
            folds,
            rows: rows.n,
            log_loss_before: before,
            log_loss_after: after,
        })
    }

    /// Calibrated probabilities of one row's class scores; they sum to 1.
    pub fn probabilities(&self, scores: &[f32]) -> Vec<f64> {
        let z: Vec<f64> = scores
            .iter()
            .enumerate()
            .map(|(c, &s)| s as f64 / self.temperature + self.offsets.get(c).copied().unwrap_or(0.0))
            .collect();
        softmax(&z)
    }

    /// Why this calibration cannot be used with a classifier of `n_classes` classes, if
    /// it cannot (a hand-edited or damaged model file).
    pub fn problem(&self, n_classes: usize) -> Option<String> {
        if !(self.temperature.is_finite() && self.temperature > 0.0) {
            return Some(format!("calibration temperature {} is not a positive number", self.temperature));
        }
        if self.offsets.len() != n_classes {
            return Some(format!(
                "calibration has {} for {n_classes} classes",
                crate::error::counted(self.offsets.len(), "offset")
            ));
        }
        if self.offsets.iter().any(|b| !b.is_finite()) {
            return Some("calibration offsets must be finite numbers".into());
        }
        None
    }
}

/// Whether `k` classes and `rows` rows with weight above 0 are enough, and not too
/// many, for a fit; said for people when not. Callers check it before they spend the
/// folds' fits on out-of-fold scores.
///
/// # Errors
/// `k` below 2 or above [`MAX_CLASSES`]; fewer than [`MIN_ROWS`] rows.
pub fn check_size(k: usize, rows: usize) -> std::result::Result<(), String> {
    if !(2..=MAX_CLASSES).contains(&k) {
        return Err(format!("{k} classes (calibration fits 2 to {MAX_CLASSES})"));
    }
    if rows < MIN_ROWS {
        return Err(format!("{rows} rows to fit on, fewer than {MIN_ROWS}"));
    }
    Ok(())
}

/// Softmax of `z`, shifted by its maximum so no exponential overflows.
pub(crate) fn softmax(z: &[f64]) -> Vec<f64> {
    let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let exp: Vec<f64> = z.iter().map(|s| (s - max).exp()).collect();
    let sum: f64 = exp.iter().sum();
    exp.iter().map(|e| e / sum).collect()
}

/// The fitted quantities: `slope` = 1 / temperature, and the offsets (the first held 0).
#[derive(Debug, Clone)]
struct Params {
    slope: f64,
    offsets: Vec<f64>,
}

impl Params {
    fn identity(k: usize) -> Params {
        Params { slope: 1.0, offsets: vec![0.0; k] }
    }

    /// The free parameters as one vector: slope, then offsets 1..k.
    fn to_vec(&self) -> Vec<f64> {
        std::iter::once(self.slope).chain(self.offsets.iter().skip(1).copied()).collect()
    }

    fn from_vec(theta: &[f64]) -> Params {
        let slope = theta.first().copied().unwrap_or(1.0);
        let offsets = std::iter::once(0.0).chain(theta.iter().skip(1).copied()).collect();
        Params { slope, offsets }
    }
}

/// The rows a calibration is fitted on, checked.
struct Rows<'a> {
    scores: &'a [f32],
    classes: &'a [usize],
    weights: &'a [f64],
    k: usize,
    n: usize,
    total_weight: f64,
}

impl<'a> Rows<'a> {
    fn new(
        scores: &'a [f32],
        classes: &'a [usize],
        weights: &'a [f64],
        k: usize,
    ) -> std::result::Result<Rows<'a>, String> {
        let n = classes.len().min(scores.len() / k.max(1));
        let weight = |i: usize| weights.get(i).copied().unwrap_or(1.0);
        let total_weight: f64 = (0..n).map(weight).sum();
        check_size(k, (0..n).filter(|&i| weight(i) > 0.0).count())?;
        if scores.iter().take(n * k).any(|s| !s.is_finite()) {
            return Err("scores that are not finite numbers".into());
        }
        Ok(Rows { scores, classes, weights, k, n, total_weight })
    }

    fn row(&self, i: usize) -> (&[f32], usize, f64) {
        let scores = self.scores.get(i * self.k..(i + 1) * self.k).unwrap_or_default();
        (scores, self.classes.get(i).copied().unwrap_or(0), self.weights.get(i).copied().unwrap_or(1.0))
    }

    fn ridge(&self) -> f64 {
        RIDGE_PER_WEIGHT * self.total_weight
    }

    /// Weighted log loss (summed) plus the ridge towards the identity: what is minimised.
    fn loss(&self, params: &Params) -> f64 {
        let penalty = (params.slope - 1.0).powi(2) + params.offsets.iter().map(|b| b * b).sum::<f64>();
        self.data_loss(params) + 0.5 * self.ridge() * penalty
    }

    /// Weighted log loss (summed), without the ridge: what is reported.
    fn data_loss(&self, params: &Params) -> f64 {
        let mut loss = 0.0;
        for i in 0..self.n {
            let (scores, class, w) = self.row(i);
            if w == 0.0 {
                continue;
            }
            let z: Vec<f64> = scores.iter().zip(&params.offsets).map(|(&s, &b)| params.slope * s as f64 + b).collect();
            let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let log_sum = max + z.iter().map(|v| (v - max).exp()).sum::<f64>().ln();
            loss += w * (log_sum - z.get(class).copied().unwrap_or(max));
        }
        loss
    }

    /// Gradient and Hessian of [`Rows::loss`] in the free parameters. Each class's
    /// scaled score is `theta . phi_c` with `phi_c = (s_c, e_c)` (`e_c` the unit vector
    /// of offset c; none for class 0), so this is multinomial logistic regression on
    /// those features: gradient `sum w (E_p[phi] - phi_y)`, Hessian `sum w Cov_p[phi]`,
    /// written out by block so a row costs O(k^2), not O(k^3).
    fn gradient_and_hessian(&self, params: &Params) -> (Vec<f64>, Vec<Vec<f64>>) {
        let k = self.k; // parameters: slope, then offsets 1..k
        let mut gradient = vec![0.0; k];
        let mut hessian = vec![vec![0.0; k]; k];
        for i in 0..self.n {
            let (scores, class, w) = self.row(i);
            if w == 0.0 {
                continue;
            }
            let s: Vec<f64> = scores.iter().map(|&v| v as f64).collect();
            let z: Vec<f64> = s.iter().zip(&params.offsets).map(|(&sc, &b)| params.slope * sc + b).collect();
            let p = softmax(&z);
            let mean_s: f64 = p.iter().zip(&s).map(|(pc, sc)| pc * sc).sum();
            let mean_s2: f64 = p.iter().zip(&s).map(|(pc, sc)| pc * sc * sc).sum();
            let s_true = s.get(class).copied().unwrap_or(0.0);
            if let Some(g) = gradient.first_mut() {
                *g += w * (mean_s - s_true);
            }
            if let Some(h) = hessian.first_mut().and_then(|row| row.first_mut()) {
                *h += w * (mean_s2 - mean_s * mean_s);
            }
            for j in 1..k {
                let (pj, sj) = (p.get(j).copied().unwrap_or(0.0), s.get(j).copied().unwrap_or(0.0));
                if let Some(g) = gradient.get_mut(j) {
                    *g += w * (pj - if j == class { 1.0 } else { 0.0 });
                }
                // Cov(slope feature, offset j) = p_j s_j - p_j E[s].
                let cross = w * pj * (sj - mean_s);
                if let Some(h) = hessian.first_mut().and_then(|row| row.get_mut(j)) {
                    *h += cross;
                }
                if let Some(h) = hessian.get_mut(j).and_then(|row| row.first_mut()) {
                    *h += cross;
                }
                // Cov(offset i, offset j) = p_i [i == j] - p_i p_j.
                if let Some(row) = hessian.get_mut(j) {
                    for (m, h) in row.iter_mut().enumerate().skip(1) {
                        let pm = p.get(m).copied().unwrap_or(0.0);
                        *h += w * (if m == j { pj } else { 0.0 } - pj * pm);
                    }
                }
            }
        }
        let ridge = self.ridge();
        let theta = params.to_vec();
        let identity = Params::identity(self.k).to_vec();
        for (j, (g, (t, t0))) in gradient.iter_mut().zip(theta.iter().zip(&identity)).enumerate() {
            *g += ridge * (t - t0);
            if let Some(h) = hessian.get_mut(j).and_then(|row| row.get_mut(j)) {
                *h += ridge;
            }
        }
        (gradient, hessian)
    }

    /// Newton's method with a backtracking line search, keeping the slope positive.
    fn minimise(&self, start: Params) -> Params {
        let mut params = start;
        let mut loss = self.loss(&params);
        for _ in 0..MAX_ITERATIONS {
            let (gradient, hessian) = self.gradient_and_hessian(&params);
            let largest = gradient.iter().fold(0.0f64, |a, g| a.max(g.abs()));
            if largest <= 1e-10 * self.total_weight {
                break;
            }
            let Some(step) = solve(hessian, gradient.iter().map(|g| -g).collect()) else { break };
            let slope_of = |theta: &[f64]| theta.first().copied().unwrap_or(0.0);
            let decrease: f64 = gradient.iter().zip(&step).map(|(g, s)| g * s).sum();
            let theta = params.to_vec();
            let mut t = 1.0;
            let mut improved = None;
            while t > 1e-12 {
                let candidate: Vec<f64> = theta.iter().zip(&step).map(|(v, s)| v + t * s).collect();
                if slope_of(&candidate) > 0.0 {
                    let next = Params::from_vec(&candidate);
                    let next_loss = self.loss(&next);
                    if next_loss <= loss + 1e-4 * t * decrease {
                        improved = Some((next, next_loss));
                        break;
                    }
                }
                t /= 2.0;
            }
            let Some((next, next_loss)) = improved else { break };
            let converged = (loss - next_loss).abs() <= 1e-12 * loss.abs().max(1.0);
            params = next;
            loss = next_loss;
            if converged {
                break;
            }
        }
        params
    }
}

/// Solves `a x = b` by Gaussian elimination with partial pivoting; `None` when `a` is
/// singular. The systems here are k x k for k classes.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| {
            let at = |r: usize| a.get(r).and_then(|row| row.get(col)).copied().unwrap_or(0.0).abs();
            at(i).total_cmp(&at(j))
        })?;
        a.swap(col, pivot);
        b.swap(col, pivot);
        let head = a.get(col)?.clone();
        let diagonal = head.get(col).copied()?;
        if diagonal.abs() < 1e-300 {
            return None;
        }
        let head_b = b.get(col).copied()?;
        for row in col + 1..n {
            let factor = a.get(row)?.get(col).copied()? / diagonal;
            if let Some(r) = a.get_mut(row) {
                r.iter_mut().zip(&head).skip(col).for_each(|(v, h)| *v -= factor * h);
            }
            if let Some(v) = b.get_mut(row) {
                *v -= factor * head_b;
            }
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let r = a.get(row)?;
        let known: f64 =
            (row + 1..n).map(|j| r.get(j).copied().unwrap_or(0.0) * x.get(j).copied().unwrap_or(0.0)).sum();
        let value = (b.get(row).copied()? - known) / r.get(row).copied()?;
        if let Some(slot) = x.get_mut(row) {
            *slot = value;
        }
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::SplitMix64;

    /// Rows whose true classes are drawn from softmax(s / t + b) for known t and b.
    fn drawn(n: usize, t: f64, b: &[f64], seed: u64) -> (Vec<f32>, Vec<usize>) {
        let mut rng = SplitMix64::new(seed);
        let mut uniform = move || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        let k = b.len();
        let mut scores = Vec::with_capacity(n * k);
        let mut classes = Vec::with_capacity(n);
        for _ in 0..n {
            let s: Vec<f32> = (0..k).map(|_| (uniform() * 8.0 - 4.0) as f32).collect();
            let z: Vec<f64> = s.iter().zip(b).map(|(&s, &b)| s as f64 / t + b).collect();
            let p = softmax(&z);
            let u = uniform();
            let mut cumulative = 0.0;
            let class = p.iter().position(|&pc| {
                cumulative += pc;
                u < cumulative
            });
            classes.push(class.unwrap_or(k - 1));
            scores.extend(s);
        }
        (scores, classes)
    }

    #[test]
    fn recovers_a_known_temperature_and_offsets() {
        // Overconfident scores (t = 2.5) with the second class favoured by +0.8 and the
        // third held back by -0.5: 20,000 rows pin them to a few hundredths.
        let (scores, classes) = drawn(20_000, 2.5, &[0.0, 0.8, -0.5], 7);
        let fit = Calibration::fit(&scores, &classes, &[], 3, 5).unwrap();
        assert!((fit.temperature - 2.5).abs() < 0.1, "{fit:?}");
        assert!((fit.offsets[1] - 0.8).abs() < 0.06 && (fit.offsets[2] + 0.5).abs() < 0.06, "{fit:?}");
        assert_eq!(fit.offsets[0], 0.0);
        assert!(fit.log_loss_after < fit.log_loss_before, "{fit:?}");
        assert_eq!((fit.rows, fit.folds), (20_000, 5));
    }

    #[test]
    fn many_classes_are_fitted_and_too_many_are_not() {
        let offsets: Vec<f64> = (0..30).map(|c| (c % 7) as f64 * 0.2 - 0.6).collect();
        let shifted: Vec<f64> = offsets.iter().map(|b| b - offsets[0]).collect();
        let (scores, classes) = drawn(30_000, 0.8, &shifted, 5);
        let fit = Calibration::fit(&scores, &classes, &[], 30, 5).unwrap();
        assert!((fit.temperature - 0.8).abs() < 0.05, "{}", fit.temperature);
        let worst = fit.offsets.iter().zip(&shifted).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        assert!(worst < 0.25, "{worst} {:?}", fit.offsets);
        let k = MAX_CLASSES + 1;
        assert!(Calibration::fit(&vec![0.0; 2 * k], &[0, 1], &[], k, 5).is_err());
    }

    #[test]
    fn calibrated_scores_stay_as_they_are() {
        let (scores, classes) = drawn(20_000, 1.0, &[0.0, 0.0], 11);
        let fit = Calibration::fit(&scores, &classes, &[], 2, 5).unwrap();
        assert!((fit.temperature - 1.0).abs() < 0.05 && fit.offsets[1].abs() < 0.05, "{fit:?}");
        assert!(fit.log_loss_before - fit.log_loss_after < 1e-3, "{fit:?}");
    }

    #[test]
    fn probabilities_are_the_softmax_of_scaled_and_offset_scores() {
        let calibration = Calibration {
            temperature: 2.0,
            offsets: vec![0.0, 1.5, -1.0],
            folds: 5,
            rows: 1,
            log_loss_before: 1.0,
            log_loss_after: 0.9,
        };
        // Scores (1.0, 0.2, 0.9): class 0 has the highest score, yet after the offsets
        // class 1 is the most probable: z = (0.5, 1.6, -0.55).
        let p = calibration.probabilities(&[1.0, 0.2, 0.9]);
        let z = [0.5f64, 1.6, -0.55];
        let sum: f64 = z.iter().map(|v| v.exp()).sum();
        for (pc, zc) in p.iter().zip(z) {
            assert!((pc - zc.exp() / sum).abs() < 1e-7, "{pc} {zc}");
        }
        assert_eq!(crate::train::argmax(p.iter().copied()), 1);
    }

    #[test]
    fn weights_count_rows() {
        // Row weights 2 on a set equal a set with those rows twice.
        let (scores, classes) = drawn(3_000, 1.7, &[0.0, 0.4, 0.1], 3);
        let weighted = Calibration::fit(&scores, &classes, &vec![2.0; 3_000], 3, 5).unwrap();
        let doubled_scores: Vec<f32> = scores.iter().chain(&scores).copied().collect();
        let doubled_classes: Vec<usize> = classes.iter().chain(&classes).copied().collect();
        let doubled = Calibration::fit(&doubled_scores, &doubled_classes, &[], 3, 5).unwrap();
        assert!((weighted.temperature - doubled.temperature).abs() < 1e-6);
        assert!(weighted.offsets.iter().zip(&doubled.offsets).all(|(a, b)| (a - b).abs() < 1e-6));
    }

    #[test]
    fn separable_scores_give_a_finite_fit_and_too_little_gives_a_reason() {
        // Every row's true class has the top score by 3: the loss keeps falling as the
        // temperature drops; the ridge keeps it finite.
        let scores: Vec<f32> = [3.0f32, 0.0, 0.0, 3.0].repeat(50);
        let classes: Vec<usize> = [0, 1].repeat(50);
        let fit = Calibration::fit(&scores, &classes, &[], 2, 2).unwrap();
        assert!(TEMPERATURE_RANGE.contains(&fit.temperature) && fit.temperature < 1.0, "{fit:?}");
        assert!(fit.problem(2).is_none());
        // The reported losses are the data's alone: about 0 at a low temperature.
        assert!(fit.log_loss_after < 0.01 && fit.log_loss_after < fit.log_loss_before, "{fit:?}");
        let few = Calibration::fit(&scores[..8], &classes[..4], &[], 2, 2).unwrap_err();
        assert_eq!(few, "4 rows to fit on, fewer than 50");
        let unweighted = Calibration::fit(&scores, &classes, &[0.0; 100], 2, 5).unwrap_err();
        assert_eq!(unweighted, "0 rows to fit on, fewer than 50");
        assert_eq!(Calibration::fit(&[1.0], &[0], &[], 1, 5).unwrap_err(), "1 classes (calibration fits 2 to 256)");
        let mut broken = scores.clone();
        broken[7] = f32::NAN;
        assert_eq!(Calibration::fit(&broken, &classes, &[], 2, 5).unwrap_err(), "scores that are not finite numbers");
    }

    #[test]
    fn scores_without_information_give_no_calibration() {
        // The scores favour the wrong class as often as the right one: the best fit
        // flattens them, a temperature towards infinity, which is refused.
        let scores: Vec<f32> = [2.0f32, 0.0, 2.0, 0.0, 0.0, 2.0, 0.0, 2.0].repeat(25);
        let classes: Vec<usize> = [0, 1, 0, 1].repeat(25);
        let error = Calibration::fit(&scores, &classes, &[], 2, 5).unwrap_err();
        assert!(error.contains("carry no information"), "{error}");
    }

    #[test]
    fn damaged_calibrations_are_named() {
        let mut c = Calibration {
            temperature: 1.0,
            offsets: vec![0.0, 0.0],
            folds: 5,
            rows: 10,
            log_loss_before: 0.7,
            log_loss_after: 0.6,
        };
        assert_eq!(c.problem(3).unwrap(), "calibration has 2 offsets for 3 classes");
        c.temperature = 0.0;
        assert_eq!(c.problem(2).unwrap(), "calibration temperature 0 is not a positive number");
        c.temperature = 1.0;
        c.offsets[1] = f64::NAN;
        assert_eq!(c.problem(2).unwrap(), "calibration offsets must be finite numbers");
    }

    #[test]
    fn solves_a_small_system() {
        let x = solve(vec![vec![0.0, 2.0], vec![3.0, 1.0]], vec![4.0, 5.0]).unwrap();
        assert!((x[0] - 1.0).abs() < 1e-12 && (x[1] - 2.0).abs() < 1e-12, "{x:?}");
        assert!(solve(vec![vec![1.0, 2.0], vec![2.0, 4.0]], vec![1.0, 2.0]).is_none());
    }
}
