//! Sparse L2-regularised logistic regression, binary and multinomial, as a linfa
//! estimator. Input: [`SparseRows`] and class indices. Output: a [`Classifier`] whose
//! probabilities are real class probabilities (softmax over classes, summing to 1).
//!
//! Objective (the same as linfa-logistic's with `alpha = 1 / c`, which a test checks):
//! `sum_i weight(y_i) * -log p(y_i | x_i) + 1 / (2c) * ||W||^2`, intercepts unpenalised.
//! linfa-logistic fits dense matrices only (47 s for 10k x 2k, see issue 2); this
//! trainer walks CSR rows, so its cost grows with the non-zeros, not rows x columns.
//! Solver: L-BFGS with an Armijo backtracking line search; deterministic, no sampling.
//! Its initial inverse Hessian is the inverse of the Hessian's diagonal at the start,
//! scaled by the latest curvature pair: tf-idf columns differ in scale by orders of
//! magnitude, and this diagonal scaling cut the iterations of a fit on the whole set
//! from 58 to 22 on subj, 56 to 13 on mpqa, 59 to 34 on financial_phrasebank and 30 to
//! 16 on cr (mr: 23 either way).

use linfa::dataset::DatasetBase;
use linfa::prelude::*;
use ndarray::{Array1, Array2};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::calibration::{softmax, Calibration};
use crate::decision::Decision;
use crate::error::{Error, Result};
use crate::features::SparseRows;

/// How training rows of each class are weighted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum ClassWeight {
    /// Every row counts 1.
    None,
    /// Rows of class c count n / (k * n_c), as scikit-learn's "balanced".
    Balanced,
}

/// Checked trainer settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogisticValidParams {
    /// Inverse regularisation strength (scikit-learn's `C`). Default [`DEFAULT_C`].
    pub c: f64,
    /// Class weighting. Default none.
    pub class_weight: ClassWeight,
    /// L-BFGS iterations at most. Default 300.
    pub max_iterations: usize,
    /// Stop when the gradient norm falls below this fraction of its start. Default [`DEFAULT_TOLERANCE`].
    pub tolerance: f64,
    /// Number of classes; targets must be below it. Default: the largest target + 1.
    pub n_classes: Option<usize>,
}

/// Unchecked trainer settings (linfa's params builder); `check` or `fit` validates.
#[derive(Debug, Clone, PartialEq)]
pub struct LogisticParams(LogisticValidParams);

/// Default inverse regularisation strength: 4, what the CLI has used since issue 2. Rows
/// are l2-normalised tf-idf, so values are small and weaker regularisation than
/// scikit-learn's 1 suits them; not tuned on any test set.
pub const DEFAULT_C: f64 = 4.0;
/// Default relative gradient tolerance: on mr, 1e-3 gave the same accuracy as 1e-4
/// (0.7750 vs 0.7748) in fewer iterations.
pub const DEFAULT_TOLERANCE: f64 = 1e-3;
/// Default iteration cap.
pub const DEFAULT_MAX_ITERATIONS: usize = 300;

impl Default for LogisticParams {
    fn default() -> Self {
        LogisticParams(LogisticValidParams {
            c: DEFAULT_C,
            class_weight: ClassWeight::None,
            max_iterations: DEFAULT_MAX_ITERATIONS,
            tolerance: DEFAULT_TOLERANCE,
            n_classes: None,
        })
    }
}

impl LogisticParams {
    /// Default settings.
    pub fn new() -> Self {
        Self::default()
    }
    /// Inverse regularisation strength; larger fits the data more closely. Default [`DEFAULT_C`].
    pub fn c(mut self, c: f64) -> Self {
        self.0.c = c;
        self
    }
    /// Class weighting. Default [`ClassWeight::None`].
    pub fn class_weight(mut self, class_weight: ClassWeight) -> Self {
        self.0.class_weight = class_weight;
        self
    }
    /// Iteration cap. Default 300.
    pub fn max_iterations(mut self, n: usize) -> Self {
        self.0.max_iterations = n;
        self
    }
    /// Relative gradient tolerance. Default [`DEFAULT_TOLERANCE`].
    pub fn tolerance(mut self, tolerance: f64) -> Self {
        self.0.tolerance = tolerance;
        self
    }
    /// Number of classes (so a class absent from a fold keeps its column).
    pub fn n_classes(mut self, n: usize) -> Self {
        self.0.n_classes = Some(n);
        self
    }
}

impl ParamGuard for LogisticParams {
    type Checked = LogisticValidParams;
    type Error = Error;

    fn check_ref(&self) -> Result<&LogisticValidParams> {
        let p = &self.0;
        let bad = |name: &str, reason: String| Err(Error::InvalidParams { name: name.into(), reason });
        if !(p.c.is_finite() && p.c > 0.0) {
            // Infinity is positive: what it lacks is a value (no regularisation at all).
            let what = if p.c == f64::INFINITY { "a finite positive number" } else { "a positive number" };
            return bad("--c", format!("{} must be {what}", crate::error::shown_number(p.c)));
        }
        // A fraction of the starting gradient norm: 1 or more stops before the first step.
        if !(p.tolerance.is_finite() && p.tolerance > 0.0 && p.tolerance < 1.0) {
            let shown = crate::error::shown_number(p.tolerance);
            return bad("--tolerance", format!("{shown} must be a number above 0 and below 1"));
        }
        if p.max_iterations == 0 {
            return bad("--max-iterations", "must be at least 1".into());
        }
        if p.n_classes.is_some_and(|k| k < 2) {
            return bad("classes", "at least 2 classes are needed".into());
        }
        Ok(p)
    }

    fn check(self) -> Result<LogisticValidParams> {
        self.check_ref()?;
        Ok(self.0)
    }
}

