"""Type stubs of the compiled half of stancekit (src/lib.rs). Import ``stancekit``."""

import os
from typing import Any, Iterable, Literal

import numpy as np
import numpy.typing as npt

__version__: str

class ModelError(Exception):
    """A model file that cannot be used: missing or unreadable, damaged (bad JSON or
    checksum), or of another format version. The message is the one the CLI prints."""

class Model:
    """A trained stancekit model: one task, its labels, featurizer and classifier.

    Get one with ``stancekit.load(path)``, ``stancekit.builtin(task)`` or
    ``stancekit.train(texts, labels)``. Immutable and thread-safe; batch methods
    release the GIL and run in parallel. Pickles as the bytes of its model file."""

    @property
    def task(self) -> str:
        """The task name: the key of this model's predictions in ``classify_article``."""
    @property
    def labels(self) -> list[str]:
        """Class labels, in the order of ``predict_proba``'s columns."""
    @property
    def classes_(self) -> list[str]:
        """Class labels (scikit-learn's name for ``labels``)."""
    @property
    def n_features(self) -> int:
        """Number of feature columns (n-grams and cue columns)."""
    @property
    def calibration(self) -> dict[str, Any] | None:
        """How the probabilities are calibrated (``temperature``, ``offsets`` by label,
        ``folds``, ``rows``, ``log_loss_before``, ``log_loss_after``), or None."""
    @property
    def decision(self) -> dict[str, Any] | None:
        """The offsets added to the scores before the label is taken (``offsets`` by
        label, ``folds``, ``rows``, ``macro_f1_before``, ``macro_f1_after``), or None."""
    @property
    def origin(self) -> str:
        """Where the model came from: a path, ``<bytes>`` or ``<train>``."""
    def predict(self, texts: Iterable[str]) -> list[str]:
        """The label of each text: the model's decision, the class of its highest score.
        For a calibrated model this is not always the most probable class of
        ``predict_proba`` (README, "Labels and probabilities").

        Raises ValueError for an empty or blank text or one holding a lone surrogate,
        TypeError for a non-str item."""
    def predict_proba(self, texts: Iterable[str]) -> npt.NDArray[np.float64]:
        """Class probabilities, shape (n_texts, n_labels), columns in ``labels`` order,
        rows summing to 1.

        Raises ValueError for an empty or blank text or one holding a lone surrogate,
        TypeError for a non-str item."""
    def explain(self, text: str, top: int = 5) -> dict[str, Any]:
        """``{"label": str, "probabilities": {label: float}, "explanation":
        [{"feature": str, "contribution": float}, ...]}``: the ``top`` features that
        pushed hardest toward or away from the label, largest first (as
        ``stancekit predict --explain N --format json``).

        Raises ValueError for an empty text or a negative ``top``."""
    def save(self, path: str | bytes | os.PathLike[str]) -> None:
        """Writes the model file atomically, in the format ``stancekit predict --model``
        reads. Raises ModelError when it cannot be written."""
    def to_bytes(self) -> bytes:
        """The model file's bytes (what ``save`` writes)."""
    @staticmethod
    def from_bytes(data: bytes, name: str = "<bytes>") -> Model:
        """A model from a model file's bytes, checked as ``load`` checks a file.
        Raises ModelError when they are not a valid model of this version, TypeError
        for a str (a file read in text mode)."""
    def __reduce__(self) -> tuple[Any, tuple[bytes, str]]: ...

def load(path: str | bytes | os.PathLike[str]) -> Model:
    """Loads a model file. Raises ModelError when it is missing, unreadable, damaged or
    of another format version, with the CLI's message."""

def train(
    texts: Iterable[str],
    labels: Iterable[str],
    *,
    task: str = "label",
    ngram_min: int = 1,
    ngram_max: int = 2,
    min_df: int = 2,
    max_features: int | None = None,
    weighting: Literal["tfidf", "binary"] = "tfidf",
    sublinear_tf: bool = True,
    negation: bool = True,
    lexicon: str | bytes | os.PathLike[str] | None = None,
    cue_ngrams: bool = False,
    word_classes: str | bytes | os.PathLike[str] | None = None,
    cue_scale: float = 1.0,
    nb_scale: bool = True,
    stem: bool = True,
    char_ngrams: tuple[int, int] | list[int] | None = None,
    punctuation: bool = True,
    c: float = 4.0,
    class_weight: Literal["none", "balanced"] = "none",
    max_iterations: int = 300,
    tolerance: float = 1e-3,
    tune: bool = False,
    seed: int = 42,
    sample_weight: Iterable[float] | None = None,
    calibration_folds: int = 5,
    decision: Literal["highest-score", "macro-f1"] = "highest-score",
) -> Model:
    """Trains a model as ``stancekit train`` does, with the same options and defaults
    (each option is the CLI flag of the same name; ``sublinear_tf=False`` is
    ``--no-sublinear-tf``, ``negation=False`` is ``--no-negation``, ``nb_scale=False`` is
    ``--no-nb-scale``, ``stem=False`` is ``--no-stem``, ``char_ngrams=(3, 5)`` is ``--char-ngrams 3-5``,
    ``punctuation=False`` is ``--no-punctuation``; ``sample_weight``
    weighs each row, as ``--data-weight`` weighs each file; ``calibration_folds=0`` trains
    without calibrating the probabilities; ``decision="macro-f1"`` adds per-class offsets to
    the scores, chosen on the same out-of-fold scores to maximise macro-F1). Classes are the sorted distinct labels.

    Raises ValueError for bad data or options (empty text, one class, bad n-gram range,
    c <= 0, ...) with the CLI's message, and for a negative count (``min_df=-1``) naming
    the parameter; OSError for an unreadable lexicon."""

def classify_article(text: str, models: Model | Iterable[Model], id: str = "article", explain: int = 0) -> dict[str, Any]:
    """See ``stancekit.classify_article``."""

def _label_rows(
    models: Model | Iterable[Model], texts: Iterable[str | None]
) -> tuple[list[str | None], list[tuple[list[str | None], npt.NDArray[np.float64]]]]:
    """For stancekit.spark: labels rows without raising on empty ones."""

def _label_articles(models: Model | Iterable[Model], texts: Iterable[str | None]) -> dict[str, Any]:
    """For stancekit.spark: splits and labels articles without raising on empty ones."""
