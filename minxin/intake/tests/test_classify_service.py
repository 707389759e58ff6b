import logging

import pytest

from minxin.intake.classify import service
from minxin.intake.classify.estimator import TextClassifier
from minxin.intake.classify.text import clean, key, normalize, segmenter

from .synthetic import messages, segmented

pytestmark = pytest.mark.django_db

RAW = ["单位拖欠工资半年，社保也停缴了", "楼上违章搭建，小区物业不管", "学校强制家长买教辅资料"]
EXPECTED = ["劳动和社会保障", "城乡建设", "教育文体"]


def test_a_model_trained_on_segmented_text_classifies_raw_text():
    texts, labels = zip(*messages(40))
    service.train(name="topic", texts=[segmented(t) for t in texts], labels=labels)

    raw = service.predict("topic", RAW)
    seg = service.predict("topic", [segmented(t) for t in RAW])

    assert [p.label for p in raw] == EXPECTED
    # both forms have the same key (whitespace removed), so they score identically
    assert [p.confidence for p in raw] == pytest.approx([p.confidence for p in seg])


def test_a_model_trained_on_raw_text_classifies_segmented_text():
    texts, labels = zip(*messages(40))
    service.train(name="topic", texts=texts, labels=labels)

    assert [p.label for p in service.predict("topic", [segmented(t) for t in RAW])] == EXPECTED


def test_predict_returns_label_confidence_top_k_and_the_terms_behind_it():
    texts, labels = zip(*messages(40))
    service.train(name="topic", texts=texts, labels=labels)

    label, confidence, top_k, top_terms = service.predict("topic", ["公司拖欠工资不给加班费"], k=2)[0]

    assert label == "劳动和社会保障"
    assert len(top_k) == 2 and top_k[0] == (label, confidence)
    assert top_k[0][1] >= top_k[1][1]
    assert 0 < len(top_terms) <= 5
    assert all(term in key("公司拖欠工资不给加班费") for term in top_terms)


def test_load_active_follows_activation():
    texts, labels = zip(*messages(30))
    first = service.train(name="topic", texts=texts, labels=labels)
    second = service.train(name="topic", texts=texts[:60], labels=labels[:60])
    assert service.get_version("topic").pk == first.pk

    service.activate(name="topic", version=second.version)

    assert service.get_version("topic").pk == second.pk
    assert service.load_active("topic") is service.load(second)


def test_normalize_makes_raw_and_segmented_text_equal():
    assert normalize("小区 电梯 故障\t 物业 不 管\n") == normalize("小区电梯故障物业不管") == "小区电梯故障物业不管"
    assert normalize("ＡＢＣ　１２３") == "abc123"


def test_jieba_loads_its_bundled_dictionary_once_without_logging(caplog):
    with caplog.at_level(logging.DEBUG):
        first = segmenter()
        second = segmenter()
    assert first is second
    assert first.dt.initialized
    assert not [r for r in caplog.records if r.name == "jieba" and r.levelno < logging.WARNING]


def test_a_model_trained_on_cleaned_text_gives_raw_text_the_same_prediction():
    texts, labels = zip(*messages(40))
    # the shape of many training exports: jieba words without stop words or punctuation
    service.train(name="topic", texts=[clean(t) for t in texts], labels=labels)
    raw = [t + "！我们已经反映了很多次，希望有关部门尽快处理。" for t in RAW]

    from_raw = service.predict("topic", raw)
    from_clean = service.predict("topic", [clean(t) for t in raw])

    assert [p.label for p in from_raw] == EXPECTED
    assert [p.confidence for p in from_raw] == pytest.approx([p.confidence for p in from_clean])


def test_the_key_drops_punctuation_function_words_latin_letters_and_digits():
    raw = "A市A3区阳光小区的电梯，自2019年以来已经坏了三个月！我们只有走楼梯。"

    assert key(raw) == key(clean(raw)) == key(segmented(raw))
    assert "的" not in key(raw) and "以来" not in key(raw) and "只有" not in key(raw)
    assert "阳光小区" in key(raw) and "电梯" in key(raw)
    assert not any(ch.isascii() for ch in key(raw))


def test_clean_keeps_content_words_and_drops_stop_words_and_punctuation():
    assert clean("我们小区的电梯，已经坏了三个月！").split() == ["小区", "电梯", "坏", "三个", "月"]


def test_a_model_stored_before_the_key_keeps_its_whitespace_representation():
    texts, labels = zip(*messages(20))
    clf = TextClassifier(calibrate=False, representation="whitespace").fit(texts, labels)
    del clf.representation  # as unpickled from an artifact written before the attribute existed

    assert clf._reduce(["小区 的 电梯，坏了"]) == [normalize("小区 的 电梯，坏了")]


def test_ngram_features_of_new_texts_match_a_plain_count_of_their_ngrams():
    """The lookup by length (an n-gram only where its prefix was found) misses nothing the vocabulary holds."""
    import math
    from collections import Counter

    import numpy as np

    from minxin.intake.classify.features import CharNgramTfidf

    train = ["阳光小区电梯故障", "电梯经常困人", "小区物业不作为", "物业收费不合理", "阳光小区物业", "电梯维修资金"]
    new = ["阳光小区电梯又坏了物业不管", "电梯困人", "完全无关的句子", "", "小区小区小区"]
    for ngram_range, max_chars in (((1, 4), None), ((2, 3), None), ((1, 3), 5)):
        vec = CharNgramTfidf(ngram_range, min_df=2, max_chars=max_chars)
        vec.fit(train)
        got = vec.transform(new).toarray()
        columns = {vec.ngram_text(j): j for j in range(len(vec.vocabulary_keys_))}
        lo, hi = ngram_range
        for row, text in zip(got, new, strict=True):
            text = text[:max_chars] if max_chars else text
            counts = Counter(text[i:i + n] for n in range(lo, hi + 1) for i in range(len(text) - n + 1))
            expected = np.zeros(len(columns))
            for gram, c in counts.items():
                if gram in columns:
                    expected[columns[gram]] = (1 + math.log(c)) * vec.idf_[columns[gram]]
            norm = np.linalg.norm(expected)
            assert np.allclose(row, expected / norm if norm else expected)