/// A fitted linear classifier over `k` classes: softmax of `W x + b`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Classifier {
    /// One weight row per class, one column per feature.
    #[serde(with = "crate::packed::rows")]
    pub weights: Vec<Vec<f32>>,
    /// One intercept per class.
    pub intercepts: Vec<f32>,
    /// Iterations the solver ran.
    pub iterations: usize,
    /// Whether the solver met its tolerance before the iteration cap.
    pub converged: bool,
    /// How scores become probabilities that match real frequencies; `None`: plain
    /// softmax (models trained without calibration, and files before version 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibration: Option<Calibration>,
    /// Offsets added to the scores before the label is taken, chosen for macro-F1
    /// (`train --decision macro-f1`, [`crate::decision`]); `None`: the highest score
    /// (models trained without, and files before version 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
}

impl Classifier {
    /// Number of classes.
    pub fn n_classes(&self) -> usize {
        self.intercepts.len()
    }

    /// Class scores `W x + b` of one sparse row: one per intercept, whatever the number
    /// of weight rows (fields set by hand may differ: a missing row weighs 0). Zipped with
    /// the weight rows, one row fewer gave one score fewer, and `classify_rows` cut the
    /// scores into rows of the wrong width, returning fewer rows than it was given.
    pub fn scores(&self, indices: &[u32], values: &[f32]) -> Vec<f32> {
        self.intercepts
            .iter()
            .enumerate()
            .map(|(c, b)| {
                let row = self.weights.get(c).map_or(&[][..], Vec::as_slice);
                b + indices
                    .iter()
                    .zip(values)
                    .map(|(&j, &v)| row.get(j as usize).copied().unwrap_or(0.0) * v)
                    .sum::<f32>()
            })
            .collect()
    }

    /// Class probabilities of one sparse row, calibrated when the model is; they sum to 1.
    pub fn probabilities(&self, indices: &[u32], values: &[f32]) -> Vec<f64> {
        self.probabilities_of(&self.scores(indices, values))
    }

    /// Class probabilities from class scores: calibrated ([`Calibration`]) when the
    /// model is, the softmax of the scores otherwise.
    pub fn probabilities_of(&self, scores: &[f32]) -> Vec<f64> {
        match &self.calibration {
            Some(calibration) => calibration.probabilities(scores),
            None => softmax(&scores.iter().map(|&s| s as f64).collect::<Vec<_>>()),
        }
    }

    /// The label (class index) and the class probabilities of one sparse row. The label
    /// is the class of the highest score (the first on ties), plus the decision's offsets
    /// when the model has them, taken from the scores themselves: the most probable class
    /// unless the model is calibrated or has a decision rule, when the calibration's or
    /// the decision's offsets can make another class more probable (module docs of
    /// [`crate::calibration`] and [`crate::decision`]).
    pub fn classify(&self, indices: &[u32], values: &[f32]) -> (usize, Vec<f64>) {
        self.classify_scores(&self.scores(indices, values))
    }

    /// [`Classifier::classify`] from a row's class scores.
    fn classify_scores(&self, scores: &[f32]) -> (usize, Vec<f64>) {
        let label = match &self.decision {
            Some(decision) => decision.decide(scores),
            None => argmax(scores.iter().map(|&s| s as f64)),
        };
        (label, self.probabilities_of(scores))
    }

    /// [`Classifier::classify`] of every row, in parallel: the labels and the
    /// probabilities (n x k).
    pub fn classify_rows(&self, x: &SparseRows) -> (Vec<usize>, Array2<f64>) {
        let k = self.n_classes();
        let scores = self.score_rows(x);
        // Row by row, not chunks of `k`: without classes (fields set by hand) chunks gave
        // no row at all for `n` rows given.
        let rows: Vec<(usize, Vec<f64>)> = (0..x.n_rows())
            .into_par_iter()
            .map(|r| self.classify_scores(scores.get(r * k..(r + 1) * k).unwrap_or(&[])))
            .collect();
        let probabilities = Array2::from_shape_fn((rows.len(), k), |(i, j)| {
            rows.get(i).and_then(|(_, row)| row.get(j)).copied().unwrap_or(0.0)
        });
        (rows.into_iter().map(|(label, _)| label).collect(), probabilities)
    }

    /// Class scores `W x + b` of every row, row-major (n x k).
    pub fn score_rows(&self, x: &SparseRows) -> Vec<f32> {
        let rows: Vec<Vec<f32>> = (0..x.n_rows())
            .into_par_iter()
            .map(|r| match x.0.outer_view(r) {
                Some(row) => {
                    let idx: Vec<u32> = row.indices().iter().map(|&i| i as u32).collect();
                    self.scores(&idx, row.data())
                }
                None => self.intercepts.clone(),
            })
            .collect();
        rows.concat()
    }

    /// Probabilities of every row (n x k).
    pub fn predict_probabilities(&self, x: &SparseRows) -> Array2<f64> {
        self.classify_rows(x).1
    }
}

impl PredictInplace<SparseRows, Array1<usize>> for Classifier {
    fn predict_inplace(&self, x: &SparseRows, y: &mut Array1<usize>) {
        for (slot, label) in y.iter_mut().zip(self.classify_rows(x).0) {
            *slot = label;
        }
    }

    fn default_target(&self, x: &SparseRows) -> Array1<usize> {
        Array1::zeros(x.n_rows())
    }
}

/// Index of the largest value (the first on ties).
pub fn argmax(values: impl Iterator<Item = f64>) -> usize {
    let mut best = (0, f64::NEG_INFINITY);
    for (i, v) in values.enumerate() {
        if v > best.1 {
            best = (i, v);
        }
    }
    best.0
}

impl Fit<SparseRows, Array1<usize>, Error> for LogisticValidParams {
    type Object = Classifier;

    fn fit(&self, dataset: &DatasetBase<SparseRows, Array1<usize>>) -> Result<Classifier> {
        let x = &dataset.records;
        let problem =
            self.problem(Compressed::rows_of(x)?, x.n_cols(), &dataset.targets, |row| dataset.weight_for(row))?;
        Ok(self.solve(&problem))
    }
}

