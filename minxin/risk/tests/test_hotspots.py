import datetime as dt
import random

import pytest

from minxin.risk.hotspots import HeatWeights, Message, find_hotspots, heat_of, hotspots_for_cases
from minxin.risk.tests.factories import bulk_cases

END = dt.date(2026, 6, 30)

TOPICS = {
    "wage": ("讨薪", ["建筑工地拖欠农民工工资{n}个月", "工地老板拖欠工资不发，{n}名工人讨薪无门", "农民工工资被拖欠{n}万元请劳动监察介入"]),
    "noise": ("噪音", ["夜间施工噪音扰民到凌晨{n}点", "工地夜间打桩噪音严重影响休息", "晚上{n}点后施工噪音太大无法入睡"]),
    "school": ("学位", ["小区适龄儿童{n}人没有学位", "新建小区配套学校学位不足", "孩子上学学位紧张离家{n}公里"]),
}
FILLER = ["公交线路调整建议", "路灯损坏请维修", "社保卡补办流程咨询", "菜市场摊位费用问题", "图书馆开放时间建议", "公园厕所太少"]


def generated(rng, counts: dict, days: range, offset: int = 0, templates: int = 3) -> list[Message]:
    out = []
    for key, n in counts.items():
        title, templates_ = TOPICS[key]
        templates_ = templates_[:templates]
        for i in range(n):
            text = rng.choice(templates_).format(n=rng.randint(2, 9))
            out.append(Message(id=f"{key}-{offset + i}", title=title, text=text, at=END - dt.timedelta(days=rng.choice(days)),
                               petitioner=f"p{rng.randint(0, 10_000)}", area=rng.choice(["A", "B", "C"]), support=rng.randint(0, 3)))
    for i, f in enumerate(FILLER):
        out.append(Message(id=f"filler-{offset + i}", title=f, text=f, at=END - dt.timedelta(days=rng.choice(days))))
    return out


def test_generated_topics_are_found_and_labelled():
    rng = random.Random(1)
    topics, labels = find_hotspots(generated(rng, {"wage": 12, "noise": 9, "school": 6}, range(0, 30)), end=END, return_labels=True)
    by_key = {}
    for t in topics:
        keys = {str(e).split("-")[0] for e in t.examples}
        assert len(keys) == 1, f"mixed topic {t.examples}"
        by_key.setdefault(keys.pop(), []).append(t)
    assert {"wage", "noise", "school"} <= set(by_key)
    assert "filler" not in by_key  # unrelated one-off messages stay out of every hotspot
    assert any("工资" in "".join(t.keywords) or "讨薪" in t.keywords for t in by_key["wage"])


def test_growing_topic_outranks_a_steady_one_of_the_same_size():
    rng = random.Random(2)
    # One wording per topic, so both form one group each and only growth differs.
    current = generated(rng, {"wage": 10, "noise": 10}, range(0, 30), templates=1)
    previous = generated(rng, {"noise": 10}, range(30, 60), offset=100, templates=1)
    topics = find_hotspots(current, previous=previous, end=END)
    wage = next(t for t in topics if str(t.examples[0]).startswith("wage"))
    noise = next(t for t in topics if str(t.examples[0]).startswith("noise"))
    assert (wage.size, noise.size) == (10, 10)
    assert (wage.previous, noise.previous) == (0, 10)
    assert topics.index(wage) < topics.index(noise)


def test_heat_index_rises_with_each_component():
    w = HeatWeights()
    base = dict(n=5, previous=5, petitioners=3, areas=1, support=0, age_days=0, w=w)
    h = heat_of(**base)
    for key, value in (("n", 10), ("petitioners", 6), ("areas", 3), ("support", 50)):
        assert heat_of(**{**base, key: value}) > h
    assert heat_of(**{**base, "previous": 0}) > h  # growth
    assert heat_of(**{**base, "age_days": 30}) < h  # recency


@pytest.mark.django_db
def test_hotspots_from_cases_respect_scoping(city):
    bulk_cases(city, area="grid1", per_day={END - dt.timedelta(days=3): 6}, subject="讨薪", content="工地拖欠农民工工资三个月")
    bulk_cases(city, area="west1v", per_day={END - dt.timedelta(days=3): 6}, subject="噪音", content="夜间施工噪音扰民")
    east = hotspots_for_cases(staff=city.staff["east_leader"], days=30, end=END)
    everyone = hotspots_for_cases(staff=city.staff["city_leader"], days=30, end=END)
    assert [t.size for t in east] == [6]
    assert sorted(t.size for t in everyone) == [6, 6]
    assert east[0].title == "讨薪"
    assert len(east[0].places) == 1 and east[0].places[0][1] == 6  # one area: that area, named
    assert sum(n for _w, n in east[0].trend) == 6


