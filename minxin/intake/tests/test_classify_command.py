import csv
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from minxin.intake.models import ClassifierModel

from .conftest import write_csv, write_xlsx
from .synthetic import messages

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("classify", *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def train(path, name="topic", *extra):
    return run("train", "--input", str(path), "--text-col", "内容", "--label-col", "类别", "--name", name, *extra)


def macro_f1(output: str) -> float:
    match = re.search(r"^macro-F1: (\d\.\d{4})$", output, re.MULTILINE)
    assert match, output
    return float(match.group(1))


def test_training_from_csv_reports_held_out_figures_and_stores_a_verified_artifact(labelled_csv):
    output = train(labelled_csv)

    assert macro_f1(output) >= 0.9
    assert "特征提取" in output  # progress is shown while training
    row = ClassifierModel.objects.get(name="topic")
    assert row.version == 1 and row.is_active
    assert row.labels == ["劳动和社会保障", "城乡建设", "教育文体"]
    assert row.metrics["n_eval"] == 24 and row.metrics["method"].startswith("stratified hold-out 0.2")
    path = Path(settings.MEDIA_ROOT) / row.file_path
    assert path.is_file() and path.stat().st_size == row.size
    import hashlib

    assert hashlib.sha256(path.read_bytes()).hexdigest() == row.sha256


def test_training_from_xlsx_with_cross_validation_reports_every_fold(tmp_path):
    path = write_xlsx(tmp_path / "train.xlsx", ["编号", "内容", "类别"], [(i, t, c) for i, (t, c) in enumerate(messages(40, seed=3))])

    output = train(path, "topic", "--cv", "5")

    assert macro_f1(output) >= 0.9
    assert "交叉验证 第 5/5 折" in output
    row = ClassifierModel.objects.get(name="topic")
    assert len(row.metrics["fold_macro_f1"]) == 5
    assert row.metrics["n_eval"] == 120  # every row is predicted once, out of fold


def test_eval_prints_macro_f1_per_class_figures_and_confusion_matrix(labelled_csv, holdout_csv):
    train(labelled_csv)

    output = run("eval", "--name", "topic", "--input", str(holdout_csv), "--text-col", "内容", "--label-col", "类别")

    assert macro_f1(output) >= 0.9
    assert re.search(r"^accuracy: \d\.\d{4}$", output, re.MULTILINE)
    for label in ("劳动和社会保障", "城乡建设", "教育文体"):
        assert re.search(rf"^{label}\s+\d\.\d{{4}}\s+\d\.\d{{4}}\s+\d\.\d{{4}}\s+15$", output, re.MULTILINE), output
    assert "混淆矩阵" in output
    matrix_rows = re.findall(r"^  \[\d\] +(\d+) +(\d+) +(\d+)$", output, re.MULTILINE)
    assert len(matrix_rows) == 3 and sum(int(v) for row in matrix_rows for v in row) == 45


def test_predict_writes_label_confidence_top3_and_reasons_for_each_row(labelled_csv, tmp_path):
    train(labelled_csv)
    unlabelled = write_csv(
        tmp_path / "new.csv",
        ["编号", "内容"],
        [("A1", "公司拖欠我三个月工资，社保也没交"), ("A2", "小区电梯坏了半年物业不修"), ("A3", "学校要求家长交补课费")],
    )
    out = tmp_path / "out" / "predicted.csv"

    output = run("predict", "--name", "topic", "--input", str(unlabelled), "--text-col", "内容", "--output", str(out))

    assert "3 行" in output
    with out.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["编号"] for r in rows] == ["A1", "A2", "A3"]
    assert [r["预测标签"] for r in rows] == ["劳动和社会保障", "城乡建设", "教育文体"]
    for r in rows:
        confidence = float(r["置信度"])
        candidates = r["前3候选"].split("；")
        assert len(candidates) == 3
        assert candidates[0].startswith(r["预测标签"] + ":")
        probs = [float(c.split(":")[1]) for c in candidates]
        assert probs == sorted(probs, reverse=True) and abs(probs[0] - confidence) < 1e-3
        assert 1 / 3 < confidence <= 1
        assert r["依据词"]
    # the reasons are words of the message that pull toward the predicted class
    assert any(term in "公司拖欠我三个月工资，社保也没交" for term in rows[0]["依据词"].split("、"))


def test_a_second_version_is_stored_but_only_switched_on_when_activated(labelled_csv, tmp_path):
    train(labelled_csv)
    other = write_csv(tmp_path / "more.csv", ["内容", "类别"], messages(40, seed=9))
    output = train(other)
    assert "未启用" in output

    rows = {r.version: r for r in ClassifierModel.objects.filter(name="topic")}
    assert (rows[1].is_active, rows[2].is_active) == (True, False)
    assert rows[1].file_path != rows[2].file_path

    run("activate", "--name", "topic", "--version", "2")

    active = ClassifierModel.objects.filter(name="topic", is_active=True)
    assert [r.version for r in active] == [2]
    listing = run("list")
    assert re.search(r"^topic\s+2\s+是", listing, re.MULTILINE)
    assert re.search(r"^topic\s+1\s+ ", listing, re.MULTILINE)


def test_activate_refuses_an_unknown_version(labelled_csv):
    train(labelled_csv)
    with pytest.raises(CommandError, match="没有版本 7"):
        run("activate", "--name", "topic", "--version", "7")
    assert ClassifierModel.objects.get(name="topic").is_active


def test_train_with_activate_switches_the_new_version_on_at_once(labelled_csv):
    train(labelled_csv)
    train(labelled_csv, "topic", "--activate")
    assert list(ClassifierModel.objects.filter(is_active=True).values_list("version", flat=True)) == [2]


def test_training_output_gives_the_version_and_size(labelled_csv):
    output = train(labelled_csv)
    assert re.search(r"已保存 topic v1（3 个类别，\d+\.\d MB", output)