impl LogisticValidParams {
    /// The objective for `rows` (of `n_cols` columns) of classes `y`, `weight_of(row)`
    /// weighing each row (the dataset's weights, e.g. real vs written sentences). It
    /// takes the rows' compact copy, not the matrix, so that [`fit_weighted`] can drop
    /// the matrix before the columns are written: a million sentences' matrix is 0.4 GB.
    fn problem<'a>(
        &self,
        rows: Compressed,
        n_cols: usize,
        y: &'a Array1<usize>,
        weight_of: impl Fn(usize) -> f32,
    ) -> Result<Problem<'a>> {
        if rows.len() != y.len() {
            return Err(Error::InvalidParams {
                name: "data".into(),
                reason: format!("{} rows but {} targets", rows.len(), y.len()),
            });
        }
        let k = self.n_classes.unwrap_or_else(|| y.iter().copied().max().map_or(0, |m| m + 1));
        if k < 2 {
            return Err(Error::InvalidParams {
                name: "classes".into(),
                reason: "at least 2 classes are needed".into(),
            });
        }
        // One weight per class and column (and intercept): counts whose product cannot be
        // indexed (`n_classes(usize::MAX)`) panicked with "capacity overflow".
        let n_weights = n_cols.checked_add(1).and_then(|columns| columns.checked_mul(k));
        if n_weights.is_none_or(|n| n > isize::MAX as usize / std::mem::size_of::<f64>()) {
            return Err(Error::InvalidParams {
                name: "classes".into(),
                reason: format!("{k} classes of {n_cols} feature columns: more weights than one fit can hold"),
            });
        }
        if let Some(&bad) = y.iter().find(|&&t| t >= k) {
            return Err(Error::InvalidParams {
                name: "targets".into(),
                reason: format!("class index {bad} >= {k} classes"),
            });
        }
        let mut counts = vec![0usize; k];
        for &t in y {
            if let Some(n) = counts.get_mut(t) {
                *n += 1;
            }
        }
        let class_weights: Vec<f64> = match self.class_weight {
            ClassWeight::None => vec![1.0; k],
            ClassWeight::Balanced => {
                counts.iter().map(|&n| if n == 0 { 0.0 } else { y.len() as f64 / (k as f64 * n as f64) }).collect()
            }
        };
        // Row weights (linfa's dataset weights, e.g. real vs written sentences) times
        // class weights.
        let row_weights: Vec<f64> =
            y.iter().enumerate().map(|(r, &t)| class_weights.get(t).unwrap_or(&0.0) * weight_of(r) as f64).collect();
        Ok(Problem {
            columns: Compressed::columns_of(&rows, n_cols),
            rows,
            n_cols,
            y: y.as_slice().unwrap_or(&[]),
            row_weights,
            k,
            alpha: 1.0 / self.c,
        })
    }

    /// The classifier at the problem's optimum (to the tolerance).
    fn solve(&self, problem: &Problem<'_>) -> Classifier {
        let n_params = problem.n_params();
        let (solution, iterations, converged) =
            lbfgs(problem, vec![0.0; n_params], self.max_iterations, self.tolerance, history_pairs(n_params));
        problem.to_classifier(&solution, iterations, converged)
    }
}

/// The objective over a flat parameter vector. Binary problems use one sigmoid weight
/// vector; multiclass ones one softmax row per class. Layout: feature-major, then
/// intercepts: `w[j * m + c]` for feature j and output c, `m` outputs.
struct Problem<'a> {
    /// The data by rows, for the scores.
    rows: Compressed,
    /// The same matrix by columns, for the gradient pass.
    columns: Compressed,
    n_cols: usize,
    y: &'a [usize],
    /// Weight of each row in the loss: class weight times row weight.
    row_weights: Vec<f64>,
    k: usize,
    alpha: f64,
}