def test_groups_with_nearly_parallel_centroids_are_joined_and_others_are_not():
    import numpy as np

    from minxin.risk.hotspots import merge_close_groups

    z = np.array([[1, 0.1, 0], [1, 0.15, 0], [1, -0.1, 0], [1, -0.15, 0], [0, 0, 1], [0, 0.1, 1], [0, 1, 0]], dtype=float)
    z /= np.linalg.norm(z, axis=1, keepdims=True)
    labels = np.array([0, 0, 1, 1, 2, 2, 3])
    merged = merge_close_groups(z, labels, min_similarity=0.9)
    assert merged[0] == merged[2] and merged[4] != merged[0] and merged[6] == 3


def test_a_topic_is_titled_by_its_most_representative_subject_and_keyed_without_function_words():
    rng = random.Random(3)
    messages = []
    for i in range(10):
        text = rng.choice(["自今年以来，阳光小区的电梯时有故障，只有一部能用", "阳光小区电梯是因为维保不到位才经常停运", "阳光小区电梯故障困人，维保单位不作为"])
        messages.append(Message(id=f"lift-{i}", title="阳光小区电梯频繁故障" if i < 7 else "", text=text, at=END - dt.timedelta(days=i)))
    messages += [Message(id=f"f-{i}", title=f, text=f, at=END) for i, f in enumerate(FILLER)]

    topic = next(t for t in find_hotspots(messages, end=END) if str(t.examples[0]).startswith("lift"))

    assert topic.title == "阳光小区电梯频繁故障"
    assert "电梯" in topic.keywords
    assert not {"以来", "只有", "是因为", "时有", "今年"} & set(topic.keywords)


def test_a_topic_carries_its_weekly_trend_with_empty_weeks():
    rng = random.Random(4)
    messages = generated(rng, {"wage": 8}, range(0, 3)) + generated(rng, {"wage": 4}, range(21, 24), offset=50)

    topic = next(t for t in find_hotspots(messages, start=END - dt.timedelta(days=27), end=END) if str(t.examples[0]).startswith("wage"))

    weeks = [w for w, _n in topic.trend]
    assert all(w.weekday() == 0 for w in weeks)
    assert weeks == sorted(weeks) and weeks[-1] <= END < weeks[-1] + dt.timedelta(days=7)
    assert sum(n for _w, n in topic.trend) == topic.size
    assert 0 in [n for _w, n in topic.trend]  # the quiet weeks in between are shown, not skipped


def test_places_are_named_at_the_level_where_the_messages_differ():
    from minxin.risk.hotspots import places_of

    city, district = "长沙市", "岳麓区"
    one_street = [(city, district, "望岳街道", "阳光社区")] * 3 + [(city, district, "望岳街道", "金桥社区")]
    assert places_of(one_street) == [("阳光社区", 3), ("金桥社区", 1)]
    two_districts = [(city, district, "望岳街道")] * 2 + [(city, "雨花区", "侯家塘街道")]
    assert places_of(two_districts) == [("岳麓区", 2), ("雨花区", 1)]
    assert places_of([(city, district, "望岳街道", "阳光社区")] * 2) == [("阳光社区", 2)]
    assert places_of([(), ()]) == []


def _demo_messages(rng, per_kind):
    """Messages written by the demo city's own templates (minxin.demo.texts) for every kind of matter, one county."""
    from minxin.demo.texts import TOPICS, Place, render

    places = [Place("东城区", f"{t}街道", f"{v}社区") for t in ("望岳", "金桥", "湘江", "桂花") for v in ("阳光", "幸福", "和平")]
    out = []
    for topic in TOPICS:
        for i in range(per_kind):
            subject, content, _request, _facts = render(rng, topic, rng.choice(places), END, rng.randint(3, 60))
            out.append(Message(id=f"{topic.key}-{i}", title=subject, text=content, at=END - dt.timedelta(days=rng.randint(0, 29))))
    return out


def test_one_issue_described_with_different_facts_is_one_topic():
    # The demo's heating complaints: some writers give the room temperature, others say the
    # radiators stay cold although the fee is paid; their subject lines say the same thing.
    messages = _demo_messages(random.Random(11), 40)

    _topics, labels = find_hotspots(messages, end=END, return_labels=True)
    _topics, split = find_hotspots(messages, end=END, return_labels=True, subject_similarity=None)

    def topics_of(labels, kind):
        return {int(lb) for m, lb in zip(messages, labels, strict=True) if m.id.split("-")[0] == kind}

    assert len(topics_of(split, "heating")) >= 2  # the bodies alone split the issue
    assert len(topics_of(labels, "heating")) == 1
    for m, lb in zip(messages, labels, strict=True):  # and no topic mixes two kinds
        assert {x.id.split("-")[0] for x, other in zip(messages, labels, strict=True) if other == lb} == {m.id.split("-")[0]}


