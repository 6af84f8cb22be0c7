"""The Python API against the CLI on the same inputs: identical labels, probabilities
within 1e-6, the same article rows and summary, the same error messages."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import pickle
import re
import threading
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import MODELS, REPO, assert_same_predictions, cli_error, cli_predictions, run_cli, write_jsonl

import stancekit

ARTICLE = REPO / "datasets" / "samples" / "article.txt"
N_SENTENCES = 2000


@pytest.fixture(scope="module")
def sentences(mr_rows) -> list[str]:
    return [r["text"] for r in mr_rows[:N_SENTENCES]]


@pytest.mark.parametrize("task", stancekit.BUILTIN_TASKS)
def test_builtin_models_predict_as_the_cli(cli, tmp_path, sentences, task):
    model = stancekit.builtin(task)
    assert model.task == task
    rows = cli_predictions(cli, [MODELS / f"{task}.json"], write_jsonl(tmp_path / "in.jsonl", sentences))
    proba = model.predict_proba(sentences)
    assert proba.shape == (len(sentences), len(model.labels))
    assert proba.dtype == np.float64
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-12)
    assert_same_predictions(rows, task, model.labels, model.predict(sentences), proba)


def test_builtin_loads_once_and_is_the_shipped_file():
    assert stancekit.builtin("cooperation") is stancekit.builtin("cooperation")
    shipped = (MODELS / "sentiment.json").read_bytes()
    assert stancekit.builtin_path("sentiment").read_bytes() == shipped
    assert stancekit.load(MODELS / "sentiment.json").labels == stancekit.builtin("sentiment").labels


def test_predict_accepts_any_iterable_of_str(sentences):
    import pandas as pd

    model = stancekit.builtin("sentiment")
    expected = model.predict(sentences[:50])
    assert model.predict(tuple(sentences[:50])) == expected
    assert model.predict(pd.Series(sentences[:50])) == expected
    assert model.predict(np.array(sentences[:50], dtype=object)) == expected
    assert model.predict(t for t in sentences[:50]) == expected
    assert model.predict([]) == []
    assert model.predict_proba([]).shape == (0, 3)


def test_classify_article_gives_the_cli_rows(cli):
    rows = cli_predictions(cli, [], ARTICLE)
    cli_sentences = [r for r in rows if r["type"] == "sentence"]
    (cli_summary,) = [r for r in rows if r["type"] == "article"]
    result = stancekit.classify_article(ARTICLE.read_text(encoding="utf-8"))
    assert len(result["sentences"]) == len(cli_sentences) > 3

    def without_origin(row):
        return {k: v for k, v in row.items() if k not in ("source", "id")}

    for ours, theirs in zip(result["sentences"], cli_sentences):
        assert without_origin(ours) == without_origin(theirs)
    assert without_origin(result["summary"]) == without_origin(cli_summary)
    assert result["summary"]["n_sentences"] == len(cli_sentences)


def test_classify_article_reads_a_web_page_as_the_cli_does(cli, tmp_path):
    page = (
        "<!DOCTYPE html><html><head><script>var s = '<p>Script text.</p>';</script></head><body>"
        "<nav>World | Business</nav><article><h1>Truce talks stall</h1>"
        "<p>The ministers met on Monday.</p><p>Kyiv&#39;s officials <b>denied</b> the claim.</p>"
        "<footer>Share this</footer></article></body></html>"
    )
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    cli_sentences = [r for r in cli_predictions(cli, [], path) if r["type"] == "sentence"]
    result = stancekit.classify_article(page)
    texts = [s["text"] for s in result["sentences"]]
    assert texts == ["Truce talks stall", "The ministers met on Monday.", "Kyiv's officials denied the claim."]
    assert [s["text"] for s in cli_sentences] == texts
    assert [s["start"] for s in result["sentences"]] == [s["start"] for s in cli_sentences]
    with pytest.raises(ValueError, match="article: text is a web page with no text to read"):
        stancekit.classify_article("<!doctype html><html><body><script>draw()</script></body></html>")


def test_classify_article_warns_of_text_the_models_do_not_know(recwarn):
    # As the CLI: an article in another language is labelled, and said to be unknown.
    result = stancekit.classify_article("外交部表示，双方取得了进展。美国指责俄罗斯！")
    assert len(result["sentences"]) == 2
    (warning,) = [w for w in recwarn if issubclass(w.category, UserWarning)]
    assert str(warning.message).startswith("2 of 2 sentences hold no word or cue the models know")
    recwarn.clear()
    stancekit.classify_article(ARTICLE.read_text(encoding="utf-8"))
    assert not [w for w in recwarn if issubclass(w.category, UserWarning)]


def test_predict_warns_of_texts_the_model_does_not_know(recwarn):
    # As classify_article and the CLI: texts in another language are labelled, and said.
    model = stancekit.builtin("cooperation")
    texts = ["两国领导人在北京签署了和平协议。", "وقع الزعيمان اتفاق سلام.", "The two leaders signed a peace deal."]
    # recwarn's "default" filter shows a warning once per line: both calls warn from one.
    warnings.simplefilter("always")
    for method in (model.predict, model.predict_proba):
        recwarn.clear()
        assert len(method(texts)) == 3
        (warning,) = [w for w in recwarn if issubclass(w.category, UserWarning)]
        assert str(warning.message).startswith("2 of 3 sentences hold no word or cue the models know")
    recwarn.clear()
    model.predict(texts[2:])
    model.explain(texts[2])
    assert not [w for w in recwarn if issubclass(w.category, UserWarning)]
    assert model.explain(texts[0])["explanation"] == []
    (warning,) = [w for w in recwarn if issubclass(w.category, UserWarning)]
    assert str(warning.message).startswith("1 of 1 sentence holds no word or cue the models know")


def test_classify_article_takes_an_int_id_and_names_id_when_refusing_one():
    # An int id (a DataFrame's index, `id=row.Index`) is written as its digits, as the CLI
    # writes a JSON Lines number id; it was a TypeError naming no argument: "'int' object
    # is not an instance of 'str'".
    model = stancekit.builtin("sentiment")
    for given, written in [(5, "5"), (np.int64(7), "7"), (10**30, str(10**30)), ("a1", "a1")]:
        result = stancekit.classify_article("Talks failed. Both sides left.", [model], id=given)
        assert result["summary"]["id"] == written
        assert [s["id"] for s in result["sentences"]] == [written, written]
    for given, kind in [(True, "bool"), (1.5, "float"), (None, "NoneType"), (b"x", "bytes")]:
        with pytest.raises(TypeError) as error:
            stancekit.classify_article("Talks failed.", [model], id=given)
        assert str(error.value) == f"id must be a str or an int, not {kind}"


def test_classify_article_with_chosen_models_and_explanations(cli):
    model = stancekit.builtin("accusation")
    rows = cli_predictions(cli, [MODELS / "accusation.json"], ARTICLE, "--explain", "3")
    result = stancekit.classify_article(ARTICLE.read_text(encoding="utf-8"), [model], explain=3)
    for ours, theirs in zip(result["sentences"], [r for r in rows if r["type"] == "sentence"]):
        assert ours["predictions"] == theirs["predictions"]
        assert len(ours["predictions"]["accusation"]["explanation"]) <= 3


def test_explain_matches_the_cli(cli, tmp_path, sentences):
    model = stancekit.builtin("cooperation")
    texts = sentences[:20]
    rows = cli_predictions(cli, [MODELS / "cooperation.json"], write_jsonl(tmp_path / "in.jsonl", texts), "--explain", "4")
    for text, row in zip(texts, rows):
        assert model.explain(text, top=4) == row["predictions"]["cooperation"]


def test_explain_of_a_text_without_features_gives_an_empty_list(cli, tmp_path):
    # Only emoji: no feature the model knows. The key was missing, here and in the CLI's
    # --explain rows, so result["explanation"] raised KeyError on such a text alone.
    model = stancekit.builtin("sentiment")
    assert model.explain("\U0001f389\U0001f389")["explanation"] == []
    assert model.explain("A fine day.", top=0)["explanation"] == []
    rows = cli_predictions(cli, [MODELS / "sentiment.json"], write_jsonl(tmp_path / "in.jsonl", ["\U0001f389"]), "--explain", "3")
    assert model.explain("\U0001f389", top=3) == rows[0]["predictions"]["sentiment"]


def test_concurrent_threads_give_the_same_results(sentences):
    model = stancekit.builtin("sentiment")
    expected = model.predict_proba(sentences)
    results: list = [None] * 4

    def work(i):
        results[i] = model.predict_proba(sentences)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for r in results:
        np.testing.assert_array_equal(r, expected)


# --- errors -------------------------------------------------------------------------


def test_empty_text_is_a_value_error():
    model = stancekit.builtin("sentiment")
    with pytest.raises(ValueError, match=r"^texts\[1\]: empty text$"):
        model.predict(["fine", "  "])
    with pytest.raises(ValueError, match=r"^texts\[0\]: empty text$"):
        model.predict_proba([None])
    with pytest.raises(ValueError, match="empty text"):
        model.explain("")
    with pytest.raises(ValueError, match="empty text"):
        stancekit.classify_article("\n\n")


def test_wrong_types_are_type_errors():
    model = stancekit.builtin("sentiment")
    with pytest.raises(TypeError, match="not a single str"):
        model.predict("a whole sentence")
    with pytest.raises(TypeError, match=r"texts\[1\] has type int, not str"):
        model.predict(["fine", 3])
    with pytest.raises(TypeError):
        stancekit.classify_article("Some text.", ["not a model"])


def test_a_dataframe_or_a_mapping_is_refused_not_iterated():
    # Iterating a DataFrame gives its column names: predict(frame) used to return one
    # label per column (2 labels for 3 rows), and a dict would label its keys.
    model = stancekit.builtin("sentiment")
    frame = pd.DataFrame({"text": ["fine", "awful", "a film"], "label": ["a", "b", "a"]})
    table = (
        r"^texts must be an iterable of str, not a DataFrame \(iterating it gives its column names; pass its text "
        r'column: frame\["text"\]\)$'
    )
    with pytest.raises(TypeError, match=table):
        model.predict(frame)
    with pytest.raises(TypeError, match=table):
        model.predict_proba(frame)
    with pytest.raises(TypeError, match=table):
        stancekit.train(frame, frame["label"])
    keys = r"not a dict \(iterating it gives its keys; pass its values: list\(d.values\(\)\)\)$"
    with pytest.raises(TypeError, match=r"^texts must be an iterable of str, " + keys):
        model.predict({"a": "fine"})
    with pytest.raises(TypeError, match=r"^labels must be an iterable of str, " + keys):
        stancekit.train(frame["text"], {0: "a", 1: "b", 2: "a"})
    assert len(model.predict(frame["text"])) == 3


def test_a_set_is_refused_as_it_has_no_order():
    # predict({"fine", "awful"}) used to return labels in the set's iteration order,
    # which the caller cannot match to the texts; a set of labels paired at random.
    model = stancekit.builtin("sentiment")
    unordered = r"must be an iterable of str in order, not a (set|frozenset) \(a set has no order"
    with pytest.raises(TypeError, match=r"^texts " + unordered):
        model.predict({"fine", "awful"})
    with pytest.raises(TypeError, match=r"^texts " + unordered):
        model.predict_proba(frozenset({"fine"}))
    with pytest.raises(TypeError, match=r"^labels " + unordered):
        stancekit.train(["good film", "bad film"] * 30, {"pos", "neg"})
    assert len(model.predict(sorted({"fine", "awful"}))) == 2


def test_a_text_with_a_lone_surrogate_is_a_value_error_naming_it():
    # As os.fsdecode or errors="surrogateescape" leave undecodable bytes; it used to be
    # "TypeError: texts[1] has type str, not str".
    model = stancekit.builtin("sentiment")
    text = b"caf\xe9 prices rose".decode("utf-8", errors="surrogateescape")
    expected = (
        r"^texts\[1\]: the text holds a lone surrogate, which UTF-8 cannot encode \(UnicodeEncodeError: 'utf-8' codec can't "
        r"encode character '\\udce9' in position 3: surrogates not allowed; decode the bytes it came from with "
        r'errors="replace"\)$'
    )
    with pytest.raises(ValueError, match=expected):
        model.predict(["fine", text])
    with pytest.raises(ValueError, match=r"^labels\[0\]: the text holds a lone surrogate"):
        stancekit.train(["good", "bad"], ["pos\udc80", "neg"])
    # One text alone raises the same ValueError; it used to be UnicodeEncodeError.
    with pytest.raises(ValueError, match=r"^text: the text holds a lone surrogate, which UTF-8 cannot encode"):
        model.explain(text)
    with pytest.raises(ValueError, match=r"^text: the text holds a lone surrogate, which UTF-8 cannot encode"):
        stancekit.classify_article("Prices rose. " + text)
    with pytest.raises(TypeError):
        stancekit.classify_article(b"Prices rose.")


def test_model_file_errors_have_the_cli_messages(cli, tmp_path):
    missing = tmp_path / "missing.json"
    with pytest.raises(stancekit.ModelError) as error:
        stancekit.load(missing)
    assert str(error.value) == f"{missing}: No such file or directory (os error 2)"
    # The CLI prints this message, then (anyhow's `{:#}` walking the error's source)
    # the OS error a second time.
    assert cli_error(cli, "predict", "--model", missing, ARTICLE).startswith(str(error.value))

    damaged = tmp_path / "damaged.json"
    data = (MODELS / "sentiment.json").read_bytes()
    damaged.write_bytes(data[: len(data) // 2])
    with pytest.raises(stancekit.ModelError) as error:
        stancekit.load(damaged)
    assert "not JSON" in str(error.value)
    assert str(error.value) == cli_error(cli, "predict", "--model", damaged, ARTICLE)

    newer = tmp_path / "newer.json"
    newer.write_bytes(re.sub(rb'"version":\d+', b'"version":99', data, count=1))
    with pytest.raises(stancekit.ModelError, match="model format version 99 is not supported") as error:
        stancekit.load(newer)
    assert str(error.value) == cli_error(cli, "predict", "--model", newer, ARTICLE)

    with pytest.raises(stancekit.ModelError, match="checksum mismatch"):
        stancekit.Model.from_bytes(data.replace(b'"task":"sentiment"', b'"task":"sentimenx"', 1))

    # A line break in a path or a name is escaped as the CLI escapes it: the message
    # stays one line (it was two).
    broken = tmp_path / "a\nb.json"
    with pytest.raises(stancekit.ModelError) as error:
        stancekit.load(broken)
    assert "\n" not in str(error.value) and "a\\nb.json" in str(error.value), str(error.value)
    with pytest.raises(stancekit.ModelError) as error:
        stancekit.Model.from_bytes(data[: len(data) // 2], "x\ny")
    assert "\n" not in str(error.value) and "x\\ny" in str(error.value), str(error.value)


def test_builtin_unknown_task_is_a_value_error():
    with pytest.raises(ValueError, match="no built-in model for task 'nope'"):
        stancekit.builtin("nope")


def test_two_models_with_one_task_are_refused():
    model = stancekit.builtin("sentiment")
    with pytest.raises(ValueError, match="two models have the task 'sentiment'"):
        stancekit.classify_article("A sentence.", [model, model])


@pytest.mark.parametrize(
    "options, flags",
    [
        ({"ngram_min": 3, "ngram_max": 2}, ["--ngram-min", "3", "--ngram-max", "2"]),
        ({"ngram_max": 5}, ["--ngram-max", "5"]),
        ({"min_df": 0}, ["--min-df", "0"]),
        ({"c": 0.0}, ["--c", "0"]),
        ({"max_iterations": 0}, ["--max-iterations", "0"]),
        ({"cue_scale": -1.0}, ["--cue-scale=-1"]),
    ],
)
def test_bad_training_options_have_the_cli_messages(cli, mr_csv, tmp_path, options, flags):
    with pytest.raises(ValueError) as error:
        stancekit.train(["good film", "bad film"], ["pos", "neg"], **options)
    assert str(error.value) == cli_error(cli, "train", "--data", mr_csv, "--out", tmp_path / "m.json", *flags)


def test_a_cue_scale_beyond_a_float32_is_said_as_given():
    # It was cast to float32 first, and said as 'inf must be a number from 0 to 1000'.
    with pytest.raises(ValueError, match=r"^invalid --cue-scale: 1e300 must be a number from 0 to 1000$"):
        stancekit.train(["good film", "bad film"], ["pos", "neg"], cue_scale=1e300)
    with pytest.raises(ValueError, match=r"^invalid --cue-scale: -1e300 must be a number from 0 to 1000$"):
        stancekit.train(["good film", "bad film"], ["pos", "neg"], cue_scale=-1e300)


def test_bad_training_data_is_a_value_error():
    with pytest.raises(ValueError, match=r"only one class \('x'\) in the labels; at least 2 are needed"):
        stancekit.train(["a", "b"], ["x", "x"])
    with pytest.raises(ValueError, match="no rows to train on"):
        stancekit.train([], [])
    with pytest.raises(ValueError, match="texts has 2 items but labels has 1"):
        stancekit.train(["a", "b"], ["x"])
    with pytest.raises(ValueError, match=r"^texts\[1\]: empty text$"):
        stancekit.train(["a", ""], ["x", "y"])
    with pytest.raises(ValueError, match=r"^labels\[0\]: label ' x' has white space at its start \(labels are taken as written"):
        stancekit.train(["a", "b"], [" x", "y"])
    with pytest.raises(ValueError, match=r"^labels\[1\]: empty label \(give the row its label, or leave the row out\)$"):
        stancekit.train(["a", "b"], ["x", None])
    # pandas' astype(str) writes a missing label as 'nan': it trained as a class of its own.
    labels = pd.Series(["x", np.nan, "y"]).astype(str)
    with pytest.raises(ValueError, match=r"^labels\[1\]: label 'nan' is how pandas' astype\(str\) writes a missing value"):
        stancekit.train(["a", "b", "c"], labels)
    # A text or label a program wrote in place of one, a label exported as a list: each
    # trained as a text or class of its own.
    texts = pd.Series(["a", np.nan, "c"]).astype(str)
    with pytest.raises(ValueError, match=r"^texts\[1\]: text 'nan' is how pandas' astype\(str\) writes a missing value"):
        stancekit.train(texts, ["x", "y", "x"])
    with pytest.raises(ValueError, match=r"^texts\[0\]: text '#NAME\?' is a spreadsheet's formula error"):
        stancekit.train(["#NAME?", "b"], ["x", "y"])
    with pytest.raises(ValueError, match=r"^labels\[1\]: label '\['y'\]' is a list of one label"):
        stancekit.train(["a", "b"], ["x", "['y']"])
    with pytest.raises(ValueError, match="invalid weighting: 'tf' \\(expected one of: tfidf, binary\\)"):
        stancekit.train(["a", "b"], ["x", "y"], weighting="tf")
    with pytest.raises(ValueError, match="sample_weight has 1 value for 2 texts"):
        stancekit.train(["a", "b"], ["x", "y"], sample_weight=[1.0])
    # The path once: it was "reading lexicon /nonexistent/lexicon: /nonexistent/lexicon: ...".
    with pytest.raises(FileNotFoundError, match="^reading lexicon: /nonexistent/lexicon: No such file or directory"):
        stancekit.train(["a", "b"], ["x", "y"], lexicon="/nonexistent/lexicon")


@pytest.mark.parametrize(
    "weights, expected",
    [
        ([1e300] * 10, "invalid sample_weight[0]: 1e300 must be 0 or a number from 1e-6 to 1e6"),
        ([1.0] * 9 + [1e-300], "invalid sample_weight[9]: 1e-300 must be 0 or a number from 1e-6 to 1e6"),
        ([1.0, -1.0] * 5, "invalid sample_weight[1]: -1 must be 0 or a number from 1e-6 to 1e6"),
        ([0.0] * 10, "invalid sample_weight: every weight is 0: no row is left to train on"),
    ],
)
def test_sample_weights_follow_the_cli_range(weights, expected):
    with pytest.raises(ValueError) as error:
        stancekit.train(["good one", "bad one"] * 5, ["p", "n"] * 5, min_df=1, sample_weight=weights)
    assert str(error.value) == expected


_TOY = (["good film", "bad film"] * 30, ["pos", "neg"] * 30)


@pytest.mark.parametrize(
    "call, expected",
    [
        (lambda: stancekit.builtin("sentiment").explain("A sentence.", top=-1), "invalid top: -1 must be >= 0"),
        (lambda: stancekit.classify_article("A sentence.", explain=-2), "invalid explain: -2 must be >= 0"),
        (lambda: stancekit.train(*_TOY, ngram_min=-1), "invalid ngram_min: -1 must be >= 1"),
        (lambda: stancekit.train(*_TOY, ngram_max=-2), "invalid ngram_max: -2 must be >= 1"),
        (lambda: stancekit.train(*_TOY, min_df=-1), "invalid min_df: -1 must be >= 1"),
        (lambda: stancekit.train(*_TOY, max_features=-5), "invalid max_features: -5 must be >= 1"),
        (lambda: stancekit.train(*_TOY, char_ngrams=(-3, 5)), "invalid char_ngrams[0]: -3 must be >= 1"),
        (lambda: stancekit.train(*_TOY, char_ngrams=(3, -5)), "invalid char_ngrams[1]: -5 must be >= 1"),
        (lambda: stancekit.train(*_TOY, max_iterations=-300), "invalid max_iterations: -300 must be >= 1"),
        (lambda: stancekit.train(*_TOY, seed=-1), "invalid seed: -1 must be >= 0"),
        (lambda: stancekit.train(*_TOY, calibration_folds=-5), "invalid calibration_folds: -5 must be >= 0"),
        (
            lambda: stancekit.train(*_TOY, seed=2**64),
            "invalid seed: 18446744073709551616 must be at most 18446744073709551615",
        ),
        (
            lambda: stancekit.train(*_TOY, max_iterations=2**70),
            "invalid max_iterations: 1180591620717411303424 must be at most 18446744073709551615",
        ),
    ],
)
def test_a_negative_or_huge_count_is_a_value_error_naming_the_parameter(call, expected):
    # PyO3's own conversion raised OverflowError("can't convert negative int to unsigned"),
    # naming no parameter.
    with pytest.raises(ValueError) as error:
        call()
    assert str(error.value) == expected


def test_counts_at_the_edges_of_their_range_are_accepted():
    # The largest seed (a u64), and 0 where it means "none", still work.
    model = stancekit.train(*_TOY, min_df=1, seed=2**64 - 1, calibration_folds=0)
    assert model.predict(["good film"]) == ["pos"]
    assert model.explain("good film", top=0)["label"] == "pos"
    assert stancekit.classify_article("A good film.", model, explain=0)["sentences"][0]["predictions"]["label"]


def _sealed_version_1(data: dict) -> bytes:
    """A model file edited by hand, sealed again: version 1 files carry a sha256."""
    data = dict(data, version=1, checksum="0" * 64)
    blank = json.dumps(data, separators=(",", ":"))
    return blank.replace("0" * 64, hashlib.sha256(blank.encode()).hexdigest(), 1).encode()


def test_a_model_whose_scores_overflow_raises_instead_of_nan():
    model = stancekit.train(["good film", "bad film"] * 3, ["pos", "neg"] * 3, min_df=1)
    data = json.loads(model.to_bytes())
    data["featurizer"]["vocabulary"] = data["featurizer"]["vocabulary"].split("|")
    data["classifier"]["weights"] = [[3e38] * model.n_features] * 2
    huge = stancekit.Model.from_bytes(_sealed_version_1(data))
    overflow = "gave an infinite or undefined score for {}, so no probabilities (its numbers overflow; retrain it)"
    with pytest.raises(ValueError) as error:
        huge.predict_proba(["good film"])
    assert str(error.value) == "texts[0]: model 'label' " + overflow.format("the text")
    with pytest.raises(ValueError, match=r"^texts\[0\]: model 'label' gave an infinite"):
        huge.predict(["good film"])
    with pytest.raises(ValueError, match=r"^text: model 'label' gave an infinite"):
        huge.explain("good film")
    with pytest.raises(ValueError) as error:
        stancekit.classify_article("Good film.", huge)
    assert str(error.value) == "article:1: model 'label' " + overflow.format("sentence 0")
    # The Spark helpers do not raise: such a row is an error row, with no label and no
    # probabilities; a sound model still labels the same text.
    row_error = "a model gave an infinite or undefined score, so no probabilities (its numbers overflow; retrain it)"
    errors, [(labels, probabilities)] = stancekit._stancekit._label_rows([huge], ["good film", ""])
    assert errors == [row_error, "empty text"]
    assert labels == [None, None] and np.isnan(probabilities).all()
    errors, [(labels, _)] = stancekit._stancekit._label_rows([model], ["good film"])
    assert errors == [None] and labels == ["pos"]
    columns = stancekit._stancekit._label_articles([huge], ["Good film."])
    assert columns["error"] == [row_error]
    assert columns["predictions"][0][0] == [None] and np.isnan(columns["predictions"][0][1]).all()


def test_a_missing_value_written_as_a_text_is_refused_in_prediction_as_in_the_cli(mr_rows):
    # R's write.csv writes a missing text as NA, a spreadsheet a formula typed as text as
    # #NAME?: the CLI's predict gives such a row an error; Python labelled it as a sentence.
    model = stancekit.train([r["text"] for r in mr_rows[:200]] + [r["text"] for r in mr_rows[-200:]],
                            [r["label"] for r in mr_rows[:200]] + [r["label"] for r in mr_rows[-200:]],
                            calibration_folds=0)
    with pytest.raises(ValueError, match=r"^texts\[1\]: text 'NA' is how R's write\.csv writes a missing value"):
        model.predict(["a fine film", "NA"])
    with pytest.raises(ValueError, match=r"^texts\[0\]: text '#NAME\?' is"):
        model.predict_proba(["#NAME?"])
    with pytest.raises(ValueError, match=r"^text: text 'NULL' is how a database export writes a missing value"):
        model.explain("NULL")
    with pytest.raises(ValueError, match=r"^article: text 'NA' is how R's write\.csv"):
        stancekit.classify_article("NA", model)
    # The Spark helpers do not raise: the row's error says why, without a location.
    errors, [(labels, _)] = stancekit._stancekit._label_rows([model], ["a fine film", "NA", ""])
    assert errors[0] is None and labels[0] in model.labels
    assert errors[1].startswith("text 'NA' is how R's write.csv writes a missing value") and labels[1] is None
    assert errors[2] == "empty text"
    columns = stancekit._stancekit._label_articles([model], ["nan", "A fine film."])
    assert columns["error"][0].startswith("text 'nan' is how pandas' astype(str) writes a missing value")
    assert columns["error"][1] is None


def test_labels_differing_only_by_case_are_refused():
    labels = ["positive", "negative", "Positive", "positive", "negative"]
    expected = "labels[2]: label 'Positive' differs from 'positive' (labels[0]) only by case; make them agree"
    with pytest.raises(ValueError) as error:
        stancekit.train(["good", "bad", "great", "fine", "awful"], labels, min_df=1)
    assert str(error.value) == expected


def test_labels_with_an_invisible_character_are_refused():
    # A zero-width space copied from a web page: 'positive\u200b' printed as 'positive'
    # and trained as a class of its own beside it.
    texts = ["good", "bad", "great", "fine", "awful"]
    labels = ["positive", "negative", "positive\u200b", "positive", "negative"]
    with pytest.raises(ValueError) as error:
        stancekit.train(texts, labels, min_df=1)
    assert str(error.value).startswith(
        "labels[2]: label 'positive\\u{200b}' has the invisible character U+200B at its end"
    )
    labels = ["positive", "negative", "posi\u00adtive", "positive", "negative"]
    with pytest.raises(ValueError) as error:
        stancekit.train(texts, labels, min_df=1)
    assert "differs from 'positive' (labels[0]) only by the invisible character U+00AD" in str(error.value)


def test_labels_and_task_names_with_control_characters_are_refused():
    # They would break the CLI's tab-separated output, summaries and page titles; the
    # binding shares the library's check and message.
    texts = ["good", "bad", "great", "awful"]
    expected = (
        "labels[2]: label 'pos\\titive' holds the control character U+0009 "
        "(labels are written into tab-separated output; remove it)"
    )
    with pytest.raises(ValueError) as error:
        stancekit.train(texts, ["positive", "negative", "pos\titive", "neg\nx"], min_df=1)
    assert str(error.value) == expected
    expected = (
        "invalid task: 'a\\nb' holds the control character U+000A "
        "(it names the model's task, which is written into tab-separated output; remove it)"
    )
    with pytest.raises(ValueError) as error:
        stancekit.train(texts, ["positive", "negative", "positive", "negative"], task="a\nb", min_df=1)
    assert str(error.value) == expected


# --- pickling and worker processes ----------------------------------------------------


def test_pickle_round_trip_predicts_the_same(sentences):
    model = stancekit.builtin("accusation")
    copy = pickle.loads(pickle.dumps(model))
    assert copy.task == model.task and copy.labels == model.labels
    np.testing.assert_array_equal(copy.predict_proba(sentences), model.predict_proba(sentences))
    assert copy.to_bytes() == model.to_bytes()


def _predict_in_worker(args):
    model, texts = args
    return model.predict(texts), model.predict_proba(texts)


def _load_and_predict_in_worker(args):
    path, texts = args
    model = stancekit.load(path)
    return model.predict(texts), model.predict_proba(texts)


def test_models_travel_to_worker_processes(sentences, tmp_path):
    import multiprocessing

    model = stancekit.builtin("cooperation")
    trained = stancekit.train(sentences[:400], ["a" if i % 2 else "b" for i in range(400)], task="toy")
    trained.save(tmp_path / "toy.json")
    chunks = [sentences[i : i + 250] for i in range(0, 1000, 250)]
    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:
        pickled = pool.map(_predict_in_worker, [(model, c) for c in chunks] + [(trained, c) for c in chunks])
        reloaded = pool.map(_load_and_predict_in_worker, [(tmp_path / "toy.json", c) for c in chunks])
    for (labels, proba), chunk in zip(pickled[:4], chunks):
        assert labels == model.predict(chunk)
        np.testing.assert_array_equal(proba, model.predict_proba(chunk))
    for (labels, proba), (labels2, proba2), chunk in zip(pickled[4:], reloaded, chunks):
        assert labels == labels2 == trained.predict(chunk)
        np.testing.assert_array_equal(proba, trained.predict_proba(chunk))
        np.testing.assert_array_equal(proba2, proba)


# --- training: Python and CLI make the same model -----------------------------------


def _fitted_parts(path: Path) -> dict:
    """What decides predictions: everything but provenance, metrics and checksum."""
    model = json.loads(path.read_text())
    return {k: model[k] for k in ("format", "version", "task", "labels", "featurizer", "trainer", "classifier")}


@pytest.mark.parametrize(
    "options, flags",
    [
        ({}, []),
        (
            {"ngram_max": 3, "min_df": 1, "c": 1.5, "class_weight": "balanced", "sublinear_tf": False, "max_iterations": 50, "nb_scale": False},
            ["--ngram-max", "3", "--min-df", "1", "--c", "1.5", "--class-weight", "balanced", "--no-sublinear-tf", "--max-iterations", "50", "--no-nb-scale"],
        ),
        (
            {"weighting": "binary", "negation": False, "max_features": 5000, "lexicon": str(REPO / "datasets" / "lexicons"), "cue_ngrams": True, "cue_scale": 2.0, "tolerance": 1e-4, "stem": False, "punctuation": False},
            ["--weighting", "binary", "--no-negation", "--max-features", "5000", "--lexicon", str(REPO / "datasets" / "lexicons"), "--cue-ngrams", "--cue-scale", "2", "--tolerance", "1e-4", "--no-stem", "--no-punctuation"],
        ),
    ],
    ids=["defaults", "trainer-options", "feature-options"],
)
def test_python_and_cli_train_the_same_model(cli, mr_csv, mr_rows, tmp_path, options, flags):
    if options:  # other options on a 4,000-row slice, to keep the test short
        mr_rows = mr_rows[:2000] + mr_rows[-2000:]
        mr_csv = tmp_path / "slice.csv"
        with open(mr_csv, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=["text", "label"])
            writer.writeheader()
            writer.writerows({"text": r["text"], "label": r["label"]} for r in mr_rows)
    texts = [r["text"] for r in mr_rows]
    labels = [r["label"] for r in mr_rows]
    model = stancekit.train(texts, labels, **options)
    assert model.task == "label" and model.labels == ["negative", "positive"]
    ours = tmp_path / "python.json"
    model.save(ours)
    theirs = tmp_path / "cli.json"
    run_cli(cli, "train", "--data", mr_csv, "--out", theirs, "--quiet", *flags)
    assert _fitted_parts(ours) == _fitted_parts(theirs)

    # From Python to the CLI and back: the same labels and probabilities either way.
    sample = texts[::10]
    inputs = write_jsonl(tmp_path / "in.jsonl", sample)
    from_cli = stancekit.load(theirs)
    proba = model.predict_proba(sample)
    np.testing.assert_array_equal(from_cli.predict_proba(sample), proba)
    assert_same_predictions(cli_predictions(cli, [ours], inputs), "label", model.labels, model.predict(sample), proba)


def test_save_writes_the_model_bytes(tmp_path):
    model = stancekit.train(["good fun", "fun good", "bad dull", "dull bad"], ["pos", "pos", "neg", "neg"], min_df=1, task="toy")
    path = tmp_path / "toy.json"
    model.save(path)
    assert path.read_bytes() == model.to_bytes()
    again = stancekit.load(path)
    assert again.to_bytes() == model.to_bytes()
    assert again.predict(["good", "dull"]) == ["pos", "neg"]
    with pytest.raises(stancekit.ModelError):
        model.save(tmp_path / "no" / "such" / "dir" / "toy.json")
    # As the CLI's --out: a replaced model keeps its permissions, a write-protected one is kept.
    path.chmod(0o600)
    model.save(path)
    assert path.stat().st_mode & 0o777 == 0o600
    path.chmod(0o444)
    with pytest.raises(stancekit.ModelError, match=r"is write-protected \(mode 444\), so it is not replaced"):
        model.save(path)
    assert path.read_bytes() == model.to_bytes()
    # As the CLI's --out: a file of something else (the training data) is kept, where it
    # was replaced by the model without a word; an empty file is written.
    data = tmp_path / "train.csv"
    data.write_text("text,label\ngood fun,pos\n")
    with pytest.raises(stancekit.ModelError, match=r"train.csv: holds something other than a stancekit model \(it starts 'text,label'\)"):
        model.save(data)
    assert data.read_text() == "text,label\ngood fun,pos\n"
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    model.save(empty)
    assert empty.read_bytes() == model.to_bytes()


def test_docstrings_reach_help():
    assert "probabilities" in stancekit.Model.predict_proba.__doc__
    assert "ModelError" in stancekit.load.__doc__
    assert "the same options and defaults" in stancekit.train.__doc__
    assert "sentences" in stancekit.classify_article.__doc__


def test_calibration_is_shown_and_its_absence_is_a_warning_saying_why():
    sentiment = stancekit.builtin("sentiment")
    calibration = sentiment.calibration
    assert set(calibration["offsets"]) == set(sentiment.labels)
    assert calibration["offsets"][sentiment.labels[0]] == 0.0
    assert 0.05 <= calibration["temperature"] <= 20
    assert calibration["folds"] == 5
    assert calibration["log_loss_after"] <= calibration["log_loss_before"]
    with pytest.warns(UserWarning, match=r"not calibrated: class 'neg' has 1 row\(s\) to hold out"):
        model = stancekit.train(["good film", "fine film", "bad film"], ["pos", "pos", "neg"], min_df=1)
    assert model.calibration is None
    uncalibrated = stancekit.train(["good film", "bad film"] * 30, ["pos", "neg"] * 30, min_df=1, calibration_folds=0)
    assert uncalibrated.calibration is None


def test_a_model_that_gives_every_training_row_one_label_is_a_warning():
    # Labels that follow nothing in the texts (every fifth row 'rare'), regularised to almost
    # nothing: the model learns the shares alone and labels every row 'common'.
    texts = [f"a {word} film" for word in ["good", "bad", "long", "short"] * 25]
    labels = ["rare" if i % 5 == 0 else "common" for i in range(len(texts))]
    with pytest.warns(UserWarning, match="gives every training row the label 'common'"):
        stancekit.train(texts, labels, min_df=1, c=1e-6, calibration_folds=0)


def test_a_rare_class_the_model_passes_over_is_a_warning(mr_rows):
    # 60 positive among 2,060 reviews, no class weights: the model labels hardly any of the
    # positive rows it learnt from positive, as the CLI's train says; balanced weights hold it.
    import warnings

    rows = [r for r in mr_rows if r["label"] == "negative"][:2000] + [r for r in mr_rows if r["label"] == "positive"][:60]
    texts, labels = [r["text"] for r in rows], [r["label"] for r in rows]
    with pytest.warns(UserWarning, match=r"of the 60 training rows of 'positive' \(2\.9% of all\) as such.*--class-weight balanced"):
        stancekit.train(texts, labels, calibration_folds=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stancekit.train(texts, labels, calibration_folds=0, class_weight="balanced")


def test_a_lexicon_or_word_classes_that_no_training_text_uses_is_a_warning(tmp_path):
    # Another language's files: their columns are 0 on every row, so the model trains as
    # without them; the CLI said so, Python did not.
    import warnings

    (tmp_path / "fr.tsv").write_text("term\tcategory\tweight\nrefuse\tdenial\t1\nsalue\tpositive\t1\n")
    (tmp_path / "classes.tsv").write_text("word\tclass\nrefuse\tc1\nsalue\tc2\n")
    texts = ["good film", "bad film"] * 10
    labels = ["pos", "neg"] * 10
    lexicon, classes = str(tmp_path / "fr.tsv"), str(tmp_path / "classes.tsv")
    with pytest.warns(UserWarning, match=r"no cue of lexicon='.*fr\.tsv' \(2 cues\) is in the training texts"):
        stancekit.train(texts, labels, min_df=1, calibration_folds=0, lexicon=lexicon)
    with pytest.warns(UserWarning, match=r"no word of the training texts is in word_classes='.*classes\.tsv' \(2 words\)"):
        stancekit.train(texts, labels, min_df=1, calibration_folds=0, word_classes=classes)
    # Used by a text: no warning.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stancekit.train(texts + ["they refuse"], labels + ["neg"], min_df=1, calibration_folds=0, lexicon=lexicon)


def test_a_macro_f1_decision_is_shown_and_needs_out_of_fold_scores():
    assert stancekit.builtin("accusation").decision is None
    # 90 rows of 'good' and 10 of 'bad', whose words overlap: unweighted, the highest
    # score favours 'good'; the offsets are chosen for macro-F1 on out-of-fold scores.
    texts = [f"a good film number {i}" for i in range(90)] + [f"a bad film number {i}" for i in range(10)]
    labels = ["good"] * 90 + ["bad"] * 10
    model = stancekit.train(texts, labels, min_df=1, decision="macro-f1")
    decision = model.decision
    assert set(decision["offsets"]) == {"bad", "good"}
    assert decision["offsets"]["bad"] == 0.0
    assert (decision["folds"], decision["rows"]) == (5, 100)
    assert decision["macro_f1_after"] >= decision["macro_f1_before"]
    assert stancekit.train(texts, labels, min_df=1).decision is None
    with pytest.raises(ValueError, match=r"--decision: macro-f1 chooses its offsets on out-of-fold scores"):
        stancekit.train(texts, labels, min_df=1, decision="macro-f1", calibration_folds=0)
    with pytest.raises(ValueError, match=r"invalid decision: 'best' \(expected one of: highest-score, macro-f1\)"):
        stancekit.train(texts, labels, decision="best")


def test_from_bytes_of_a_str_says_to_read_the_file_in_binary_mode():
    # A model file read in text mode gives a str; PyO3 said "Can't extract `str` to `Vec`".
    text = (MODELS / "sentiment.json").read_text(encoding="utf-8")
    with pytest.raises(TypeError) as error:
        stancekit.Model.from_bytes(text)
    assert str(error.value) == (
        'data is a str, not bytes (read the model file in binary mode, open(path, "rb").read(), or load it by its '
        "path with stancekit.load(path))"
    )
    assert stancekit.Model.from_bytes(text.encode("utf-8")).task == "sentiment"


def test_sample_weight_takes_any_iterable_of_numbers_and_names_a_bad_item():
    # A generator was refused ("'generator' object is not an instance of 'Sequence'") where
    # texts take one, and a str said "Can't extract `str` to `Vec`".
    texts, labels = ["good one", "bad one"] * 5, ["p", "n"] * 5
    model = stancekit.train(texts, labels, min_df=1, sample_weight=(1.0 for _ in texts))
    assert model.labels == ["n", "p"]
    assert stancekit.train(texts, labels, min_df=1, sample_weight=np.ones(10, dtype=np.float32)).labels == ["n", "p"]
    with pytest.raises(TypeError) as error:
        stancekit.train(texts, labels, min_df=1, sample_weight="1111111111")
    assert str(error.value) == "sample_weight must be an iterable of numbers, one per text, not a str"
    with pytest.raises(TypeError) as error:
        stancekit.train(texts, labels, min_df=1, sample_weight=[1.0] * 9 + [None])
    assert str(error.value) == "sample_weight[9] has type NoneType, not a number"


def test_load_of_a_models_text_or_a_directory_says_what_it_was_given(tmp_path):
    # The text used to be quoted whole (megabytes) as a missing file's name; a directory
    # was "Is a directory (os error 21)".
    text = (MODELS / "sentiment.json").read_text(encoding="utf-8")
    with pytest.raises(stancekit.ModelError) as error:
        stancekit.load(text)
    assert str(error.value) == (
        "load() takes the path of a model file, and was given a model's text (JSON starting with '{'): read text "
        "with stancekit.Model.from_bytes(text.encode())"
    )
    (tmp_path / "sentiment.json").write_bytes((MODELS / "sentiment.json").read_bytes())
    with pytest.raises(stancekit.ModelError) as error:
        stancekit.load(tmp_path)
    assert str(error.value) == (
        f"{tmp_path}: is a directory, not a model file: it holds sentiment.json (name each model file, e.g. "
        f"{tmp_path}/sentiment.json)"
    )


def test_a_missing_pandas_value_is_named_as_one():
    # A pandas column read from a CSV with an empty cell holds NaN (pd.NA in a string
    # column): "texts[1] has type float, not str" did not say the cell was empty.
    model = stancekit.builtin("sentiment")
    for series, value in [
        (pd.Series(["A fine day.", np.nan]), "NaN"),
        (pd.Series(["A fine day.", None], dtype="string"), "pd.NA"),
    ]:
        with pytest.raises(TypeError) as error:
            model.predict(series)
        assert str(error.value) == (
            f"texts[1] is {value}, a missing value (as pandas reads an empty cell), not str: drop those rows first, "
            "e.g. series.dropna()"
        )
    with pytest.raises(TypeError, match=r"^labels\[0\] is NaN, a missing value"):
        stancekit.train(["a b", "c d"], [float("nan"), "x"])
    with pytest.raises(TypeError, match=r"^texts\[0\] has type float, not str$"):
        model.predict([1.5])


def test_pandas_labels_of_another_length_are_said_to_be_so_not_another_index():
    # Labels of 5 rows for texts of 12: the count is what is wrong. It was said to be the
    # indexes, with labels.loc[texts.index] to align them, which raises KeyError.
    texts = pd.Series(["Talks collapsed in anger.", "Both sides signed the pact.", "Rivals traded threats."] * 4)
    labels = pd.Series(["adversarial", "cooperative", "adversarial"] * 4)
    with pytest.raises(ValueError, match=r"^texts has 12 items but labels has 5 \(one label per text\)$"):
        stancekit.train(texts, labels[:5], min_df=1, calibration_folds=0)
    weights = pd.Series([1.0] * 12)
    with pytest.raises(ValueError, match=r"^sample_weight has 3 values for 12 texts$"):
        stancekit.train(texts, labels, sample_weight=weights[:3], min_df=1, calibration_folds=0)


def test_pandas_labels_with_another_index_are_refused_not_paired_by_position():
    # train pairs by position; pandas pairs by index. Labels sorted apart from their texts
    # kept the same values in another order: each text trained with another row's label.
    frame = pd.DataFrame(
        {
            "text": ["Talks collapsed in anger.", "Both sides signed the pact.", "Rivals traded threats.", "A deal was hailed."],
            "label": ["adversarial", "cooperative", "adversarial", "cooperative"],
            "weight": [1.0, 2.0, 1.0, 2.0],
        }
    )
    with pytest.raises(ValueError, match=r"^texts and labels are pandas objects with different indexes: they are paired by position"):
        stancekit.train(frame["text"], frame["label"].sort_values(), min_df=1, calibration_folds=0)
    with pytest.raises(ValueError, match=r"^texts and sample_weight are pandas objects with different indexes"):
        stancekit.train(
            frame["text"], frame["label"], sample_weight=frame["weight"].iloc[::-1], min_df=1, calibration_folds=0
        )
    # One index (columns of one frame, or the same rows picked from both) or plain sequences: trained.
    picked = frame[frame["weight"] > 0]
    stancekit.train(picked["text"], picked["label"], sample_weight=picked["weight"], min_df=1, calibration_folds=0)
    stancekit.train(frame["text"], list(frame["label"].sort_values()), min_df=1, calibration_folds=0)


def test_word_classes_carry_what_is_learnt_to_unseen_words(tmp_path):
    # Trained on "accused" and "praised" only; the classes put the unseen "charged" and
    # "hailed" with them, so the new sentences take their labels. Without the classes the
    # two new sentences are the same bag of known n-grams and score alike.
    texts, labels = [], []
    for actor in ("the minister", "the mayor", "the board"):
        texts += [f"{actor} accused the union", f"{actor} praised the union"]
        labels += ["blame", "praise"]
    classes = tmp_path / "classes.tsv"
    classes.write_text("accused\tc1\ncharged\tc1\npraised\tc2\nhailed\tc2\n")
    new = ["the governor charged the council", "the governor hailed the council"]
    model = stancekit.train(texts, labels, word_classes=classes, calibration_folds=0)
    assert model.predict(new) == ["blame", "praise"]
    plain = stancekit.train(texts, labels, calibration_folds=0).predict_proba(new)
    assert plain[0].tolist() == plain[1].tolist()
    with pytest.raises(FileNotFoundError, match="reading word classes"):
        stancekit.train(texts, labels, word_classes=tmp_path / "missing.tsv")
    classes.write_text("accused\tc1\ncease fire\tc2\n")
    with pytest.raises(ValueError, match=r"classes.tsv:2: column 'word'"):
        stancekit.train(texts, labels, word_classes=classes)


def test_paths_may_be_bytes_as_in_pythons_own_file_functions(tmp_path):
    # load(b"m.json") used to raise PyO3's "'bytes' object is not an instance of 'str'".
    model = stancekit.load(os.fsencode(MODELS / "sentiment.json"))
    assert model.task == "sentiment"
    saved = tmp_path / "copy.json"
    model.save(os.fsencode(saved))
    assert stancekit.load(saved).to_bytes() == model.to_bytes()
    classes = tmp_path / "classes.tsv"
    classes.write_text("accused\tc1\ncharged\tc1\n")
    texts, labels = ["they accused him", "they praised him"] * 3, ["blame", "praise"] * 3
    trained = stancekit.train(texts, labels, word_classes=os.fsencode(classes), calibration_folds=0)
    assert trained.predict(["they charged him"]) == ["blame"]
    with pytest.raises(stancekit.ModelError, match="given a model's text"):
        stancekit.load(b'{"format":"stancekit-model"}')


def test_an_empty_path_is_named_as_empty(tmp_path):
    # '' (an unset setting, os.environ.get("MODEL", "")) used to give messages starting
    # with the empty name: "ModelError: : No such file or directory (os error 2)",
    # "reading lexicon : : No such file or directory (os error 2)".
    texts, labels = ["they accused him", "they praised him"] * 3, ["blame", "praise"] * 3
    for empty in ["", b""]:
        with pytest.raises(stancekit.ModelError) as error:
            stancekit.load(empty)
        assert str(error.value) == "load() was given an empty path ('' names no file; give the model file's path)"
        with pytest.raises(stancekit.ModelError) as error:
            stancekit.builtin("sentiment").save(empty)
        assert str(error.value) == (
            "save() was given an empty path ('' names no file; give the path to write the model to)"
        )
        with pytest.raises(FileNotFoundError) as error:
            stancekit.train(texts, labels, lexicon=empty)
        assert str(error.value) == (
            "lexicon is an empty path ('' names no file; give the lexicon's directory or cues file, or leave lexicon out)"
        )
        with pytest.raises(FileNotFoundError) as error:
            stancekit.train(texts, labels, word_classes=empty)
        assert str(error.value) == (
            "word_classes is an empty path ('' names no file; give the word-classes file, or leave word_classes out)"
        )
    assert list(tmp_path.iterdir()) == []


def test_a_value_of_the_wrong_kind_says_what_to_pass():
    # explain and classify_article take one text: PyO3 said "'list' object is not an
    # instance of 'str'" for a list, and the same for bytes; bytes items, number labels and
    # task names given as models were named by type alone.
    model = stancekit.builtin("sentiment")
    with pytest.raises(TypeError) as error:
        model.explain(["A fine day.", "Talks failed."])
    assert str(error.value) == (
        "text must be one str, not list (explain takes one text; for several: [model.explain(t) for t in texts])"
    )
    with pytest.raises(TypeError) as error:
        model.explain(pd.Series(["A fine day."]))
    assert str(error.value).startswith("text must be one str, not Series (explain takes one text;")
    for text in [b"A fine day.", np.array([b"A fine day."])[0]]:
        with pytest.raises(TypeError) as error:
            model.explain(text)
        assert str(error.value) == (
            f'text must be one str, not {type(text).__name__} (decode it first: text.decode("utf-8"))'
        )
    with pytest.raises(TypeError) as error:
        stancekit.classify_article(["Talks failed."])
    assert str(error.value) == (
        "text must be one str, not list (classify_article takes one article; for several: [classify_article(a) for a "
        "in articles], or model.predict for texts that are sentences already)"
    )
    with pytest.raises(TypeError) as error:
        stancekit.classify_article(None)
    assert str(error.value) == "text must be one str, not NoneType"
    with pytest.raises(TypeError) as error:
        model.predict(np.array([b"A fine day.", b"Talks failed."]))
    assert str(error.value) == (
        'texts[0] has type bytes_, not str (decode the items first, e.g. [t.decode("utf-8") for t in texts])'
    )
    with pytest.raises(TypeError) as error:
        stancekit.train(["good film", "bad film"] * 30, np.array([1, 0] * 30))
    assert str(error.value) == (
        "labels[0] has type int64, not str (labels are class names: write them as str, e.g. [str(label) for label in "
        "labels])"
    )
    with pytest.raises(TypeError) as error:
        stancekit.classify_article("Talks failed.", "sentiment")
    assert str(error.value) == (
        'models is str, not a Model (from stancekit.load, builtin or train): for the shipped model, pass '
        'stancekit.builtin("sentiment")'
    )
    with pytest.raises(TypeError) as error:
        stancekit.classify_article("Talks failed.", [model, "m.json"])
    assert str(error.value) == (
        "models[1] is str, not a Model (from stancekit.load, builtin or train): load a model file with "
        "stancekit.load(path)"
    )
    # A NumPy str is a str.
    assert model.explain(np.array(["A fine day."])[0])["label"] == model.predict(["A fine day."])[0]


def test_a_bool_is_not_a_number_argument_and_char_ngrams_takes_any_pair():
    # True is 1 to Python: explain(text, top=True) listed one feature, min_df=True and
    # c=True trained with 1; char_ngrams=[3, 5] was "'list' object is not an instance of
    # 'tuple'" and top=2.5 "'float' object cannot be interpreted as an integer".
    model = stancekit.builtin("sentiment")
    texts, labels = ["good fun film", "bad dull film"] * 30, ["pos", "neg"] * 30
    cases = [
        (lambda: model.explain("A fine day.", top=True), "top must be an int, not bool (top=True would be read as 1: "
         "give the number itself)"),
        (lambda: stancekit.classify_article("A fine day.", explain=False), "explain must be an int, not bool "
         "(explain=False would be read as 0: give the number itself)"),
        (lambda: stancekit.train(texts, labels, min_df=True), "min_df must be an int, not bool (min_df=True would be "
         "read as 1: give the number itself)"),
        (lambda: stancekit.train(texts, labels, c=True), "c must be a number, not bool (c=True would be read as 1: "
         "give the number itself)"),
        (lambda: model.explain("A fine day.", top=2.5), "top must be an int, not float"),
        (lambda: stancekit.train(texts, labels, max_features="100"), "max_features must be an int, not str"),
        (lambda: stancekit.train(texts, labels, char_ngrams=3), "char_ngrams must be None or a pair (shortest, "
         "longest), e.g. (3, 5), not int"),
        (lambda: stancekit.train(texts, labels, char_ngrams=(3,)), "char_ngrams must be None or a pair (shortest, "
         "longest), e.g. (3, 5), not 1 item"),
        (lambda: stancekit.train(texts, labels, char_ngrams=(3, "5")), "char_ngrams[1] must be an int, not str"),
    ]
    for call, expected in cases:
        with pytest.raises(TypeError) as error:
            call()
        assert str(error.value) == expected
    # Any pair, and NumPy numbers, are taken.
    as_list = stancekit.train(texts, labels, char_ngrams=[3, 5], calibration_folds=0)
    as_tuple = stancekit.train(texts, labels, char_ngrams=(3, 5), calibration_folds=0)
    assert as_list.predict_proba(["fun"]).tolist() == as_tuple.predict_proba(["fun"]).tolist()
    assert len(model.explain("A fine day.", top=np.int64(2))["explanation"]) == 2
    assert stancekit.train(texts, labels, c=np.float32(2), min_df=np.int64(1), calibration_folds=0).labels == ["neg", "pos"]


def test_a_str_or_bool_option_of_the_wrong_type_names_its_argument(tmp_path):
    # PyO3's own conversion named no argument: train(task=None) said "'None' is not an
    # instance of 'str'", negation="no" "'str' object is not an instance of 'bool'",
    # lexicon=5 "expected str, bytes or os.PathLike object, not int" and
    # Model.from_bytes(None) "'None' is not an instance of 'Sequence'".
    texts, labels = ["good fun film", "bad dull film"] * 30, ["pos", "neg"] * 30
    model = stancekit.builtin("sentiment")
    cases = [
        (lambda: stancekit.train(texts, labels, task=None), "task must be a str, not NoneType"),
        (lambda: stancekit.train(texts, labels, weighting=b"tfidf"), "weighting must be a str, not bytes"),
        (lambda: stancekit.train(texts, labels, class_weight=1), "class_weight must be a str, not int"),
        (lambda: stancekit.train(texts, labels, decision=None), "decision must be a str, not NoneType"),
        (lambda: stancekit.train(texts, labels, negation="no"), "negation must be a bool (True or False), not str"),
        (lambda: stancekit.train(texts, labels, tune=1), "tune must be a bool (True or False), not int"),
        (lambda: stancekit.train(texts, labels, stem=None), "stem must be a bool (True or False), not NoneType"),
        (lambda: stancekit.train(texts, labels, lexicon=5), "lexicon must be a str, bytes or os.PathLike path, not int"),
        (lambda: stancekit.train(texts, labels, word_classes=["w.tsv"]), "word_classes must be a str, bytes or "
         "os.PathLike path, not list"),
        (lambda: stancekit.load(None), "path must be a str, bytes or os.PathLike path, not NoneType"),
        (lambda: model.save(3), "path must be a str, bytes or os.PathLike path, not int"),
        (lambda: stancekit.Model.from_bytes(None), "data must be bytes (a model file's bytes), not NoneType"),
        (lambda: stancekit.Model.from_bytes(model.to_bytes(), None), "name must be a str, not NoneType"),
    ]
    for call, expected in cases:
        with pytest.raises(TypeError) as error:
            call()
        assert str(error.value) == expected
    # Values of the right type still go through, a NumPy bool as a bool.
    trained = stancekit.train(texts, labels, task="films", negation=np.bool_(False), calibration_folds=0)
    assert (trained.task, trained.labels) == ("films", ["neg", "pos"])
    assert stancekit.Model.from_bytes(model.to_bytes(), "m").origin == "m"
    # help() still shows the defaults.
    import inspect

    parameters = inspect.signature(stancekit.train).parameters
    assert [parameters[p].default for p in ("task", "weighting", "class_weight", "decision")] == [
        "label", "tfidf", "none", "highest-score"
    ]


def test_texts_that_are_not_iterable_or_are_bytes_name_the_argument():
    # Python's own message named nothing ("'int' object is not iterable", "iteration over
    # a 0-d array"), and a bytearray or memoryview was iterated as ints: "texts[0] has
    # type int, not str".
    model = stancekit.builtin("sentiment")
    texts, labels = ["good fun film", "bad dull film"] * 30, ["pos", "neg"] * 30
    cases = [
        (lambda: model.predict(5), "texts must be an iterable of str, not int"),
        (lambda: model.predict_proba(None), "texts must be an iterable of str, not NoneType"),
        (lambda: model.predict(np.array("A fine day.")), "texts must be an iterable of str, not ndarray (a 0-d array "
         "holds one value: wrap it in a list, [value])"),
        (lambda: model.predict(bytearray(b"A fine day.")), "texts must be an iterable of str, not a single bytearray "
         "(wrap it in a list: [text])"),
        (lambda: model.predict(memoryview(b"A fine day.")), "texts must be an iterable of str, not a single "
         "memoryview (wrap it in a list: [text])"),
        (lambda: stancekit.train(texts, 1), "labels must be an iterable of str, not int"),
        (lambda: stancekit.train(texts, labels, sample_weight=1.0), "sample_weight must be an iterable of numbers, "
         "one per text, not float"),
        (lambda: stancekit.train(texts, labels, sample_weight=bytearray(60)), "sample_weight must be an iterable of "
         "numbers, one per text, not a bytearray"),
    ]
    for call, expected in cases:
        with pytest.raises(TypeError) as error:
            call()
        assert str(error.value) == expected
    # An exception raised while iterating is the caller's own, unchanged.
    def broken():
        yield "A fine day."
        raise KeyError("from the generator")

    with pytest.raises(KeyError, match="from the generator"):
        model.predict(broken())


def test_a_length_larger_than_memory_is_not_reserved_ahead():
    # len() is what an object says: predict(range(10**12)) reserved 24 TB for its texts
    # and aborted the interpreter, range(10**18) raised PanicException ("capacity
    # overflow"), before the first item (an int, not a str) was looked at. Run in a
    # child process, as the abort would end this one.
    import subprocess
    import sys

    code = (
        "import stancekit\n"
        "model = stancekit.builtin('sentiment')\n"
        "for n in (10**12, 10**18):\n"
        "    for call in (model.predict, lambda t: stancekit._stancekit._label_rows([model], t)):\n"
        "        try:\n"
        "            call(range(n))\n"
        "        except TypeError as error:\n"
        "            print(error)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines() == ["texts[0] has type int, not str"] * 4


def test_a_model_file_rewritten_in_place_while_it_loads_is_an_error_not_a_bus_error(tmp_path):
    # `cp new.json m.json` truncates the file, then writes it. A load reading it through a
    # memory map at that moment faulted, and SIGBUS killed the interpreter ("Bus error"):
    # a notebook's kernel or a Spark executor died. Outside the CLI (whose SIGBUS handler
    # names the file) the file is read into memory, so a load gives a model or a
    # ModelError. Run in a child process, as the signal would end this one.
    import subprocess
    import sys

    code = (
        "import shutil, sys, threading, stancekit\n"
        "source, path = sys.argv[1], sys.argv[2]\n"
        "stop = threading.Event()\n"
        "def rewrite():\n"
        "    while not stop.is_set():\n"
        "        shutil.copyfile(source, path)\n"
        "writer = threading.Thread(target=rewrite)\n"
        "writer.start()\n"
        "loaded = refused = 0\n"
        "try:\n"
        "    for _ in range(1000):\n"
        "        try:\n"
        "            stancekit.load(path)\n"
        "            loaded += 1\n"
        "        except stancekit.ModelError:\n"
        "            refused += 1\n"
        "finally:\n"
        "    stop.set()\n"
        "    writer.join()\n"
        "print(loaded + refused)\n"
    )
    path = tmp_path / "m.json"
    path.write_bytes((MODELS / "sentiment.json").read_bytes())
    args = [sys.executable, "-c", code, str(MODELS / "sentiment.json"), str(path)]
    done = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    assert done.stdout.split() == ["1000"]


def test_stancekit_models_without_the_model_is_said_not_passed_over(tmp_path, monkeypatch):
    # As the CLI: a $STANCEKIT_MODELS that is empty, no directory, or lacks the task's file
    # is an error. builtin_path used to fall back to the installed models without a word,
    # so a retrained model set (or a misspelt directory) was not what labelled.
    expected = "a directory holding cooperation.json, accusation.json and sentiment.json"
    (tmp_path / "sentiment.json").write_bytes((MODELS / "sentiment.json").read_bytes())
    cases = [
        ("", f"STANCEKIT_MODELS is set but empty (set it to {expected}, or unset it)"),
        (str(tmp_path / "nope"), f"STANCEKIT_MODELS={tmp_path / 'nope'} is not a directory (set it to {expected}, or "
         "unset it)"),
        (str(tmp_path), f"STANCEKIT_MODELS={tmp_path} has no cooperation.json (set it to {expected}, or unset it)"),
    ]
    for value, message in cases:
        monkeypatch.setenv("STANCEKIT_MODELS", value)
        with pytest.raises(stancekit.ModelError) as error:
            stancekit.builtin_path("cooperation")
        assert str(error.value) == message
    # The file it holds is the one used.
    assert stancekit.builtin_path("sentiment") == tmp_path / "sentiment.json"
    monkeypatch.delenv("STANCEKIT_MODELS")
    assert stancekit.builtin_path("cooperation").read_bytes() == (MODELS / "cooperation.json").read_bytes()


def test_a_builtin_task_that_is_not_a_str_is_a_type_error():
    # builtin(None) said "no built-in model for task 'None'", as if 'None' were a name.
    for given, kind in [(None, "NoneType"), (5, "int"), (b"sentiment", "bytes")]:
        for call in (stancekit.builtin, stancekit.builtin_path):
            with pytest.raises(TypeError) as error:
                call(given)
            assert str(error.value) == f"task must be a str, not {kind} (one of: cooperation, accusation, sentiment)"


def test_a_stancekit_models_file_holding_another_tasks_model_is_refused(tmp_path, monkeypatch):
    # sentiment.json copied in as cooperation.json: builtin("cooperation") returned the
    # sentiment model, and classify_article() without models said "two models have the
    # task 'sentiment'", of models nobody gave.
    for task in stancekit.BUILTIN_TASKS:
        (tmp_path / f"{task}.json").write_bytes((MODELS / f"{task}.json").read_bytes())
    (tmp_path / "cooperation.json").write_bytes((MODELS / "sentiment.json").read_bytes())
    monkeypatch.setenv("STANCEKIT_MODELS", str(tmp_path))
    expected = (
        f"{tmp_path}/cooperation.json: holds a model of task 'sentiment', not cooperation (the shipped models' "
        "directory holds each task's model under that task's name: put the cooperation model there, or load your "
        "models with stancekit.load)"
    )
    for call in (lambda: stancekit.builtin("cooperation"), lambda: stancekit.classify_article("They met.")):
        with pytest.raises(stancekit.ModelError) as error:
            call()
        assert str(error.value) == expected
    assert stancekit.builtin("sentiment").task == "sentiment"


def test_a_process_forked_after_a_batch_call_can_make_its_own():
    # multiprocessing's default start method on Linux is fork: a child forked after the
    # parent's first batch call held a copy of rayon's thread pool without its threads,
    # and its first predict waited for them forever (a Pool of such workers never
    # returned). Run in a child interpreter, bounded in time, as the hang would stop
    # this one.
    import subprocess
    import sys

    code = (
        "import multiprocessing, os, stancekit\n"
        "model = stancekit.builtin('sentiment')\n"
        "texts = ['The talks failed after a bitter row.'] * 2000\n"
        "expected = model.predict(texts)\n"
        "def work(chunk):\n"
        "    return model.predict(chunk) == expected[:len(chunk)]\n"
        "if __name__ == '__main__':\n"
        "    with multiprocessing.get_context('fork').Pool(2) as pool:\n"
        "        print(pool.map(work, [texts, texts[:10]]))\n"
        "    pid = os.fork()\n"
        "    if pid == 0:\n"
        "        stancekit.classify_article('Talks failed. Both sides left.', [model])\n"
        "        os._exit(0 if model.predict_proba(texts).shape == (2000, 3) else 1)\n"
        "    print(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))\n"
    )
    # In a session of its own, so a hang is ended with every process it forked.
    child = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        stdout, stderr = child.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, 9)
        child.communicate()
        pytest.fail("a process forked after a batch call hung on its own batch call")
    assert child.returncode == 0, stderr[-2000:]
    assert stdout.splitlines() == ["[True, True]", "0"]
