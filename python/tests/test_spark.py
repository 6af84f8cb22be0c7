"""stancekit.spark on pyspark local[2]: labels and probabilities equal the CLI's on the
same input, row for row; each executor process loads a model once; the CLI works as
an RDD.pipe stage."""

from __future__ import annotations

import csv
import json
import os
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import MODELS, SHARED, cli_predictions, write_jsonl

import stancekit
import stancekit.spark as sks

N_SENTENCES = 4000
N_ARTICLES = 40


@pytest.fixture(scope="module")
def spark():
    if os.environ.get("STANCEKIT_REQUIRE_SPARK"):  # python/ci.sh: never skip
        import pyspark
    else:
        pyspark = pytest.importorskip("pyspark", reason="pyspark is installed by python/ci.sh")
    from pyspark.sql import SparkSession

    # Executors run this interpreter (the one with stancekit installed).
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("stancekit-test")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "500")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    assert pyspark.__version__
    yield session
    session.stop()


@pytest.fixture(scope="module")
def sentences(mr_rows) -> list[str]:
    return [r["text"] for r in mr_rows[:N_SENTENCES]]


def _frame(spark, texts: list[str], partitions: int):
    import pandas as pd

    pdf = pd.DataFrame({"id": np.arange(len(texts), dtype=np.int64), "text": texts})
    return spark.createDataFrame(pdf).repartition(partitions)


def test_label_sentences_equals_the_cli_row_for_row(spark, cli, tmp_path, sentences, mr_rows):
    # Three ways to name a model: a shipped task, a file shipped with addFile, and a
    # model trained in this process.
    trained = stancekit.train([r["text"] for r in mr_rows[N_SENTENCES:]], [r["label"] for r in mr_rows[N_SENTENCES:]], task="mr")
    trained_path = tmp_path / "mr.json"
    trained.save(trained_path)
    models = ["sentiment", str(MODELS / "cooperation.json"), trained]
    out = sks.label_sentences(_frame(spark, sentences, 8), models).orderBy("id").toPandas()
    assert list(out["id"]) == list(range(len(sentences)))
    assert list(out["text"]) == sentences
    assert out["stancekit_error"].isna().all()

    rows = cli_predictions(
        cli,
        [MODELS / "sentiment.json", MODELS / "cooperation.json", trained_path],
        write_jsonl(tmp_path / "in.jsonl", sentences),
    )
    assert [r["id"] for r in rows] == [str(i) for i in range(len(sentences))]
    for model in [stancekit.builtin("sentiment"), stancekit.builtin("cooperation"), trained]:
        task = model.task
        assert list(out[task]) == [r["predictions"][task]["label"] for r in rows]
        for label in model.labels:
            theirs = np.array([r["predictions"][task]["probabilities"][label] for r in rows])
            assert np.abs(out[f"{task}_p_{label}"].to_numpy() - theirs).max() <= 1e-6
        # And exactly the in-process Python numbers.
        np.testing.assert_array_equal(
            out[[f"{task}_p_{label}" for label in model.labels]].to_numpy(), model.predict_proba(sentences)
        )


def test_each_executor_process_loads_a_model_once(spark, sentences):
    """Many partitions over two Python workers: each worker process loads the model the
    first time and reuses it for every later batch and partition."""
    resolved = sks._ship(spark.sparkContext, [str(MODELS / "accusation.json")], shared_path=False)
    refs = [ref for ref, _ in resolved]
    frame = _frame(spark, sentences, 16)
    columns = sks.label_sentences(frame, [str(MODELS / "accusation.json")]).columns

    def run(batches):
        for out in sks._sentence_batches(
            batches, refs=refs, text_col="text", prefix="", error_col="stancekit_error", columns=columns
        ):
            out["pid"] = os.getpid()
            out["loads"] = json.dumps({"/".join(ref): n for ref, n in sks.loads_in_this_process().items()})
            yield out[["id", "text", "pid", "loads"]]

    schema = "id long, text string, pid long, loads string"
    seen = frame.mapInPandas(run, schema).select("pid", "loads").distinct().collect()
    assert 1 <= len({r.pid for r in seen}) <= 2  # local[2]: at most two worker processes
    for row in seen:
        loads = json.loads(row.loads)
        assert loads["/".join(refs[0])] == 1
        assert set(loads.values()) == {1}  # and so every model this process used before


def test_empty_and_null_rows_get_an_error_not_a_failure(spark):
    import pandas as pd

    pdf = pd.DataFrame({"id": [0, 1, 2, 3], "text": ["A fine day.", "   ", None, "Talks failed."]})
    out = sks.label_sentences(spark.createDataFrame(pdf), "sentiment").orderBy("id").toPandas()
    assert list(out["stancekit_error"].fillna("")) == ["", "empty text", "empty text", ""]
    assert out["sentiment"].isna().tolist() == [False, True, True, False]
    assert out["sentiment_p_positive"].isna().tolist() == [False, True, True, False]


