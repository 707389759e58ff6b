from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from minxin.core.errors import ConfigurationMissing, PermissionDenied
from minxin.intake.classify import service
from minxin.intake.models import ClassifierModel

from .conftest import write_csv, write_xlsx
from .synthetic import messages

pytestmark = pytest.mark.django_db


def train(path, text_col="内容", label_col="类别", name="topic"):
    call_command("classify", "train", "--input", str(path), "--text-col", text_col, "--label-col", label_col, "--name", name, "--quiet-progress")


def nothing_saved():
    stored = list(Path(settings.MEDIA_ROOT).rglob("*")) if Path(settings.MEDIA_ROOT).exists() else []
    return not ClassifierModel.objects.exists() and not [p for p in stored if p.is_file()]


def test_a_missing_column_is_named_with_the_columns_that_exist(labelled_csv):
    with pytest.raises(CommandError, match="没有列“标签”；现有的列：内容、类别"):
        train(labelled_csv, label_col="标签")
    assert nothing_saved()


def test_an_empty_csv_is_refused(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(CommandError, match="是空的"):
        train(empty)
    assert nothing_saved()


def test_a_header_without_rows_is_refused(tmp_path):
    path = write_csv(tmp_path / "header.csv", ["内容", "类别"], [])
    with pytest.raises(CommandError, match="没有可用的数据行"):
        train(path)
    assert nothing_saved()


def test_an_unknown_file_type_is_refused(tmp_path):
    path = tmp_path / "train.json"
    path.write_text("[]", encoding="utf-8")
    with pytest.raises(CommandError, match="不支持的文件类型“.json”"):
        train(path)
    assert nothing_saved()


def test_a_single_class_is_refused(tmp_path):
    rows = [(t, "城乡建设") for t, _ in messages(20)]
    path = write_xlsx(tmp_path / "one.xlsx", ["内容", "类别"], rows)
    with pytest.raises(CommandError, match="只有一个类别“城乡建设”"):
        train(path)
    assert nothing_saved()


def test_a_class_with_too_few_examples_is_named(tmp_path):
    rows = messages(20) + [("游泳馆收费太高", "教育文体x")]
    path = write_csv(tmp_path / "rare.csv", ["内容", "类别"], rows)
    with pytest.raises(CommandError, match="“教育文体x”（1 条）"):
        train(path)
    assert nothing_saved()


def test_an_invalid_model_name_is_refused(labelled_csv):
    with pytest.raises(CommandError, match="模型名称“Topic X”无效"):
        train(labelled_csv, name="Topic X")
    assert nothing_saved()


def test_a_gb18030_csv_from_excel_is_read(tmp_path):
    path = tmp_path / "gbk.csv"
    lines = ["内容,类别"] + [f"{t},{c}" for t, c in messages(20)]
    path.write_bytes("\r\n".join(lines).encode("gb18030"))
    train(path)
    assert ClassifierModel.objects.get().metrics["n_train"] == 60


def test_predicting_with_an_unknown_model_says_to_train_first(tmp_path, labelled_csv):
    with pytest.raises(CommandError, match="没有名为 nosuch 的分类模型"):
        call_command("classify", "predict", "--name", "nosuch", "--input", str(labelled_csv), "--text-col", "内容", "--output", str(tmp_path / "o.csv"))


def test_a_tampered_artifact_is_refused_on_load(labelled_csv):
    train(labelled_csv)
    row = ClassifierModel.objects.get()
    path = Path(settings.MEDIA_ROOT) / row.file_path
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))
    service.clear_cache()

    with pytest.raises(ConfigurationMissing, match="校验失败"):
        service.load_active("topic")


def test_only_admins_and_analysts_may_train(city):
    texts, labels = zip(*messages(20))
    with pytest.raises(PermissionDenied):
        service.train(name="topic", texts=texts, labels=labels, actor=city.staff["east_registrar"])
    assert nothing_saved()

    row = service.train(name="topic", texts=texts, labels=labels, actor=city.staff["city_analyst"])
    assert row.created_by == city.staff["city_analyst"]
