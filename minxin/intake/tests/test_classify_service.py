import logging

import pytest

from minxin.intake.classify import service
from minxin.intake.classify.text import normalize, segmenter

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
    # whitespace is removed before features are taken, so both forms score identically
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
    assert all(term in normalize("公司拖欠工资不给加班费") for term in top_terms)


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
