import csv

import pytest

from minxin.intake.classify import service

from .synthetic import messages


@pytest.fixture(autouse=True)
def _isolated_models(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    service.clear_cache()
    yield
    service.clear_cache()


def write_csv(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path, header, rows):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


@pytest.fixture
def labelled_csv(tmp_path):
    return write_csv(tmp_path / "train.csv", ["内容", "类别"], messages(40, seed=1))


@pytest.fixture
def holdout_csv(tmp_path):
    return write_csv(tmp_path / "holdout.csv", ["内容", "类别"], messages(15, seed=2))
