"""Label Spark DataFrames with stancekit models.

Input: a DataFrame with a string column of sentences (``label_sentences``) or of
articles (``label_articles``), and models given as shipped task names, model file
paths, or ``Model`` objects. Output: a DataFrame with, for each model, a label column
``<task>`` and one probability column ``<task>_p_<label>`` per class, plus an error
column (null unless the row's text was empty or null; such rows keep null labels and
probabilities, as the CLI gives them an ``error`` field and goes on).

How the models reach the executors: a model file or ``Model`` is shipped once with
``SparkContext.addFile``, as the bytes the driver loaded in a file named by their content
(so a model written again at the same path is shipped again, never served stale), or read
from a path every node sees (``shared_path=True``, checked against the driver's copy); a
shipped task name is read from the stancekit package installed on each node. Each
executor Python process loads each model the first time a batch needs it and keeps it
in a module-level cache, so a model is loaded once per process, never per row or per
batch. The work runs in ``mapInPandas``: Arrow batches (``spark.sql.execution.arrow.
maxRecordsPerBatch`` rows, 10,000 by default) go to Rust in one call each, which
featurizes and scores the batch in parallel (rayon, one thread per core unless
``RAYON_NUM_THREADS`` is set in the executor environment) with the GIL released.

Every node needs the same stancekit wheel installed (``pip install``, or a packed
virtual environment in ``spark.archives``); see python/README.md, "On a Spark cluster".
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Sequence, Union

from . import BUILTIN_TASKS, Model, ModelError, _stancekit, builtin, builtin_path, load

if TYPE_CHECKING:  # pyspark and pandas are needed only where this module is used
    import pandas as pd
    from pyspark.sql import DataFrame

__all__ = ["label_sentences", "label_articles", "ModelSpec"]

#: What names a model: a shipped task name, a model file path, or a Model.
ModelSpec = Union[str, "os.PathLike[str]", Model]

#: Executor-side cache: one Model per model reference, per Python process.
_MODELS: dict[tuple[str, ...], Model] = {}
#: How many times this process loaded each model reference (tests check it stays 1).
_LOADS: dict[tuple[str, ...], int] = {}

#: Where the driver writes the model files it ships, each named by its content.
_SHIP_DIR = Path(tempfile.gettempdir()) / "stancekit-spark"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def _load_on_executor(ref: tuple[str, ...]) -> Model:
    """The model for a reference, loaded on first use in this process."""
    model = _MODELS.get(ref)
    if model is None:
        kind, value = ref[0], ref[1]
        if kind == "builtin":
            model = builtin(value)
        elif kind == "file":
            from pyspark import SparkFiles

            model = load(SparkFiles.get(value))
        else:
            model = load(value)
            # A path every node reads: the model the driver read there, or none.
            if _digest(model.to_bytes()) != ref[2]:
                raise ModelError(
                    f"{value}: the model file changed after label_sentences or label_articles read it on the driver "
                    "(written again while the job ran?): label again once it is written, or pass shared_path=False "
                    "to ship the driver's copy"
                )
        _MODELS[ref] = model
        _LOADS[ref] = _LOADS.get(ref, 0) + 1
    return model


def _shipped_file(model: Model, stem: str) -> Path:
    """The model's bytes in a file named by its content (``<stem>-<sha256 prefix>.json``),
    written once, atomically. A model file written again at the same path (retrained in
    the same session) is a new name: ``addFile`` keeps serving the first file of a name
    and executors cache a model by its reference, so the old model used to go on
    labelling (and a changed label set failed the job with a KeyError)."""
    data = model.to_bytes()
    # The stem is for people reading the directory; a task may hold '/' or spaces.
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", stem).strip("._")[:64] or "model"
    _SHIP_DIR.mkdir(parents=True, exist_ok=True)
    path = _SHIP_DIR / f"{safe}-{_digest(data)}.json"
    if not path.exists():
        # A partial file of its own for each writer: one named by the process id alone was
        # shared by the driver's threads (jobs started from a thread pool), and a thread's
        # os.replace found it moved by another's: FileNotFoundError.
        handle, partial = tempfile.mkstemp(dir=_SHIP_DIR, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as f:
                f.write(data)
            os.replace(partial, path)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
    return path


def _ship(
    spark_context, models: ModelSpec | Sequence[ModelSpec], shared_path: bool
) -> list[tuple[tuple[str, ...], Model]]:
    """Resolves model specs on the driver: loads each once (for its task and labels)
    and decides how executors will find it: a shipped task by name, anything else as the
    bytes the driver loaded, shipped with ``addFile`` in a file named by its content, or
    read from a path every node sees (``shared_path``) and checked against them."""
    specs = _model_specs(models)
    resolved = []
    for name, spec in specs:
        if isinstance(spec, Model):
            builtin_task = _builtin_task_of(spec)
            if builtin_task is not None:
                resolved.append((("builtin", builtin_task), spec))
                continue
            path = _shipped_file(spec, spec.task)
            spark_context.addFile(str(path))
            resolved.append((("file", path.name), spec))
        elif isinstance(spec, str) and spec in BUILTIN_TASKS and not Path(spec).exists():
            resolved.append((("builtin", spec), builtin(spec)))
        else:
            _check_model_path(name, spec)
            path = Path(spec).resolve()
            model = load(path)
            if shared_path:
                resolved.append((("path", str(path), _digest(model.to_bytes())), model))
            else:
                shipped = _shipped_file(model, path.stem)
                spark_context.addFile(str(shipped))
                resolved.append((("file", shipped.name), model))
    tasks = [m.task for _, m in resolved]
    duplicates = sorted({t for t in tasks if tasks.count(t) > 1})
    if duplicates:
        raise ValueError(f"two models have the task '{duplicates[0]}' (each task names its output columns)")
    if not resolved:
        raise ValueError("no models given")
    return resolved


_WHAT_MODELS_ARE = "a shipped task name (cooperation, accusation, sentiment), a model file path or a Model"


def _model_specs(models) -> list[tuple[str, ModelSpec]]:
    """The models argument as (name for messages, spec) pairs: one spec, or an iterable of
    them. Paths given as bytes are decoded as os.fsdecode does. Anything else is a
    TypeError naming it: None or a number used to say "'NoneType' object is not
    iterable", bytes were iterated as numbers ("expected str, bytes or os.PathLike object,
    not int"), and a dict gave its keys."""
    if isinstance(models, bytes):
        models = os.fsdecode(models)
    if isinstance(models, (str, os.PathLike, Model)):
        return [("models", models)]
    kind = type(models).__name__
    if isinstance(models, Mapping) or not isinstance(models, Iterable):
        raise TypeError(f"models must be {_WHAT_MODELS_ARE}, or a list of them, not {kind}")
    specs = []
    for i, spec in enumerate(models):
        if isinstance(spec, bytes):
            spec = os.fsdecode(spec)
        if not isinstance(spec, (str, os.PathLike, Model)):
            raise TypeError(f"models[{i}] is {type(spec).__name__}, not {_WHAT_MODELS_ARE}")
        specs.append((f"models[{i}]", spec))
    return specs


