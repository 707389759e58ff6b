"""Search relevance on generated known-answer queries (the full benchmark: benchmarks/bench_search.py).

Cases get random texts from a small vocabulary, so pieces recur across cases; the known answer of a
query is every case whose text contains it, computed here in Python.
"""

import random

import pytest
from django.db import connection

from minxin.cases.models import Case
from minxin.cases.search import search
from minxin.core import clock as core_clock

pytestmark = pytest.mark.django_db

WORDS = ["物业", "电梯", "停运", "维修", "拆迁", "补偿", "工资", "拖欠", "噪音", "施工", "学校", "供暖", "道路", "积水", "养老", "医保"]


def test_generated_queries_find_their_known_answers(city, clock):  # noqa: ARG001 - clock freezes time
    rng = random.Random(5)
    texts = {}
    for i in range(40):
        content = "".join(rng.choice(WORDS) for _ in range(rng.randint(4, 10)))
        at = core_clock.now()
        case = Case.objects.create(
            number=f"R-{i:03d}", query_code=f"rq{i:06d}", channel="letter", category="complaint", subject=rng.choice(WORDS) + "问题",
            content=content, area=city.areas["east1v"], received_at=at, registered_at=at,
            registering_unit=city.units["east_bureau"], current_unit=city.units["east_bureau"],
        )
        texts[case.pk] = f"{case.subject}\n{content}"
    qs = Case.objects.visible_to(city.staff["east_registrar"])
    recalls, precise = [], True
    for pk in rng.sample(list(texts), 25):
        body = texts[pk].split("\n")[1]
        k = rng.randint(3, 5)
        start = rng.randint(0, len(body) - k)
        q = body[start:start + k]
        truth = {c for c, t in texts.items() if q in t}
        top = list(search(qs, q).values_list("pk", flat=True)[:10])
        recalls.append(len(set(top) & truth) / min(10, len(truth)))
        precise &= set(top) <= truth
    assert sum(recalls) / len(recalls) == 1.0
    if connection.vendor == "postgresql":
        # Phrase search: every hit really contains the text (SQLite matches bigrams in any order).
        assert precise