def test_groups_whose_subjects_say_the_same_are_joined_only_when_their_texts_are_related():
    import numpy as np

    from minxin.risk.hotspots import merge_same_subject

    z = np.array([[1, 0.2, 0], [1, 0.2, 0], [0.6, 1, 0], [0.6, 1, 0], [0, 0, 1], [0, 0, 1]], dtype=float)
    z /= np.linalg.norm(z, axis=1, keepdims=True)
    labels = np.array([0, 0, 1, 1, 2, 2])
    titles = ["锦绣花园供暖不达标", "冬季供暖不达标", "供暖不达标", "锦绣花园供暖不达标", "供暖不达标问题", "冬季供暖不达标"]
    merged = merge_same_subject(z, labels, titles)
    assert merged[0] == merged[2]  # same subjects, related texts
    assert merged[4] != merged[0]  # same subjects, unrelated texts
    other = merge_same_subject(z, labels, ["阳光小区油烟扰民", "阳光小区油烟扰民", "翡翠华庭停车难", "翡翠华庭停车难", "x", "y"])
    assert len(set(other.tolist())) == 3


def test_subjects_that_differ_only_in_the_names_they_cite_join_groups_not_about_one_place():
    import numpy as np

    from minxin.risk.hotspots import merge_same_subject

    # Two groups of one issue, each writer citing another estate or heating company (as in the demo's
    # window): with the names in, the subject centroids are apart; without them they say the same.
    z = np.array([[1, 0.3, 0]] * 3 + [[0.5, 1, 0]] * 3 + [[0, 0, 1]] * 2, dtype=float)
    z /= np.linalg.norm(z, axis=1, keepdims=True)
    labels = np.array([0, 0, 0, 1, 1, 1, 2, 2])
    titles = ["书香苑供暖不达标", "反映宏达热力有限公司供暖温度不足", "丽景花园供暖不达标",
              "冬季供暖问题", "翡翠华庭供暖不达标", "反映金茂实业有限公司供暖温度不足", "路灯不亮", "路灯坏了"]
    bodies = ["室内温度只有12度"] * 3 + ["暖气一直不热"] * 3 + ["", ""]

    assert merge_same_subject(z, labels, titles, texts=bodies, mask_names=False).tolist() == labels.tolist()
    joined = merge_same_subject(z, labels, titles, texts=bodies)
    assert joined[0] == joined[3] and joined[6] != joined[0]

    # The same subjects from two groups each about its own estate (named in every message) stay apart.
    placed = [f"{body}，{estate}的暖气" for body, estate in zip(bodies, ["锦绣小区"] * 3 + ["阳光小区"] * 3 + ["", ""], strict=True)]
    assert merge_same_subject(z, labels, titles, texts=placed).tolist() == labels.tolist()


def test_function_like_words_are_never_keywords():
    from minxin.risk.hotspots import function_like

    assert all(function_like(w) for w in ("按规定", "以来", "只有", "是因为", "一直", "多次"))
    assert not any(function_like(w) for w in ("供暖", "取暖费", "温度", "工资", "物业费", "电梯"))
    rng = random.Random(5)
    messages = [Message(id=f"heat-{i}", title="供暖不达标",
                        text=rng.choice(["室内温度只有12度，请求按规定退还取暖费", "暖气不热，供热公司按规定应当检修"]),
                        at=END - dt.timedelta(days=i)) for i in range(8)]
    messages += [Message(id=f"f-{i}", title=f, text=f, at=END) for i, f in enumerate(FILLER)]

    topic = next(t for t in find_hotspots(messages, end=END) if str(t.examples[0]).startswith("heat"))

    assert "按规定" not in topic.keywords and "取暖费" in topic.keywords


def test_the_same_kind_of_problem_at_two_places_stays_two_topics():
    rng = random.Random(6)
    messages = []
    for place, shop in (("阳光花园", "川味火锅店"), ("翡翠华庭", "老王烧烤店")):
        for i in range(8):
            body = rng.choice([f"{place}楼下{shop}油烟直排，住户常年不能开窗", f"{shop}没有装油烟净化器，{place}居民深受其扰",
                               f"{place}底商{shop}营业到深夜，油烟和噪音严重"])
            messages.append(Message(id=f"{place}-{i}", title=rng.choice([f"{place}{shop}油烟扰民", f"反映{place}{shop}油烟直排"]),
                                    text=body, at=END - dt.timedelta(days=i)))

    _topics, labels = find_hotspots(messages, end=END, return_labels=True)

    first = {int(lb) for m, lb in zip(messages, labels, strict=True) if m.id.startswith("阳光")}
    second = {int(lb) for m, lb in zip(messages, labels, strict=True) if m.id.startswith("翡翠")}
    assert len(first) == 1 and len(second) == 1 and first != second
