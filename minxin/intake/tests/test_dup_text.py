from minxin.intake.duplicates import minhash
from minxin.intake.duplicates.lookup import compare_texts
from minxin.intake.duplicates.text import MATCH_THRESHOLD, anchors, jaccard, normalize, shingle_hashes, shared_phrases

from .dupdata import ELEVATOR, ELEVATOR_OTHER_ESTATE, ELEVATOR_PARAPHRASE, WAGES


def test_normalize_folds_width_punctuation_and_small_chinese_numbers():
    assert normalize("阳光小区 ３号楼，停了三个月！") == normalize("阳光小区3号楼停了3个月")


def test_paraphrase_by_another_person_scores_above_the_threshold():
    assert compare_texts(ELEVATOR_PARAPHRASE, ELEVATOR).score >= MATCH_THRESHOLD


def test_same_complaint_about_another_estate_is_not_a_match():
    # Nearly the same wording; the place and the figures differ, so it is another matter.
    m = compare_texts(ELEVATOR_OTHER_ESTATE, ELEVATOR)
    assert m.jaccard > 0.6
    assert m.score < MATCH_THRESHOLD
    assert "幸福家园" in m.differing_names and "阳光小区" in m.differing_names


def test_unrelated_texts_score_near_zero():
    assert compare_texts(WAGES, ELEVATOR).score < 0.1


def test_anchors_find_places_parties_and_figures():
    names, numbers = anchors("宏达建筑工程公司在白沙镇欠了12名工人3万元")
    assert {"工程公司", "白沙镇"} <= names
    assert {"12", "3"} <= numbers


def test_minhash_estimate_tracks_exact_jaccard():
    a, b = shingle_hashes(ELEVATOR), shingle_hashes(ELEVATOR_PARAPHRASE)
    est = minhash.estimated_jaccard(minhash.signature(a), minhash.signature(b))
    assert abs(est - jaccard(a, b)) < 0.2


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