def test_label_articles_reads_a_web_page_row_as_its_story(spark):
    import pandas as pd

    page = "<!doctype html><html><body><nav>World</nav><p>Talks resumed.</p><p>Aid arrived.</p></body></html>"
    empty = "<!doctype html><html><body><script>draw()</script></body></html>"
    pdf = pd.DataFrame({"id": [0, 1], "text": [page, empty]})
    out = sks.label_articles(spark.createDataFrame(pdf), "sentiment").orderBy("id", "sentence").toPandas()
    assert list(out["text"].fillna("")) == ["Talks resumed.", "Aid arrived.", ""]
    errors = list(out["stancekit_error"].fillna(""))
    assert errors[:2] == ["", ""]
    assert errors[2].startswith("text is a web page with no text to read outside its scripts"), errors[2]


def test_bad_arguments_are_refused_on_the_driver(spark):
    import pandas as pd

    frame = spark.createDataFrame(pd.DataFrame({"id": [0], "body": ["Some text."]}))
    with pytest.raises(ValueError, match="no column 'text'"):
        sks.label_sentences(frame, "sentiment")
    with pytest.raises(TypeError, match="column 'id' is bigint, not string"):
        sks.label_sentences(frame, "sentiment", text_col="id")
    with pytest.raises(ValueError, match="column 'sentiment' is already in the DataFrame"):
        sks.label_sentences(frame.withColumnRenamed("id", "sentiment"), "sentiment", text_col="body")
    with pytest.raises(stancekit.ModelError):
        sks.label_sentences(frame, "/nonexistent/model.json", text_col="body")


def test_label_articles_equals_the_cli_row_for_row(spark, cli, tmp_path):
    import pandas as pd

    path = SHARED / "datasets" / "bbc_news" / "bbc_news.csv"
    with open(path, newline="", encoding="utf-8") as f:
        articles = [r["text"] for _, r in zip(range(N_ARTICLES), csv.DictReader(f))]
    pdf = pd.DataFrame({"doc": [f"d{i}" for i in range(len(articles))], "text": articles})
    out = (
        sks.label_articles(spark.createDataFrame(pdf).repartition(3), ["cooperation", "accusation"])
        .orderBy("doc", "sentence")
        .toPandas()
    )
    rows = cli_predictions(
        cli,
        [MODELS / "cooperation.json", MODELS / "accusation.json"],
        write_jsonl(tmp_path / "articles.jsonl", articles),
        "--articles",
    )
    rows = [r for r in rows if r["type"] == "sentence"]
    rows.sort(key=lambda r: (f"d{r['id']}", r["sentence"]))
    assert len(out) == len(rows) > N_ARTICLES
    assert list(out["doc"]) == [f"d{r['id']}" for r in rows]
    for column, key in [("sentence", "sentence"), ("start", "start"), ("end", "end"), ("text", "text")]:
        assert list(out[column]) == [r[key] for r in rows]
    for task in ["cooperation", "accusation"]:
        assert list(out[task]) == [r["predictions"][task]["label"] for r in rows]
        for label in stancekit.builtin(task).labels:
            theirs = np.array([r["predictions"][task]["probabilities"][label] for r in rows])
            assert np.abs(out[f"{task}_p_{label}"].to_numpy() - theirs).max() <= 1e-6


def test_the_cli_is_an_rdd_pipe_stage(spark, cli, sentences):
    """`stancekit predict --format json -` answers one line per input line, in order."""
    texts = sentences[:1000]
    command = f"{cli} predict --model {MODELS / 'sentiment.json'} --format json -"
    lines = spark.sparkContext.parallelize(texts, 4).pipe(command).collect()
    assert len(lines) == len(texts)
    rows = [json.loads(line) for line in lines]
    assert [r["text"] for r in rows] == texts
    assert [r["predictions"]["sentiment"]["label"] for r in rows] == stancekit.builtin("sentiment").predict(texts)


