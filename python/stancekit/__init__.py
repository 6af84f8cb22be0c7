"""stancekit: label news sentences for cooperation, accusation and sentiment.

The Rust library behind the ``stancekit`` command line, as a Python package. Every
computation happens in Rust (``stancekit._stancekit``); this module adds only the
shipped models' location and the default model set.

>>> import stancekit
>>> model = stancekit.builtin("sentiment")
>>> model.labels
['negative', 'neutral', 'positive']
>>> model.predict(["The talks ended in a bitter row."])       # doctest: +SKIP
['negative']
>>> model.predict_proba(["The talks ended in a bitter row."])  # doctest: +SKIP
array([[0.71, 0.2 , 0.09]])

Entry points:

- ``load(path)`` / ``builtin(task)`` -> ``Model`` (``.labels``, ``.predict``,
  ``.predict_proba``, ``.explain``, ``.save``; picklable);
- ``classify_article(text, models=None)`` -> sentences with spans, labels and
  probabilities, and the article summary, as the CLI's JSON Lines rows;
- ``train(texts, labels, **options)`` -> ``Model``, with the CLI's options and defaults;
- ``stancekit.spark`` labels Spark DataFrames (``mapInPandas``).

Errors: ``ValueError`` for bad input, ``stancekit.ModelError`` for model files, with the
CLI's messages.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Iterable

from ._stancekit import Model, ModelError, __version__, load, train
from ._stancekit import _load_builtin
from ._stancekit import classify_article as _classify_article

__all__ = [
    "BUILTIN_TASKS",
    "Model",
    "ModelError",
    "__version__",
    "builtin",
    "builtin_path",
    "classify_article",
    "load",
    "train",
]

#: The shipped models, in the order the CLI applies them when given no ``--model``.
BUILTIN_TASKS: tuple[str, ...] = ("cooperation", "accusation", "sentiment")

_PACKAGE_MODELS = Path(__file__).resolve().parent / "models"


def builtin_path(task: str) -> Path:
    """The file of the shipped model for ``task``.

    Looked for, as the CLI does, in ``$STANCEKIT_MODELS`` when it is set, else in the
    models installed with this package. A ``$STANCEKIT_MODELS`` that is empty, is no
    directory or lacks the file is a ModelError, as in the CLI: it used to fall back to
    the installed models without a word, labelling with other models than the ones
    pointed to.

    Raises TypeError for a task that is not a str, ValueError for a task that has no
    shipped model, ModelError when the file is missing.
    """
    # None (an unset setting) or a number was said as "no built-in model for task 'None'",
    # as if it were a task's name.
    if not isinstance(task, str):
        raise TypeError(f"task must be a str, not {type(task).__name__} (one of: {', '.join(BUILTIN_TASKS)})")
    if task not in BUILTIN_TASKS:
        raise ValueError(f"no built-in model for task '{task}' (expected one of: {', '.join(BUILTIN_TASKS)})")
    directory = os.environ.get("STANCEKIT_MODELS")
    if directory is not None:
        expected = "a directory holding cooperation.json, accusation.json and sentiment.json"
        if directory == "":
            raise ModelError(f"STANCEKIT_MODELS is set but empty (set it to {expected}, or unset it)")
        if not Path(directory).is_dir():
            raise ModelError(f"STANCEKIT_MODELS={directory} is not a directory (set it to {expected}, or unset it)")
        path = Path(directory) / f"{task}.json"
        if not path.is_file():
            raise ModelError(f"STANCEKIT_MODELS={directory} has no {task}.json (set it to {expected}, or unset it)")
        return path
    path = _PACKAGE_MODELS / f"{task}.json"
    if path.is_file():
        return path
    raise ModelError(f"the shipped model '{task}.json' was not found in {_PACKAGE_MODELS} (reinstall stancekit)")


@functools.lru_cache(maxsize=None)
def _builtin(path: str, task: str) -> Model:
    return _load_builtin(path, task)


def builtin(task: str) -> Model:
    """The shipped model for ``task``: ``"cooperation"``, ``"accusation"`` or ``"sentiment"``.

    Loaded once per process and shared (models are immutable).

    Raises TypeError for a task that is not a str, ValueError for an unknown task,
    ModelError when the file is missing or damaged, or holds another task's model (a
    model copied into ``$STANCEKIT_MODELS`` under the wrong name was returned as if it
    were the task's: the CLI refuses it too).
    """
    return _builtin(str(builtin_path(task)), task)


def classify_article(
    text: str,
    models: Model | Iterable[Model] | None = None,
    *,
    id: str | int = "article",
    explain: int = 0,
) -> dict:
    """Split an article into sentences and label each with every model.

    A web page (a text that opens with ``<!doctype html>`` or ``<html>``, as
    ``requests.get(url).text`` gives) is read as the text of its story, as ``stancekit
    predict page.html`` reads it: without scripts, menus, asides and footers; ``start``
    and ``end`` are then offsets into that text.

    models: a Model or several (their tasks must differ); None for the three shipped
    models, as ``stancekit predict`` without ``--model``.
    id: the ``id`` field of the rows (an int is written as its digits). explain: the number of features to list per
    sentence and task (``--explain N``), 0 for none.

    Returns ``{"sentences": [...], "summary": {...}}``: one dict per sentence with the
    fields of the CLI's JSON Lines ``sentence`` rows (``sentence`` index, ``start`` /
    ``end`` byte offsets into the UTF-8 text, ``text``, ``predictions`` as
    ``{task: {"label": L, "probabilities": {label: p}}}``, ``actors`` for accusations and
    denials), and the ``article`` row (``n_sentences``, ``counts``, ``tone``, shares,
    ``top_accusation``, ``top_denial``). Probabilities are rounded to 6 decimals, as in
    the CLI's output; ``Model.predict_proba`` gives them unrounded.

    Raises ValueError for an empty text, two models with the same task or a negative
    ``explain``; TypeError for an ``id`` that is neither a str nor an int.
    """
    if models is None:
        models = [builtin(task) for task in BUILTIN_TASKS]
    return _classify_article(text, models, id=id, explain=explain)
