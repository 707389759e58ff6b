"""The same-matter verifier and the two file commands (manage.py intake match / neighbours), on small written data."""

import csv

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from minxin.intake.duplicates import lookup, verifier
from minxin.intake.duplicates.text import UNIFORM

# Written for these tests (not from any data set): one matter told by two people, the same
# complaint about another estate, another problem at the same estate, and an unrelated one.
PLANT = "投诉丽发新城小区附近搅拌站噪音扰民。我是暮云街道丽发新城小区的业主，小区旁边不到百米建了一个大型搅拌站，每天噪音很大，灰尘满天飞，晚上也施工，请有关部门尽快处理。"
PLANT_OTHER_WRITER = "丽发新城小区附近搅拌站噪音粉尘扰民严重。暮云街道丽发新城小区附近新建的搅拌站从早到晚轰鸣，粉尘很大，家里窗户都不敢开，孩子老人深受其害，希望政府取缔这个搅拌站。"
PLANT_REPOST = "再次投诉丽发新城小区附近搅拌站噪音扰民！我是暮云街道丽发新城小区的业主，小区旁边不到百米建了大型搅拌站，每天噪音很大灰尘满天飞，晚上还施工，请尽快处理。"
PLANT_OTHER_ESTATE = "投诉森宇家园小区附近养猪场臭气扰民。我是南湖路森宇家园小区的业主，小区后面不到百米有一个养猪场，每天臭气熏天，苍蝇很多，夏天不敢开窗，请环保部门尽快处理。"
PARKING_SAME_ESTATE = "丽发新城小区物业乱收停车费。丽发新城小区物业公司今年起每月停车费涨到300元，没有经过业主大会同意，请相关部门查处。"
WAGES = "宏达建筑工程公司拖欠农民工工资。我们在宏达建筑工程公司的工地干了半年，老板拖欠工资12万元不给，请劳动监察部门帮忙追讨。"
ALL = [PLANT, PLANT_OTHER_WRITER, PLANT_REPOST, PLANT_OTHER_ESTATE, PARKING_SAME_ESTATE, WAGES]


@pytest.fixture
def rarity():
    return verifier.corpus_weights([verifier.profile(t) for t in ALL])


def judge(a, b, weights):
    return lookup.verify(verifier.profile(a), verifier.profile(b), case_id=0, weights=weights)


def test_heads_keep_the_distinctive_part_of_place_names_without_leading_verbs():
    assert {"丽发", "暮云"} <= verifier.heads(PLANT)
    assert "阳光" in verifier.heads("我要反映阳光小区的问题")
    assert not verifier.heads("物业公司不作为") & {"物业"}  # a generic word is never a name


def test_the_opening_is_the_first_sentence():
    assert verifier.opening(PLANT) == "投诉丽发新城小区附近搅拌站噪音扰民"
    assert len(verifier.opening("无标点" * 40)) == verifier.OPENING_MAX


def test_a_repost_of_the_same_matter_is_the_same_matter(rarity):
    m = judge(PLANT_REPOST, PLANT, rarity)
    assert m.same and m.score >= verifier.current_model().threshold
    assert "丽发" in m.shared_names


def test_the_same_matter_in_another_writers_words_outscores_other_matters(rarity):
    same = judge(PLANT_OTHER_WRITER, PLANT, rarity).score
    assert same > judge(PLANT_OTHER_ESTATE, PLANT, rarity).score
    assert same > judge(PARKING_SAME_ESTATE, PLANT, rarity).score
    assert same > judge(WAGES, PLANT, rarity).score


def test_another_problem_at_the_same_estate_is_not_the_same_matter(rarity):
    assert not judge(PARKING_SAME_ESTATE, PLANT, rarity).same


def test_an_unrelated_matter_scores_near_zero(rarity):
    assert judge(WAGES, PLANT, rarity).score < 0.05


def test_the_verdict_is_symmetric(rarity):
    assert judge(PLANT, PLANT_OTHER_WRITER, rarity).score == judge(PLANT_OTHER_WRITER, PLANT, rarity).score


# A templated complaint: the same clauses word for word, only the estate and the company differ.
LIFT = "南湖区滨河街道阳光华庭的电梯经常困人，宏达物业服务公司收了物业费却不维修，楼道里堆满杂物存在消防隐患。请求有关部门尽快调查处理。"
LIFT_OTHER_ESTATE = "南湖区滨河街道枫林花园的电梯经常困人，永盛物业服务公司收了物业费却不维修，楼道里堆满杂物存在消防隐患。请求有关部门尽快调查处理。"
LIFT_OTHER_WRITER = "您好，南湖区阳光华庭小区的电梯时常困人，宏达物业服务公司收了物业费却不维修，我家住在12号楼。恳请有关部门尽快处理。"


def test_the_same_letter_about_another_estate_and_company_is_not_the_same_matter():
    m = lookup.compare_texts(LIFT_OTHER_ESTATE, LIFT)
    assert not m.same and m.score < verifier.current_model().threshold


def test_the_same_estate_and_company_told_by_another_writer_stays_the_same_matter():
    # 阳光华庭小区 / 阳光华庭 (a 小区 added) and the street left out do not make the estates differ
    assert lookup.compare_texts(LIFT_OTHER_WRITER, LIFT).same


def test_only_names_below_the_street_level_can_differ():
    looks = {look for look, _name in verifier.fine_names(verifier.profile(LIFT).names)}
    assert looks == {"阳光华庭", "宏达物业服务"}  # not 南湖区 nor 滨河街道
    assert verifier.fine_names(verifier.profile("物业服务公司不作为，这个小区没人管").names) == []