def test_a_model_written_again_at_the_same_path_is_shipped_again(spark, tmp_path):
    """A model retrained to the same path in one session: addFile kept serving the first
    file of that name and each executor process its cached model, so the old model went
    on labelling (the driver's new model said the opposite), and a new label set failed
    the job with "KeyError: ['t_p_x', 't_p_y'] not in index"."""
    import pandas as pd

    texts, path = ["good fun", "bad dull"], tmp_path / "m.json"
    frame = spark.createDataFrame(pd.DataFrame({"id": [0, 1], "text": texts}))

    def trained(labels):
        return stancekit.train(texts * 30, labels * 30, task="t", min_df=1, calibration_folds=0)

    for labels in (["p", "n"], ["n", "p"], ["x", "y"]):
        trained(labels).save(path)
        for shared_path in (False, True):
            out = sks.label_sentences(frame, str(path), shared_path=shared_path).orderBy("id").toPandas()
            assert list(out["t"]) == labels, (labels, shared_path)
            assert list(out["t"]) == stancekit.load(path).predict(texts)
    # Written again between the call and the job: the shipped copy is the one the
    # driver read; a shared path that no longer holds it is refused, never used.
    # (A label set not used above, so no executor has that model cached.)
    trained(["q", "r"]).save(path)
    shipped = sks.label_sentences(frame, str(path))
    shared = sks.label_sentences(frame, str(path), shared_path=True)
    trained(["r", "q"]).save(path)
    assert list(shipped.orderBy("id").toPandas()["t"]) == ["q", "r"]
    with pytest.raises(Exception, match="the model file changed after label_sentences or label_articles read it"):
        shared.toPandas()
    # A task that is no file name ('a/b'): its Model used to be saved into a directory
    # 'a' that does not exist ("ModelError: /tmp/stancekit-spark/a/b-....json: No such
    # file or directory").
    model = stancekit.train(texts * 30, ["p", "n"] * 30, task="a/b", min_df=1, calibration_folds=0)
    assert list(sks.label_sentences(frame, model).orderBy("id").toPandas()["a/b"]) == ["p", "n"]


def test_a_model_spec_that_names_no_model_says_what_it_is(spark, tmp_path, monkeypatch):
    """Specs that name no model, refused on the driver with the argument named: a
    misspelt task was "<cwd>/sentimnt: No such file or directory", '' resolved to the
    working directory ("is a directory, not a model file"), None "'NoneType' object is
    not iterable", bytes were iterated as numbers, and a dict gave its keys."""
    import pandas as pd

    monkeypatch.chdir(tmp_path)
    frame = spark.createDataFrame(pd.DataFrame({"id": [0], "text": ["A fine day."]}))
    what = "a shipped task name (cooperation, accusation, sentiment), a model file path or a Model"
    with pytest.raises(stancekit.ModelError) as error:
        sks.label_sentences(frame, "sentimnt")
    assert str(error.value) == (
        "models 'sentimnt' is not a shipped task and no file of that name exists (the shipped tasks are cooperation, "
        "accusation, sentiment; a model file is named by its path, e.g. models/sentimnt.json; did you mean "
        "'sentiment'?)"
    )
    with pytest.raises(stancekit.ModelError, match=r"^models\[1\] 'Accusation' is not a shipped task .* did you mean 'accusation'\?\)$"):
        sks.label_articles(frame, ["sentiment", "Accusation"])
    with pytest.raises(stancekit.ModelError) as error:
        sks.label_sentences(frame, ["sentiment", ""])
    assert str(error.value) == f"models[1] is an empty path ('' names no file; give {what})"
    for models, kind in [(None, "NoneType"), (3, "int"), ({"sentiment": 1}, "dict")]:
        with pytest.raises(TypeError) as error:
            sks.label_sentences(frame, models)
        assert str(error.value) == f"models must be {what}, or a list of them, not {kind}"
    with pytest.raises(TypeError) as error:
        sks.label_sentences(frame, ["sentiment", 3])
    assert str(error.value) == f"models[1] is int, not {what}"
    # A path given as bytes is a path, as stancekit.load takes it.
    out = sks.label_sentences(frame, os.fsencode(MODELS / "sentiment.json")).toPandas()
    assert list(out["sentiment"]) == stancekit.builtin("sentiment").predict(["A fine day."])
    with pytest.raises(stancekit.ModelError, match="nope.json: No such file or directory"):
        sks.label_sentences(frame, "nope.json")