impl Problem<'_> {
    fn outputs(&self) -> usize {
        if self.k == 2 {
            1
        } else {
            self.k
        }
    }

    fn n_params(&self) -> usize {
        (self.n_cols + 1) * self.outputs()
    }

    /// The inverse of the loss's Hessian diagonal at the start (all scores 0): each
    /// weight's curvature is p(1 - p) at uniform class probabilities times the
    /// weighted squares of its column, plus the penalty.
    fn inverse_diagonal(&self) -> Vec<f64> {
        let m = self.outputs();
        let k = self.k as f64;
        let curvature = if m == 1 { 0.25 } else { (1.0 / k) * (1.0 - 1.0 / k) };
        let mut h = Vec::with_capacity(self.n_params());
        for j in 0..self.n_cols {
            let (rows, values) = self.columns.get(j);
            let sum: f64 = rows
                .iter()
                .zip(values)
                .map(|(&r, &v)| self.row_weights.get(r as usize).copied().unwrap_or(0.0) * (v as f64) * (v as f64))
                .sum();
            h.extend(std::iter::repeat_n(1.0 / (self.alpha + curvature * sum), m));
        }
        let total: f64 = self.row_weights.iter().sum();
        h.extend(std::iter::repeat_n(1.0 / (curvature * total).max(1e-12), m));
        h
    }

    /// Loss at `w`, its gradient written into `grad`: one pass over rows (CSR) for
    /// scores and residuals, one over columns (CSC) for the gradient, both parallel and
    /// free of reductions. `scratch` holds the residuals and row losses between calls,
    /// so an iteration allocates nothing (fresh megabyte buffers cost page faults).
    fn evaluate(&self, w: &[f64], grad: &mut [f64], scratch: &mut Scratch) -> f64 {
        let m = self.outputs();
        let d = self.n_cols;
        // `w` holds n_params() = (d + 1) * m values: d chunks of m coefficients, then intercepts.
        let (coefs, intercepts) = w.split_at((d * m).min(w.len()));
        let n_rows = self.rows.len();
        // Residuals r[i * m + c] = weight * (p_ic - y_ic), and each row's loss.
        let residuals = &mut scratch.residuals;
        residuals.clear();
        residuals.resize(n_rows * m, 0.0);
        let row_losses = &mut scratch.row_losses;
        row_losses.clear();
        row_losses.resize(n_rows, 0.0);
        // Row losses are kept per row, then summed in row order: a parallel sum would add
        // in an order that depends on scheduling, and the same data could then give
        // different bits, steps and models.
        residuals.par_chunks_mut(m).zip(row_losses.par_iter_mut()).with_min_len(512).enumerate().for_each(
            |(r, (z, row_loss))| {
                let target = self.y.get(r).copied().unwrap_or(0);
                let cw = self.row_weights.get(r).copied().unwrap_or(0.0);
                let (cols, values) = self.rows.get(r);
                z.copy_from_slice(intercepts);
                add_scaled_rows(z, coefs, cols, values);
                *row_loss = match z {
                    // Binary: one sigmoid output.
                    [z0] => {
                        let zz = *z0;
                        let yv = if target == 1 { 1.0 } else { 0.0 };
                        // log(1 + e^z) and the sigmoid from one exponential, stably.
                        let e = (-zz.abs()).exp();
                        let log1pexp = zz.max(0.0) + e.ln_1p();
                        let sigmoid = if zz >= 0.0 { 1.0 / (1.0 + e) } else { e / (1.0 + e) };
                        *z0 = cw * (sigmoid - yv);
                        cw * (log1pexp - yv * zz)
                    }
                    _ => {
                        let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                        // `fit` checked every target is below k.
                        let target_score = z.get(target).copied().unwrap_or(0.0);
                        // Each class's exponential once: for the sum, then for its probability.
                        z.iter_mut().for_each(|zc| *zc = (*zc - max).exp());
                        let sum: f64 = z.iter().sum();
                        let loss = cw * (max + sum.ln() - target_score);
                        for (c, zc) in z.iter_mut().enumerate() {
                            *zc = cw * (*zc / sum - if c == target { 1.0 } else { 0.0 });
                        }
                        loss
                    }
                };
            },
        );
        let loss: f64 = row_losses.iter().sum();
        let residuals = &scratch.residuals;
        let (grad_coefs, grad_intercepts) = grad.split_at_mut(coefs.len().min(grad.len()));
        grad_coefs.par_chunks_mut(m).with_min_len(256).enumerate().for_each(|(j, g)| {
            let (rows, values) = self.columns.get(j);
            g.iter_mut().for_each(|gc| *gc = 0.0);
            add_scaled_rows(g, residuals, rows, values);
            // L2 on weights only, not intercepts.
            let row = coefs.get(j * m..j * m + m).unwrap_or_default();
            for (gc, wc) in g.iter_mut().zip(row) {
                *gc += self.alpha * wc;
            }
        });
        grad_intercepts.iter_mut().for_each(|g| *g = 0.0);
        for z in residuals.chunks(m) {
            for (gc, zc) in grad_intercepts.iter_mut().zip(z) {
                *gc += zc;
            }
        }
        let penalty: f64 = dot(coefs, coefs);
        loss + 0.5 * self.alpha * penalty
    }

    fn to_classifier(&self, w: &[f64], iterations: usize, converged: bool) -> Classifier {
        let m = self.outputs();
        let d = self.n_cols;
        let (coefs, intercepts) = w.split_at((d * m).min(w.len()));
        let (weights, intercepts) = if m == 1 {
            // Binary: softmax over [-z/2, z/2] equals sigmoid(z) for the second class.
            let half: Vec<f32> = coefs.iter().map(|v| (v / 2.0) as f32).collect();
            let b = (intercepts.first().copied().unwrap_or(0.0) / 2.0) as f32;
            (vec![half.iter().map(|v| -v).collect(), half], vec![-b, b])
        } else {
            // Class c's weights are every m-th coefficient from c (feature-major layout).
            let weights = (0..m).map(|c| coefs.iter().skip(c).step_by(m).map(|&v| v as f32).collect()).collect();
            (weights, intercepts.iter().map(|&v| v as f32).collect())
        };
        Classifier { weights, intercepts, iterations, converged, calibration: None, decision: None }
    }
}

/// `sum += v * table[i * m..(i + 1) * m]` over the sparse pairs `(i, v)`, with `m` =
/// `sum.len()` the number of outputs: a row's class scores (table = weights) or a
/// column's gradient (table = residuals).
fn add_scaled_rows(sum: &mut [f64], table: &[f64], indices: &[u32], values: &[f32]) {
    match sum.len() {
        1 => {
            if let Some(s) = sum.first_mut() {
                *s += dot_sparse(table, indices, values);
            }
        }
        3 => add_rows::<3>(sum, table, indices, values),
        4 => add_rows::<4>(sum, table, indices, values),
        5 => add_rows::<5>(sum, table, indices, values),
        _ => add_rows_any(sum, table, indices, values),
    }
}

/// `sum of table[i] * v` over the sparse pairs `(i, v)`, in four running sums added in
/// a fixed order at the end: one sum would make each step wait for the one before (the
/// binary fits' row and column passes were most of a 10-fold run's time), and a fixed
/// order keeps the result the same bits on every run.
fn dot_sparse(table: &[f64], indices: &[u32], values: &[f32]) -> f64 {
    const LANES: usize = 4;
    let mut sums = [0.0f64; LANES];
    let (index_chunks, value_chunks) = (indices.chunks_exact(LANES), values.chunks_exact(LANES));
    let tail: f64 = index_chunks
        .remainder()
        .iter()
        .zip(value_chunks.remainder())
        .map(|(&i, &v)| table.get(i as usize).copied().unwrap_or(0.0) * v as f64)
        .sum();
    for (is, vs) in index_chunks.zip(value_chunks) {
        for ((sum, &i), &v) in sums.iter_mut().zip(is).zip(vs) {
            *sum += table.get(i as usize).copied().unwrap_or(0.0) * v as f64;
        }
    }
    sums.iter().sum::<f64>() + tail
}

/// [`add_scaled_rows`] with the number of outputs `M` a constant, so the inner loop
/// unrolls.
fn add_rows<const M: usize>(sum: &mut [f64], table: &[f64], indices: &[u32], values: &[f32]) {
    if sum.len() != M {
        return add_rows_any(sum, table, indices, values);
    }
    let Ok(sum) = <&mut [f64; M]>::try_from(sum) else { return };
    for (&i, &v) in indices.iter().zip(values) {
        let start = i as usize * M;
        if let Some(Ok(row)) = table.get(start..start + M).map(<&[f64; M]>::try_from) {
            for (s, t) in sum.iter_mut().zip(row) {
                *s += t * v as f64;
            }
        }
    }
}

