import pytest

from minxin.intake.duplicates import minhash
from minxin.intake.duplicates.lookup import compare_texts
from minxin.intake.duplicates.text import (
    UNIFORM,
    AnchorWeights,
    agreement,
    anchors,
    jaccard,
    mask_names,
    names_in,
    normalize,
    same_name,
    shared_phrases,
    shingle_hashes,
)

from minxin.intake.duplicates.verifier import current_model

from .dupdata import ELEVATOR, ELEVATOR_OTHER_ESTATE, ELEVATOR_PARAPHRASE, WAGES


def test_normalize_folds_width_punctuation_and_small_chinese_numbers():
    assert normalize("阳光小区 ３号楼，停了三个月！") == normalize("阳光小区3号楼停了3个月")


def test_paraphrase_by_another_person_is_the_same_matter():
    m = compare_texts(ELEVATOR_PARAPHRASE, ELEVATOR)
    assert m.same and m.score >= current_model().threshold


def test_same_complaint_about_another_estate_is_not_a_match():
    # Nearly the same wording; the place differs, so it is another matter.
    m = compare_texts(ELEVATOR_OTHER_ESTATE, ELEVATOR)
    assert m.jaccard > 0.6
    assert not m.same
    assert "幸福" in m.differing_names and "阳光" in m.differing_names


def test_unrelated_texts_score_near_zero():
    assert compare_texts(WAGES, ELEVATOR).score < 0.1


def test_anchors_find_places_parties_and_figures():
    names, numbers = anchors("宏达建筑工程公司在白沙镇欠了12名工人3万元")
    assert {"宏达建筑工程公司", "白沙镇"} <= names
    assert {"12", "3"} <= numbers


def test_long_numbers_are_kept_only_as_keyed_hashes_that_still_match():
    _names, numbers = anchors("请联系13800138000，欠款3万元")
    assert "3" in numbers and not any("13800138000" in n for n in numbers)
    assert numbers == anchors("电话 13800138000，欠款3万元")[1]


def test_a_place_gives_one_anchor_per_level():
    names, _numbers = anchors("南湖区滨河街道阳光小区的电梯坏了")
    assert names == {"南湖区", "滨河街道", "阳光小区"}


def test_masking_names_leaves_how_the_matter_is_put():
    assert mask_names("反映青湖卓越物流有限公司供暖温度不足") == "反映 供暖温度不足"
    assert mask_names("南湖区滨河街道阳光小区的电梯坏了23天") == "   的电梯坏了 天"
    assert mask_names("冬季供暖问题") == "冬季供暖问题"
    assert names_in("南湖区滨河街道阳光小区的电梯坏了") == anchors("南湖区滨河街道阳光小区的电梯坏了")[0]


def test_names_holding_characters_that_are_often_particles_elsewhere_stay_whole():
    names, _numbers = anchors("和平街道向阳小区的业主，成都市前进村的村民")
    assert {"和平街道", "向阳小区", "成都市", "前进村"} <= names


def test_anchors_never_span_two_clauses():
    names, _numbers = anchors("请政府帮助追回，公司负责人已经联系不上")
    assert not any("追回" in n for n in names)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("我要反映阳光小区", "阳光小区", True),  # a verb run into the name
        ("宏达建筑工程公司", "宏达建筑公程公司", True),  # one mistyped character
        ("宏达物业服务公司", "恒信物业服务公司", False),  # another company
        ("阳光小区", "幸福小区", False),
    ],
)
def test_same_name_tolerates_run_in_words_and_one_typo_only(a, b, same):
    assert same_name(a, b) is same


def test_figures_must_agree_exactly():
    agree, shared, differing = agreement(frozenset({"12"}), frozenset({"2"}), UNIFORM, names=False)
    assert (agree, shared) == (0.0, [])


def test_a_shared_rare_anchor_outweighs_a_shared_common_one():
    weights = AnchorWeights(1000, {"物业公司": 400, "阳光小区": 3, "幸福家园": 3})
    rare, _s, _d = agreement(frozenset({"阳光小区", "物业公司"}), frozenset({"阳光小区"}), weights)
    common, _s, _d = agreement(frozenset({"阳光小区", "物业公司"}), frozenset({"物业公司"}), weights)
    assert rare > 0.7 > 0.3 > common


def test_minhash_estimate_tracks_exact_jaccard():
    a, b = shingle_hashes(ELEVATOR), shingle_hashes(ELEVATOR_PARAPHRASE)
    est = minhash.estimated_jaccard(minhash.signature(a), minhash.signature(b))
    assert abs(est - jaccard(a, b)) < 0.2


def test_a_band_prefix_range_holds_exactly_the_keys_sharing_its_first_rows():
    key = minhash.band_hashes(minhash.signature(shingle_hashes(ELEVATOR)))[0]
    lo2, hi2 = minhash.prefix_range(key, 2)
    lo3, hi3 = minhash.prefix_range(key, 3)
    assert lo2 <= lo3 <= key <= hi3 <= hi2
    assert minhash.prefix_range(key, minhash.ROWS) == (key, key)
    free = minhash.ROW_BITS * (minhash.ROWS - 2)
    assert hi2 - lo2 == (1 << free) - 1


def test_band_hashes_are_stable_and_fit_a_signed_bigint():
    bands = minhash.band_hashes(minhash.signature(shingle_hashes(ELEVATOR)))
    assert bands == minhash.band_hashes(minhash.signature(shingle_hashes(ELEVATOR)))
    assert len(bands) == minhash.BANDS
    assert all(-(2**63) <= h < 2**63 for h in bands)


def test_shared_phrases_explain_a_match():
    phrases = shared_phrases(ELEVATOR_PARAPHRASE, ELEVATOR)
    assert any("阳光小区3号楼" in p for p in phrases)


def test_bulk_build_gives_the_same_rows_as_one_by_one():
    from minxin.intake.duplicates.index import build, build_many

    items = [(1, ELEVATOR), (2, WAGES), (3, "")]
    sigs, bands = build_many(items, now=None)
    for (pk, text), sig in zip(items, sigs):
        one, one_bands = build(pk, text, now=sig.indexed_at)
        assert (one.shingles, one.anchors, one.text_hash) == (sig.shingles, sig.anchors, sig.text_hash)
        assert [(b.band, b.hash) for b in one_bands] == [(b.band, b.hash) for b in bands if b.case_id == pk]