def test_a_shared_rare_name_outweighs_a_differing_common_one():
    a, b = verifier.profile(LIFT), verifier.profile(LIFT_OTHER_ESTATE)
    assert verifier.other_place(a, b, UNIFORM)
    # the company is the one the two letters share (rare); the estates that differ are common words here
    same_company = verifier.profile(LIFT_OTHER_ESTATE.replace("永盛", "宏达"))
    rarity = verifier.AnchorWeights(1000, {"阳光华庭": 400, "枫林花园": 400, "宏达物业服务公司": 1})
    assert not verifier.other_place(a, same_company, rarity)


def test_a_common_head_counts_only_when_rare_enough():
    # 丽发 in 1 of 1,000 cases is a name; in 500 of them it is a common word and is ignored.
    rare = verifier.AnchorWeights(1000, {"@丽发": 1})
    common = verifier.AnchorWeights(1000, {"@丽发": 500})
    assert "丽发" in judge(PLANT_REPOST, PLANT, rare).shared_names
    assert "丽发" not in judge(PLANT_REPOST, PLANT, common).shared_names


def test_a_stored_profile_unpacks_to_the_same_verdict(rarity):
    p = verifier.profile(PLANT)
    back = verifier.unpack(verifier.pack(p), p.shingles)
    assert np.array_equal(back.opening, p.opening) and back.heads == p.heads and back.numbers == p.numbers
    q = verifier.profile(PLANT_OTHER_WRITER)
    assert verifier.compare(q, back, rarity).probability == verifier.compare(q, p, rarity).probability


def test_counted_keys_hold_names_figures_and_prefixed_heads():
    keys = verifier.counted_keys(verifier.pack(verifier.profile(WAGES)))
    assert "@建筑工程" in keys and "12" in keys


def test_the_model_file_must_match_the_features(tmp_path):
    bad = tmp_path / "model.json"
    bad.write_text('{"features": ["jaccard"], "coef": [1], "intercept": 0, "threshold": 0.5, "related": 0.1}', encoding="utf-8")
    with pytest.raises(ValueError, match="other features"):
        verifier.load_model(bad)


def test_without_any_rarity_every_head_weighs_the_same():
    m = lookup.compare_texts(PLANT_REPOST, PLANT)
    assert m.same and "丽发" in m.shared_names
    assert lookup.compare_texts(PLANT_REPOST, PLANT, weights=UNIFORM).score == m.score


# -- manage.py intake match / neighbours ----------------------------------------------------------------


def write(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def read(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_match_writes_a_decision_score_and_reasons_per_pair(tmp_path):
    src = write(tmp_path / "pairs.csv", ["编号", "甲", "乙"], [["1", PLANT, PLANT_REPOST], ["2", PLANT, WAGES], ["3", PLANT, PARKING_SAME_ESTATE]])
    out = tmp_path / "out.csv"
    call_command("intake", "match", "--input", str(src), "--a-col", "甲", "--b-col", "乙", "--output", str(out))
    rows = read(out)
    assert [r["编号"] for r in rows] == ["1", "2", "3"]
    assert [r["same"] for r in rows] == ["是", "否", "否"]
    assert rows[0]["decision"] == "可能同一事项" and rows[1]["decision"] == "不同"
    assert float(rows[0]["score"]) > float(rows[2]["score"]) > float(rows[1]["score"])
    assert "丽发新城小区" in rows[0]["reasons"]


def test_match_names_the_missing_columns_in_chinese(tmp_path):
    src = write(tmp_path / "pairs.csv", ["甲", "丙"], [[PLANT, WAGES]])
    with pytest.raises(CommandError, match="输入文件缺少列：乙"):
        call_command("intake", "match", "--input", str(src), "--a-col", "甲", "--b-col", "乙", "--output", str(tmp_path / "o.csv"))
    assert not (tmp_path / "o.csv").exists()


def test_match_says_when_the_input_file_is_missing(tmp_path):
    with pytest.raises(CommandError, match="找不到输入文件"):
        call_command("intake", "match", "--input", str(tmp_path / "nope.csv"), "--a-col", "a", "--b-col", "b", "--output", "-")


def test_neighbours_lists_each_rows_closest_rows_with_a_decision(tmp_path):
    src = write(tmp_path / "corpus.csv", ["id", "text"], [[str(i + 1), t] for i, t in enumerate(ALL)])
    out = tmp_path / "nb.csv"
    call_command("intake", "neighbours", "--input", str(src), "--id-col", "id", "--text-col", "text", "--top", "2", "--output", str(out))
    rows = read(out)
    first = [r for r in rows if r["id"] == "1"]
    assert 1 <= len(first) <= 2 and first[0]["rank"] == "1"
    assert first[0]["neighbour_id"] in {"2", "3"} and first[0]["decision"] == "可能同一事项"
    assert all(r["id"] != r["neighbour_id"] for r in rows)
    assert all(float(r["score"]) >= 0 for r in rows)


def test_neighbours_refuses_duplicate_ids_and_a_bad_top(tmp_path):
    src = write(tmp_path / "corpus.csv", ["id", "text"], [["1", PLANT], ["1", WAGES]])
    with pytest.raises(CommandError, match="重复的编号：1"):
        call_command("intake", "neighbours", "--input", str(src), "--id-col", "id", "--text-col", "text", "--output", "-")
    with pytest.raises(CommandError, match="--top 至少为 1"):
        call_command("intake", "neighbours", "--input", str(src), "--id-col", "id", "--text-col", "text", "--top", "0", "--output", "-")


def test_neighbours_names_the_missing_text_column(tmp_path):
    src = write(tmp_path / "corpus.csv", ["id", "内容"], [["1", PLANT]])
    with pytest.raises(CommandError, match="输入文件缺少列：text"):
        call_command("intake", "neighbours", "--input", str(src), "--id-col", "id", "--text-col", "text", "--output", "-")