/// [`add_scaled_rows`] for any number of outputs.
fn add_rows_any(sum: &mut [f64], table: &[f64], indices: &[u32], values: &[f32]) {
    let m = sum.len();
    for (&i, &v) in indices.iter().zip(values) {
        let start = i as usize * m;
        for (s, t) in sum.iter_mut().zip(table.get(start..start + m).unwrap_or_default()) {
            *s += t * v as f64;
        }
    }
}

/// A sparse matrix by rows or by columns with 32-bit indices: half the bytes of
/// sprs's `usize` indices to stream on every solver pass.
struct Compressed {
    starts: Vec<u32>,
    indices: Vec<u32>,
    values: Vec<f32>,
}

impl Compressed {
    /// The rows of `x` with 32-bit positions, which halve the memory the solver reads.
    ///
    /// # Errors
    /// [`Error::InvalidParams`] for more non-zero values than 32 bits can index, or a
    /// value that is not finite.
    fn rows_of(x: &SparseRows) -> Result<Compressed> {
        if x.0.nnz() > u32::MAX as usize {
            return Err(Error::InvalidParams {
                name: "data".into(),
                reason: format!("{} non-zero features: more than one fit can index (2^32)", x.0.nnz()),
            });
        }
        // A NaN or infinite value made the first loss NaN, and the fit returned all-zero
        // weights as converged: a model that gives every text its classes' even odds.
        for (row, values) in x.0.outer_iterator().enumerate() {
            if let Some((column, value)) = values.iter().find(|(_, value)| !value.is_finite()) {
                return Err(Error::InvalidParams {
                    name: "data".into(),
                    reason: format!("row {row}, column {column}: feature value {value} is not a finite number"),
                });
            }
        }
        Ok(Compressed::of(&x.0))
    }

    /// The transpose of `rows` (of `n_cols` columns), written straight into the
    /// solver's arrays: sprs's `to_csc` made another copy of the data (12 bytes a value)
    /// on the way, 0.4 GB for a million sentences. Rows are visited in order, so each
    /// column lists its rows in increasing order, as `to_csc` does.
    fn columns_of(rows: &Compressed, n_cols: usize) -> Compressed {
        let mut starts = vec![0u32; n_cols + 1];
        for &column in &rows.indices {
            if let Some(count) = starts.get_mut(column as usize + 1) {
                *count += 1;
            }
        }
        for column in 0..n_cols {
            let before = starts.get(column).copied().unwrap_or(0);
            if let Some(start) = starts.get_mut(column + 1) {
                *start += before;
            }
        }
        let mut next = starts.clone();
        let mut indices = vec![0u32; rows.indices.len()];
        let mut values = vec![0.0f32; rows.values.len()];
        for row in 0..rows.len() {
            let (columns, row_values) = rows.get(row);
            for (&column, &value) in columns.iter().zip(row_values) {
                let Some(slot) = next.get_mut(column as usize) else { continue };
                let at = *slot as usize;
                *slot += 1;
                if let (Some(index), Some(stored)) = (indices.get_mut(at), values.get_mut(at)) {
                    *index = row as u32;
                    *stored = value;
                }
            }
        }
        Compressed { starts, indices, values }
    }

    fn of(matrix: &sprs::CsMat<f32>) -> Compressed {
        Compressed {
            starts: matrix.indptr().raw_storage().iter().map(|&p| p as u32).collect(),
            indices: matrix.indices().iter().map(|&i| i as u32).collect(),
            values: matrix.data().to_vec(),
        }
    }

    /// Number of outer slots (rows, or columns).
    fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    /// The indices and values stored in outer slot `i`.
    fn get(&self, i: usize) -> (&[u32], &[f32]) {
        let span = self.starts.get(i).map_or(0, |&p| p as usize)..self.starts.get(i + 1).map_or(0, |&p| p as usize);
        (self.indices.get(span.clone()).unwrap_or_default(), self.values.get(span).unwrap_or_default())
    }
}

/// Dot product with eight running sums, added in a fixed order at the end: the
/// compiler can then use vector instructions (a single running sum forbids it), and
/// the result stays the same bits on every run.
fn dot(a: &[f64], b: &[f64]) -> f64 {
    const LANES: usize = 8;
    let mut sums = [0.0f64; LANES];
    let (a_chunks, b_chunks) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let tail: f64 = a_chunks.remainder().iter().zip(b_chunks.remainder()).map(|(x, y)| x * y).sum();
    for (x, y) in a_chunks.zip(b_chunks) {
        for ((sum, xi), yi) in sums.iter_mut().zip(x).zip(y) {
            *sum += xi * yi;
        }
    }
    sums.iter().sum::<f64>() + tail
}

/// Buffers [`Problem::evaluate`] reuses from call to call.
#[derive(Default)]
struct Scratch {
    residuals: Vec<f64>,
    row_losses: Vec<f64>,
}

/// Correction pairs L-BFGS keeps for `n` parameters: 10, as Nocedal & Wright suggest,
/// while they fit in [`HISTORY_BYTES`]; fewer (3 at least) for problems of many
/// classes times many n-grams, whose state took 4.2 GB for 200 classes of 1,804 BBC
/// articles (93,700 n-grams). Every fit up to 6.7 million parameters keeps 10.
fn history_pairs(n: usize) -> usize {
    (HISTORY_BYTES / (2 * std::mem::size_of::<f64>() * n.max(1))).clamp(3, 10)
}

/// The bytes L-BFGS's correction pairs may take before it keeps fewer of them.
const HISTORY_BYTES: usize = 1 << 30;