def test_columns_with_dots_and_arguments_of_the_wrong_kind(spark):
    """A column whose name holds a dot ('a.text', as flattened JSON has), text or not,
    failed every call with pyspark's "A column ... with name `a`.`text` cannot be
    resolved"; error_col colliding with a column was told to "choose another prefix"; a
    pandas DataFrame had "'DataFrame' object has no attribute 'schema'"; prefix=None
    named the columns "Nonesentiment"."""
    import pandas as pd

    pdf = pd.DataFrame({"doc.id": [0, 1], "a.text": ["Talks failed. Both sides left.", "A fine day."]})
    frame = spark.createDataFrame(pdf)
    out = sks.label_sentences(frame, "sentiment", text_col="a.text").orderBy("`doc.id`").toPandas()
    assert list(out.columns[:2]) == ["doc.id", "a.text"]
    assert list(out["a.text"]) == list(pdf["a.text"])
    assert list(out["sentiment"]) == stancekit.builtin("sentiment").predict(list(pdf["a.text"]))
    out = sks.label_articles(frame, "sentiment", text_col="a.text").orderBy("`doc.id`", "sentence").toPandas()
    assert list(out.columns[:5]) == ["doc.id", "sentence", "start", "end", "a.text"]
    assert list(out["a.text"]) == ["Talks failed.", "Both sides left.", "A fine day."]
    assert list(out["doc.id"]) == [0, 0, 1]

    plain = spark.createDataFrame(pd.DataFrame({"id": [0], "text": ["A fine day."]}))
    with pytest.raises(ValueError) as error:
        sks.label_sentences(plain, "sentiment", error_col="text")
    assert str(error.value) == "error_col 'text' is already a column of the DataFrame (choose another error_col)"
    with pytest.raises(ValueError) as error:
        sks.label_articles(plain, "sentiment", error_col="sentiment")
    assert str(error.value) == "error_col 'sentiment' is already the name of an output column (choose another error_col)"
    with pytest.raises(TypeError) as error:
        sks.label_sentences(pdf, "sentiment", text_col="a.text")
    assert str(error.value) == (
        "df must be a Spark DataFrame, not pandas.core.frame.DataFrame (make one with spark.createDataFrame(df))"
    )
    for argument in ["prefix", "text_col", "error_col"]:
        with pytest.raises(TypeError) as error:
            sks.label_sentences(plain, "sentiment", **{argument: None})
        assert str(error.value) == f"{argument} must be a str, not NoneType"


def test_an_output_column_differing_from_an_input_column_only_by_case_is_refused(spark, tmp_path):
    """Spark matches column names regardless of case (spark.sql.caseSensitive is false by
    default): an input column 'Sentiment' beside the added 'sentiment' made a DataFrame
    whose column could not be selected (AMBIGUOUS_REFERENCE) nor written
    (COLUMN_ALREADY_EXISTS), found only by the job that used it."""
    import pandas as pd

    frame = spark.createDataFrame(pd.DataFrame({"text": ["A fine day."], "Sentiment": ["x"], "STANCEKIT_ERROR": ["y"]}))
    with pytest.raises(ValueError) as error:
        sks.label_sentences(frame, "sentiment")
    assert str(error.value) == (
        "column 'sentiment' is already in the DataFrame as 'Sentiment' (Spark matches column names regardless of "
        "case) (choose another prefix)"
    )
    with pytest.raises(ValueError) as error:
        sks.label_articles(frame, "sentiment", prefix="p_")
    assert str(error.value) == (
        "error_col 'stancekit_error' is already a column of the DataFrame as 'STANCEKIT_ERROR' (Spark matches "
        "column names regardless of case) (choose another error_col)"
    )
    # With another prefix and error column the result can be selected and written.
    out = sks.label_sentences(frame, "sentiment", prefix="p_", error_col="why")
    out.write.parquet(str(tmp_path / "out"))
    assert [r.p_sentiment for r in out.select("p_sentiment").collect()] == ["positive"]


def test_driver_threads_ship_one_model_at_once(tmp_path, monkeypatch):
    """Jobs started from the driver's threads (a thread pool labelling several frames)
    with one Model write its shipped file at once: the partial file was named by the
    process id alone, shared by the threads, and a thread's os.replace found it moved
    by another's (FileNotFoundError). Needs no Spark session."""
    import threading

    model = stancekit.builtin("cooperation")
    data = model.to_bytes()
    errors = []
    for trial in range(10):
        monkeypatch.setattr(sks, "_SHIP_DIR", tmp_path / str(trial))
        barrier = threading.Barrier(8)

        def ship():
            barrier.wait()
            try:
                sks._shipped_file(model, "cooperation")
            except Exception as error:  # noqa: BLE001 - collected for the assert below
                errors.append(repr(error))

        threads = [threading.Thread(target=ship) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        (shipped,) = sks._SHIP_DIR.iterdir()  # no partial file left behind
        assert shipped.read_bytes() == data
    assert errors == []


def test_a_text_column_named_twice_is_refused(spark):
    """A DataFrame with two columns of the text column's name (after a join, or a select
    that repeats one): label_sentences labelled the first without a word, and
    label_articles failed on the executors with an Arrow conversion error."""
    frame = spark.sql("select 'Talks failed. They left.' as text, 1 as id, 'x' as text")
    for label in (sks.label_sentences, sks.label_articles):
        with pytest.raises(ValueError) as error:
            label(frame, "sentiment")
        assert str(error.value) == (
            "column 'text' appears 2 times in the DataFrame, so which holds the texts cannot be known (rename or "
            "drop the others, e.g. after a join)"
        )
    # Another column named twice is kept as it is.
    other = spark.sql("select 'Talks failed.' as text, 1 as id, 'x' as id")
    assert sks.label_sentences(other, "sentiment").columns[:3] == ["text", "id", "id"]