def _check_model_path(name: str, spec: "str | os.PathLike[str]") -> None:
    """Refuses a path that names no file in a way that says why: an empty one (it resolved
    to the working directory: "is a directory, not a model file"), or a word that is no
    file and no shipped task (a misspelt task was "ModelError: <cwd>/sentimnt: No such
    file or directory")."""
    text = os.fspath(spec)
    if text == "":
        raise ModelError(f"{name} is an empty path ('' names no file; give {_WHAT_MODELS_ARE})")
    if Path(text).exists() or os.sep in text or (os.altsep and os.altsep in text) or Path(text).suffix:
        return
    close = difflib.get_close_matches(text.lower(), BUILTIN_TASKS, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise ModelError(
        f"{name} '{text}' is not a shipped task and no file of that name exists (the shipped tasks are "
        f"{', '.join(BUILTIN_TASKS)}; a model file is named by its path, e.g. models/{text}.json{hint})"
    )


def _builtin_task_of(model: Model) -> str | None:
    """The task of a shipped model object (so executors read their own copy)."""
    if model.task not in BUILTIN_TASKS:
        return None
    try:
        same = Path(model.origin).resolve() == builtin_path(model.task).resolve()
    except (OSError, ValueError, ModelError):
        return None
    return model.task if same else None


def _label_columns(model: Model, prefix: str) -> list[tuple[str, str]]:
    """(column name, Spark type) of one model's output columns."""
    task = f"{prefix}{model.task}"
    return [(task, "string")] + [(f"{task}_p_{label}", "double") for label in model.labels]


def _output_schema(df: "DataFrame", drop: Sequence[str], added: list[tuple[str, str]], error_col: str):
    from pyspark.sql.types import DoubleType, LongType, StringType, StructField, StructType

    types = {"string": StringType(), "double": DoubleType(), "long": LongType()}
    kept = [f for f in df.schema.fields if f.name not in drop]
    # Spark matches column names regardless of case unless spark.sql.caseSensitive is
    # set: an added 'sentiment' beside an input 'Sentiment' made a DataFrame whose column
    # could not be selected ("AMBIGUOUS_REFERENCE") nor written ("COLUMN_ALREADY_EXISTS").
    case_sensitive = str(df.sparkSession.conf.get("spark.sql.caseSensitive", "false")).lower() == "true"

    def key(name: str) -> str:
        return name if case_sensitive else name.lower()

    names = {key(f.name): f.name for f in kept}
    for name, _ in added:
        taken = names.get(key(name))
        if taken is not None:
            spelt = "" if taken == name else f" as '{taken}' (Spark matches column names regardless of case)"
            # Said of the argument that chose the name: "choose another prefix" did not
            # help when the error column was the one taken.
            if name == error_col:
                in_df = any(key(c) == key(name) for c in df.columns)
                where = "a column of the DataFrame" if in_df else "the name of an output column"
                raise ValueError(f"error_col '{name}' is already {where}{spelt} (choose another error_col)")
            raise ValueError(f"column '{name}' is already in the DataFrame{spelt} (choose another prefix)")
        names[key(name)] = name
    return StructType(kept + [StructField(name, types[kind], True) for name, kind in added])


def _check_arguments(df, text_col, prefix, error_col) -> None:
    """Arguments of the wrong type, said before Spark or pandas stumble on them: a pandas
    DataFrame had "'DataFrame' object has no attribute 'schema'", and prefix=None named
    the columns "Nonesentiment"."""
    if type(df).__name__ != "DataFrame" or not hasattr(df, "mapInPandas"):
        hint = " (make one with spark.createDataFrame(df))" if type(df).__module__.startswith("pandas") else ""
        raise TypeError(f"df must be a Spark DataFrame, not {type(df).__module__}.{type(df).__name__}{hint}")
    for name, value in [("text_col", text_col), ("prefix", prefix), ("error_col", error_col)]:
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    if not error_col:
        raise ValueError("error_col is empty (name the column that says why a row has no labels)")


def _run_batches(df: "DataFrame", run, schema, text_col: str, drop_text: bool) -> "DataFrame":
    """``df.mapInPandas(run, schema)`` on the DataFrame's columns renamed by position, and
    the result renamed back: pyspark's mapInPandas looks each input column up by name, so
    a name with a dot ('a.text', as flattened JSON has) failed with "A column ... with name
    `a`.`text` cannot be resolved" whatever column held the text. ``run`` is called with
    the renamed text column's name."""
    from pyspark.sql.types import StructField, StructType

    names = df.columns
    renamed = [f"__stancekit_{i}" for i in range(len(names))]
    text_at = names.index(text_col)
    safe_text = renamed[text_at]
    # The schema holds the kept input columns first, in order, then the added ones.
    kept = [safe for i, safe in enumerate(renamed) if not (drop_text and i == text_at)]
    fields = []
    for i, field in enumerate(schema.fields):
        if i < len(kept):
            name = kept[i]
        elif drop_text and field.name == text_col:
            name = safe_text
        else:
            name = field.name
        fields.append(StructField(name, field.dataType, field.nullable))
    safe_schema = StructType(fields)
    out = df.toDF(*renamed).mapInPandas(run(safe_text, safe_schema.fieldNames()), safe_schema)
    return out.toDF(*schema.fieldNames())


def _check_text_column(df: "DataFrame", text_col: str) -> None:
    from pyspark.sql.types import StringType

    if text_col not in df.columns:
        raise ValueError(f"no column '{text_col}' (columns found: {', '.join(df.columns)}; choose one with text_col)")
    # Two columns of that name (a join's, or a select that repeats one): the first was
    # labelled by label_sentences without a word, and label_articles failed on the
    # executors with an Arrow conversion error, as the CLI refuses such a header.
    if df.columns.count(text_col) > 1:
        raise ValueError(
            f"column '{text_col}' appears {df.columns.count(text_col)} times in the DataFrame, so which holds the "
            "texts cannot be known (rename or drop the others, e.g. after a join)"
        )
    if not isinstance(df.schema[text_col].dataType, StringType):
        raise TypeError(f"column '{text_col}' is {df.schema[text_col].dataType.simpleString()}, not string")


def _texts(column: "pd.Series") -> list[str | None]:
    # Nulls arrive as None or NaN depending on the pandas string dtype.
    return [t if isinstance(t, str) else None for t in column.tolist()]


def _add_label_columns(out: "pd.DataFrame", models, results, prefix: str) -> None:
    """Adds each model's label column and one probability column per class."""
    for model, (labels, probabilities) in zip(models, results):
        task = f"{prefix}{model.task}"
        out[task] = labels
        for j, label in enumerate(model.labels):
            out[f"{task}_p_{label}"] = probabilities[:, j]


def _sentence_batches(
    batches: Iterator["pd.DataFrame"],
    refs: list[tuple[str, ...]],
    text_col: str,
    prefix: str,
    error_col: str,
    columns: list[str],
) -> Iterator["pd.DataFrame"]:
    models = [_load_on_executor(ref) for ref in refs]
    for batch in batches:
        errors, results = _stancekit._label_rows(models, _texts(batch[text_col]))
        out = batch.copy()
        _add_label_columns(out, models, results, prefix)
        out[error_col] = errors
        yield out[columns]


def label_sentences(
    df: "DataFrame",
    models: ModelSpec | Sequence[ModelSpec],
    text_col: str = "text",
    *,
    prefix: str = "",
    error_col: str = "stancekit_error",
    shared_path: bool = False,
) -> "DataFrame":
    """Label each row's text as one unit (a sentence, a headline, a review).

    models: one or several of: a shipped task name (``"cooperation"``), a model file
    path, or a Model (from ``stancekit.load``, ``builtin`` or ``train``). Files are
    shipped with ``SparkContext.addFile`` unless ``shared_path=True`` says every node
    reads the same path (HDFS-mounted, NFS, ...).

    Returns ``df`` with, per model, ``<prefix><task>`` (the label) and
    ``<prefix><task>_p_<label>`` (each class's probability, as ``Model.predict_proba``),
    and ``error_col`` (null, or why the row has no labels). Labels and probabilities are
    those of ``stancekit predict --input-format lines`` on the same texts.
    """
    _check_arguments(df, text_col, prefix, error_col)
    _check_text_column(df, text_col)
    resolved = _ship(df.sparkSession.sparkContext, models, shared_path)
    added = [c for _, m in resolved for c in _label_columns(m, prefix)] + [(error_col, "string")]
    schema = _output_schema(df, [], added, error_col)

    run = _batch_runner(_sentence_batches, resolved, prefix, error_col)
    return _run_batches(df, run, schema, text_col, drop_text=False)


def _batch_runner(batches, resolved, prefix: str, error_col: str):
    """What ``_run_batches`` calls with the text column's name as the batches see it and
    the output columns: ``batches`` (``_sentence_batches`` or ``_article_batches``) bound
    to the shipped models and the column names."""

    def run(safe_text: str, columns: list[str]):
        return functools.partial(
            batches,
            refs=[ref for ref, _ in resolved],
            text_col=safe_text,
            prefix=prefix,
            error_col=error_col,
            columns=columns,
        )

    return run


def _article_batches(
    batches: Iterator["pd.DataFrame"],
    refs: list[tuple[str, ...]],
    text_col: str,
    prefix: str,
    error_col: str,
    columns: list[str],
) -> Iterator["pd.DataFrame"]:
    import pandas as pd

    models = [_load_on_executor(ref) for ref in refs]
    for batch in batches:
        result = _stancekit._label_articles(models, _texts(batch[text_col]))
        out = batch.drop(columns=[text_col]).iloc[result["row"]].reset_index(drop=True)
        out[f"{prefix}sentence"] = pd.array(result["sentence"], dtype="Int64")
        out[f"{prefix}start"] = pd.array(result["start"], dtype="Int64")
        out[f"{prefix}end"] = pd.array(result["end"], dtype="Int64")
        out[text_col] = result["text"]
        _add_label_columns(out, models, result["predictions"], prefix)
        out[error_col] = result["error"]
        yield out[columns]


def label_articles(
    df: "DataFrame",
    models: ModelSpec | Sequence[ModelSpec],
    text_col: str = "text",
    *,
    prefix: str = "",
    error_col: str = "stancekit_error",
    shared_path: bool = False,
) -> "DataFrame":
    """Split each row's text (an article) into sentences and label each sentence.

    Returns one row per sentence: the article's other columns (an id, a date, ...),
    ``<prefix>sentence`` (0-based index in the article), ``<prefix>start`` and
    ``<prefix>end`` (UTF-8 byte offsets into the article, as the CLI's JSON Lines),
    ``text_col`` now holding the sentence, and the label, probability and error columns
    of ``label_sentences``. An empty or null article gives one row with its error.
    Models and shipping as in ``label_sentences``.
    """
    _check_arguments(df, text_col, prefix, error_col)
    _check_text_column(df, text_col)
    resolved = _ship(df.sparkSession.sparkContext, models, shared_path)
    added = [(f"{prefix}sentence", "long"), (f"{prefix}start", "long"), (f"{prefix}end", "long"), (text_col, "string")]
    added += [c for _, m in resolved for c in _label_columns(m, prefix)] + [(error_col, "string")]
    schema = _output_schema(df, [text_col], added, error_col)

    run = _batch_runner(_article_batches, resolved, prefix, error_col)
    return _run_batches(df, run, schema, text_col, drop_text=True)


def loads_in_this_process() -> dict[tuple[str, ...], int]:
    """How many times this Python process loaded each model reference (for tests and
    for checking a deployment: every count should be 1)."""
    return dict(_LOADS)