/// Limited-memory BFGS (Nocedal & Wright, Algorithm 7.4, keeping `memory` correction
/// pairs, [`history_pairs`]; the initial
/// matrix a scaled diagonal, as in their eq. 7.20 with a diagonal for the identity)
/// with Armijo backtracking. Returns the solution, the iterations run and whether it converged.
/// Every vector is allocated once: the oldest correction pair's buffers are reused
/// for the newest, so an iteration does not fault in fresh pages.
fn lbfgs(
    problem: &Problem<'_>,
    mut w: Vec<f64>,
    max_iterations: usize,
    tolerance: f64,
    memory: usize,
) -> (Vec<f64>, usize, bool) {
    let n = w.len();
    let inverse_diagonal: &[f64] = &problem.inverse_diagonal();
    let mut scratch = Scratch::default();
    let mut grad = vec![0.0; n];
    let mut loss = problem.evaluate(&w, &mut grad, &mut scratch);
    let g0 = dot(&grad, &grad).sqrt();
    if g0 == 0.0 {
        return (w, 0, true);
    }
    let mut history: std::collections::VecDeque<(Vec<f64>, Vec<f64>, f64)> = std::collections::VecDeque::new();
    let (mut direction, mut candidate, mut new_grad) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
    let (mut s_new, mut y_new) = (vec![0.0; n], vec![0.0; n]);
    let mut alphas = Vec::with_capacity(memory);
    for iteration in 1..=max_iterations {
        // Two-loop recursion: direction = -H grad.
        direction.copy_from_slice(&grad);
        alphas.clear();
        for (s, yv, rho) in history.iter().rev() {
            let a = rho * dot(s, &direction);
            direction.iter_mut().zip(yv).for_each(|(qi, yi)| *qi -= a * yi);
            alphas.push(a);
        }
        // Initial inverse Hessian: the inverse of the Hessian's diagonal at the start,
        // scaled by the latest curvature pair.
        let gamma = history
            .back()
            .map(|(s, yv, _)| {
                let yhy: f64 = yv.iter().zip(inverse_diagonal).map(|(y, h)| y * y * h).sum();
                dot(s, yv) / yhy
            })
            .unwrap_or(1.0);
        direction.iter_mut().zip(inverse_diagonal).for_each(|(v, h)| *v *= gamma * h);
        for ((s, yv, rho), a) in history.iter().zip(alphas.iter().rev()) {
            let b = rho * dot(yv, &direction);
            direction.iter_mut().zip(s).for_each(|(qi, si)| *qi += (a - b) * si);
        }
        direction.iter_mut().for_each(|v| *v = -*v);
        let mut slope = dot(&grad, &direction);
        if slope >= 0.0 {
            // Not a descent direction (numerical trouble): restart from steepest descent.
            history.clear();
            direction.iter_mut().zip(&grad).for_each(|(d, g)| *d = -g / g0);
            slope = dot(&grad, &direction);
        }
        let mut step = 1.0;
        let mut new_loss = None;
        for _ in 0..40 {
            candidate.iter_mut().zip(w.iter().zip(&direction)).for_each(|(c, (wi, di))| *c = wi + step * di);
            let trial = problem.evaluate(&candidate, &mut new_grad, &mut scratch);
            if trial.is_finite() && trial <= loss + 1e-4 * step * slope {
                new_loss = Some(trial);
                break;
            }
            step *= 0.5;
        }
        let Some(new_loss) = new_loss else {
            return (w, iteration, false);
        };
        s_new.iter_mut().zip(candidate.iter().zip(&w)).for_each(|(si, (a, b))| *si = a - b);
        y_new.iter_mut().zip(new_grad.iter().zip(&grad)).for_each(|(yi, (a, b))| *yi = a - b);
        let sy = dot(&s_new, &y_new);
        if sy > 1e-12 {
            // The oldest pair's buffers, when memory is full, take the next pair.
            let (s_free, y_free) = match history.len() {
                full if full >= memory => history.pop_front().map(|(s, y, _)| (s, y)).unwrap_or_default(),
                _ => (vec![0.0; n], vec![0.0; n]),
            };
            let s = std::mem::replace(&mut s_new, s_free);
            let y = std::mem::replace(&mut y_new, y_free);
            history.push_back((s, y, 1.0 / sy));
        }
        let decrease = loss - new_loss;
        std::mem::swap(&mut w, &mut candidate);
        std::mem::swap(&mut grad, &mut new_grad);
        loss = new_loss;
        let gnorm = dot(&grad, &grad).sqrt();
        if gnorm <= tolerance * g0 || decrease.abs() <= 1e-12 * loss.abs().max(1.0) {
            return (w, iteration, true);
        }
    }
    (w, max_iterations, false)
}

/// Fits a classifier on sparse rows and class indices with `params`.
///
/// # Errors
/// [`Error::InvalidParams`] for bad settings or targets, or a feature value that is
/// not finite.
pub fn fit(params: &LogisticParams, x: SparseRows, y: Array1<usize>) -> Result<Classifier> {
    let dataset = DatasetBase::new(x, y);
    params.fit(&dataset)
}

/// As [`fit`], with a weight per row (1 = an ordinary row).
///
/// # Errors
/// [`Error::InvalidParams`] for bad settings, targets or weights, or a feature value
/// that is not finite.
pub fn fit_weighted(params: &LogisticParams, x: SparseRows, y: Array1<usize>, weights: &[f64]) -> Result<Classifier> {
    if weights.len() != y.len() || weights.iter().any(|w| !(w.is_finite() && *w >= 0.0)) {
        return Err(Error::InvalidParams {
            name: "row weights".into(),
            reason: "one finite, non-negative weight per row is needed".into(),
        });
    }
    let params = params.check_ref()?;
    // Weights pass through f32 as linfa's dataset weights do in `Fit::fit`, so both
    // ways give the same model.
    let rows = Compressed::rows_of(&x)?;
    let n_cols = x.n_cols();
    drop(x);
    let problem = params.problem(rows, n_cols, &y, |row| weights.get(row).map_or(1.0, |&w| w as f32))?;
    Ok(params.solve(&problem))
}

#[cfg(test)]
mod tests {
    use super::*;
    use linfa_logistic::{LogisticRegression, MultiLogisticRegression};
    use ndarray::array;

