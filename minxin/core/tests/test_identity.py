import pytest
from hypothesis import given
from hypothesis import strategies as st

from minxin.core.identity import (
    id_check_digit,
    id_number_problem,
    is_valid_id_number,
    is_valid_phone,
    mask_id_number,
    mask_name,
    mask_phone,
)

# GB 11643-1999 worked example (also used in many public references).
VALID_ID = "11010519491231002X"


def test_known_valid_id_number_passes():
    assert id_number_problem(VALID_ID) is None
    assert is_valid_id_number(VALID_ID.lower())


def test_wrong_check_digit_is_named():
    assert id_number_problem("110105194912310021") == "身份证号码校验位不正确"


def test_impossible_birth_date_is_named():
    body = "11010519490231002"  # 31 February
    assert id_number_problem(body + id_check_digit(body)) == "身份证号码中的出生日期无效"


@pytest.mark.parametrize("value", ["", "1101051949123100", "11010519491231002Y", "1101051949123100211", "abcdefghijklmnopqr"])
def test_malformed_id_numbers_are_rejected_with_format_message(value):
    assert id_number_problem(value) == "身份证号码应为18位，前17位为数字，末位为数字或X"


@given(st.from_regex(r"\A\d{6}(19[5-9]\d|20[01]\d)(0[1-9]|1[0-2])(0[1-9]|1\d|2[0-8])\d{3}\Z"))
def test_any_first17_with_its_computed_check_digit_is_valid(first17):
    assert is_valid_id_number(first17 + id_check_digit(first17))


@given(st.from_regex(r"\A\d{6}(19[5-9]\d|20[01]\d)(0[1-9]|1[0-2])(0[1-9]|1\d|2[0-8])\d{3}\Z"), st.sampled_from("0123456789X"))
def test_any_other_check_digit_is_invalid(first17, last):
    if last != id_check_digit(first17):
        assert not is_valid_id_number(first17 + last)


@pytest.mark.parametrize(("value", "ok"), [("13812345678", True), ("19912345678", True), ("12812345678", False), ("1381234567", False), ("138123456789", False), ("0551-1234567", False)])
def test_mobile_numbers(value, ok):
    assert is_valid_phone(value) is ok


def test_masks_keep_only_what_identifies_the_record_not_the_person():
    assert mask_id_number(VALID_ID) == "110105********002X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_name("张三丰") == "张**"
    assert mask_name("李") == "*"
    assert mask_name("") == ""


def test_masks_of_malformed_values_reveal_nothing():
    assert mask_id_number("12345") == "*****"
    assert mask_phone("12345") == "*****"