    fn dense_to_sparse(x: &Array2<f64>) -> SparseRows {
        let rows = x
            .outer_iter()
            .map(|r| {
                let idx: Vec<u32> = (0..r.len() as u32).filter(|&j| r[j as usize] != 0.0).collect();
                let val = idx.iter().map(|&j| r[j as usize] as f32).collect();
                (idx, val)
            })
            .collect();
        SparseRows::from_rows(rows, x.ncols())
    }

    fn toy() -> (Array2<f64>, Vec<usize>) {
        let x = array![
            [1.0, 0.0, 0.5],
            [0.9, 0.1, 0.0],
            [0.8, 0.0, 0.3],
            [0.2, 1.0, 0.0],
            [0.0, 0.9, 0.4],
            [0.1, 0.8, 0.0],
            [0.0, 0.0, 1.0],
            [0.3, 0.2, 0.9],
            [0.1, 0.0, 0.8],
            [0.7, 0.6, 0.1]
        ];
        (x, vec![0, 0, 0, 1, 1, 1, 2, 2, 2, 0])
    }

    #[test]
    fn columns_are_the_transpose_sprs_gives() {
        // Rows with empty rows, empty columns (0, 5 and the last) and one full row.
        let rows = vec![
            (vec![1, 3, 4], vec![1.0, 2.0, 3.0]),
            (vec![], vec![]),
            (vec![1, 2, 3, 4, 6], vec![4.0, 5.0, 6.0, 7.0, 8.0]),
            (vec![2], vec![9.0]),
            (vec![4, 6], vec![10.0, 11.0]),
        ];
        let x = SparseRows::from_rows(rows, 8);
        let ours = Compressed::columns_of(&Compressed::rows_of(&x).unwrap(), x.n_cols());
        let theirs = Compressed::of(&x.0.to_csc());
        assert_eq!(ours.starts, theirs.starts);
        assert_eq!(ours.indices, theirs.indices);
        assert_eq!(ours.values, theirs.values);
        // By hand: column 4 holds rows 0, 2 and 4 with 3, 7 and 10; columns 0 and 7 nothing.
        assert_eq!(ours.get(4), (&[0u32, 2, 4][..], &[3.0f32, 7.0, 10.0][..]));
        assert_eq!(ours.get(0), (&[][..], &[][..]));
        assert_eq!(ours.len(), 8);
    }

    #[test]
    fn sparse_dot_sums_every_pair_across_its_lanes_and_tail() {
        // By hand: 6*1 + 1*2 + 3*3 + 2*4 + 5*5 = 50 (four pairs in the lanes, one in the tail).
        let table = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        assert_eq!(dot_sparse(&table, &[5, 0, 2, 1, 4], &[1.0, 2.0, 3.0, 4.0, 5.0]), 50.0);
        assert_eq!(dot_sparse(&table, &[3], &[0.5]), 2.0);
        assert_eq!(dot_sparse(&table, &[], &[]), 0.0);
    }

    #[test]
    fn binary_agrees_with_linfa_logistic() {
        let (x, y3) = toy();
        let y: Vec<usize> = y3.iter().map(|&c| usize::from(c == 1)).collect();
        let ours = fit(
            &LogisticParams::new().c(1.0).tolerance(1e-10).max_iterations(2000),
            dense_to_sparse(&x),
            Array1::from(y.clone()),
        )
        .unwrap();
        let targets = Array1::from(y.iter().map(|&c| if c == 1 { "b" } else { "a" }).collect::<Vec<_>>());
        let reference = LogisticRegression::default()
            .alpha(1.0)
            .gradient_tolerance(1e-10)
            .max_iterations(2000)
            .fit(&DatasetBase::new(x.clone(), targets))
            .unwrap();
        // linfa's params score its `pos` class; ours store w/2 in the row of class "b".
        let sign = if reference.labels().pos.class == "b" { 1.0 } else { -1.0 };
        assert!((reference.intercept() * sign - 2.0 * ours.intercepts[1] as f64).abs() < 1e-3);
        for j in 0..3 {
            let theirs = sign * reference.params()[j];
            let mine = 2.0 * ours.weights[1][j] as f64;
            assert!((theirs - mine).abs() < 1e-3, "feature {j}: linfa {theirs} vs ours {mine}");
        }
    }

    #[test]
    fn fewer_correction_pairs_for_very_large_problems_reach_the_same_optimum() {
        // Ten pairs up to 6.7 million parameters (the shipped models have 228,000), three
        // for 200 classes of 93,700 n-grams, whose ten pairs took 3 GB.
        assert_eq!(history_pairs(3 * 76_000), 10);
        assert_eq!(history_pairs(6_000_000), 10);
        assert_eq!(history_pairs(200 * 93_700), 3);
        assert_eq!(history_pairs(usize::MAX / 64), 3);
        assert_eq!(history_pairs(0), 10);
        // The optimum is the problem's: 3 pairs find the one 10 find.
        let (x, y) = toy();
        let x = dense_to_sparse(&x);
        let rows = Compressed::rows_of(&x).unwrap();
        let problem = Problem {
            columns: Compressed::columns_of(&rows, x.n_cols()),
            rows,
            n_cols: x.n_cols(),
            y: &y,
            row_weights: vec![1.0; y.len()],
            k: 3,
            alpha: 1.0,
        };
        let solve = |memory| lbfgs(&problem, vec![0.0; problem.n_params()], 2000, 1e-10, memory);
        let ((ten, _, converged_ten), (three, _, converged_three)) = (solve(10), solve(3));
        assert!(converged_ten && converged_three);
        for (a, b) in ten.iter().zip(&three) {
            assert!((a - b).abs() < 1e-6, "{a} vs {b}");
        }
    }

    #[test]
    fn multinomial_agrees_with_linfa_logistic() {
        let (x, y) = toy();
        let ours = fit(
            &LogisticParams::new().c(1.0).tolerance(1e-10).max_iterations(2000),
            dense_to_sparse(&x),
            Array1::from(y.clone()),
        )
        .unwrap();
        let reference = MultiLogisticRegression::default()
            .alpha(1.0)
            .gradient_tolerance(1e-10)
            .max_iterations(2000)
            .fit(&DatasetBase::new(x.clone(), Array1::from(y.clone())))
            .unwrap();
        // Softmax weights are identifiable under L2 (they sum to 0 per feature), so the
        // coefficients themselves must agree, not only the probabilities.
        let theirs = reference.params();
        for j in 0..3 {
            for c in 0..3 {
                let mine = ours.weights[c][j] as f64;
                assert!((theirs[[j, c]] - mine).abs() < 1e-3, "w[{j},{c}]: linfa {} vs ours {mine}", theirs[[j, c]]);
            }
        }
        let p_ref = reference.predict_probabilities(&x);
        let p_ours = ours.predict_probabilities(&dense_to_sparse(&x));
        for (a, b) in p_ref.iter().zip(p_ours.iter()) {
            assert!((a - b).abs() < 1e-3);
        }
    }

    #[test]
    fn a_calibrated_classifier_labels_by_its_scores_and_reports_calibrated_probabilities() {
        // One feature; scores (1.0, 0.2, 0.9) for a row whose value is 1.
        let mut classifier = Classifier {
            weights: vec![vec![1.0], vec![0.2], vec![0.9]],
            intercepts: vec![0.0; 3],
            iterations: 1,
            converged: true,
            calibration: None,
            decision: None,
        };
        let (label, p) = classifier.classify(&[0], &[1.0]);
        assert_eq!((label, argmax(p.iter().copied())), (0, 0));
        // Offsets that make class 1 the most probable (z = 0.5, 1.6, -0.55) leave the
        // label alone, in every path that labels.
        classifier.calibration = Some(Calibration {
            temperature: 2.0,
            offsets: vec![0.0, 1.5, -1.0],
            folds: 5,
            rows: 100,
            log_loss_before: 1.0,
            log_loss_after: 0.9,
        });
        let (label, p) = classifier.classify(&[0], &[1.0]);
        assert_eq!((label, argmax(p.iter().copied())), (0, 1));
        assert_eq!(p, classifier.probabilities(&[0], &[1.0]));
        let x = SparseRows::from_rows(vec![(vec![0], vec![1.0]), (vec![], vec![])], 1);
        let (labels, rows) = classifier.classify_rows(&x);
        assert_eq!(labels, [0, 0]);
        assert_eq!(rows.row(0).to_vec(), p);
        let mut predicted = Array1::zeros(2);
        classifier.predict_inplace(&x, &mut predicted);
        assert_eq!(predicted.to_vec(), [0, 0]);
        // A decision's offsets move the label (scores + offsets: 1.0, 0.2, 1.2) in every
        // path, and leave the probabilities alone.
        classifier.decision = Some(Decision {
            offsets: vec![0.0, 0.0, 0.3],
            folds: 5,
            rows: 100,
            macro_f1_before: 0.5,
            macro_f1_after: 0.6,
        });
        let (label, q) = classifier.classify(&[0], &[1.0]);
        assert_eq!((label, q), (2, p));
        // The empty row's scores are the intercepts (0, 0, 0): the offset decides it too.
        assert_eq!(classifier.classify_rows(&x).0, [2, 2]);
        classifier.predict_inplace(&x, &mut predicted);
        assert_eq!(predicted.to_vec(), [2, 2]);
    }

    #[test]
    fn probabilities_sum_to_one_and_follow_class_names() {
        let (x, y3) = toy();
        let y: Vec<usize> = y3.iter().map(|&c| usize::from(c == 1)).collect();
        let model = fit(&LogisticParams::new(), dense_to_sparse(&x), Array1::from(y)).unwrap();
        let p = model.predict_probabilities(&dense_to_sparse(&x));
        for row in p.outer_iter() {
            assert!((row.sum() - 1.0).abs() < 1e-9);
        }
        // Row 3 is class 1 ("b"-like): its probability of class 1 is the larger.
        assert!(p[[3, 1]] > 0.5 && p[[0, 0]] > 0.5);
    }

    #[test]
    fn rejects_nonpositive_c() {
        assert!(LogisticParams::new().c(-1.0).check().unwrap_err().to_string().contains("--c"));
        assert!(LogisticParams::new().c(0.0).check().is_err());
    }

    #[test]
    fn rejects_feature_values_that_are_not_finite() {
        // Row 1 holds NaN (or an infinity) in column 2: both fits name it. Either used to
        // return all-zero weights as converged, even odds for every text.
        for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
            let rows = || {
                let rows = vec![(vec![0], vec![1.0]), (vec![1, 2], vec![1.0, bad]), (vec![0], vec![0.5])];
                SparseRows::try_from_rows(rows, 3).unwrap()
            };
            let y = Array1::from(vec![0, 1, 0]);
            let error = fit(&LogisticParams::new(), rows(), y.clone()).unwrap_err().to_string();
            assert_eq!(error, format!("invalid data: row 1, column 2: feature value {bad} is not a finite number"));
            let weighted = fit_weighted(&LogisticParams::new(), rows(), y, &[1.0; 3]).unwrap_err().to_string();
            assert_eq!(weighted, error);
        }
    }

    #[test]
    fn balanced_weights_lift_the_minority_class() {
        // 8 rows of class 0 and 2 of class 1 sharing a weak feature.
        let x = Array2::from_shape_fn((10, 2), |(i, j)| if j == 0 || i >= 8 || i == 0 { 1.0 } else { 0.0 });
        let y = Array1::from(vec![0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
        let plain = fit(&LogisticParams::new(), dense_to_sparse(&x), y.clone()).unwrap();
        let balanced = fit(&LogisticParams::new().class_weight(ClassWeight::Balanced), dense_to_sparse(&x), y).unwrap();
        let row = dense_to_sparse(&x).select(&[9]).unwrap();
        assert!(balanced.predict_probabilities(&row)[[0, 1]] > plain.predict_probabilities(&row)[[0, 1]]);
    }
}
