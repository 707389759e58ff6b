import pytest

from minxin.core import crypto


@pytest.fixture(autouse=True)
def _clear_key_caches():
    crypto._fernet.cache_clear()
    crypto._index_key.cache_clear()
    yield
    crypto._fernet.cache_clear()
    crypto._index_key.cache_clear()


def test_encrypt_then_decrypt_roundtrips_chinese_text():
    token = crypto.encrypt("张三 · 东城区东一街道1号")
    assert "张三" not in token
    assert crypto.decrypt(token) == "张三 · 东城区东一街道1号"


def test_encryption_is_randomised():
    assert crypto.encrypt("13812345678") != crypto.encrypt("13812345678")


def test_empty_values_stay_empty():
    assert crypto.encrypt("") == ""
    assert crypto.decrypt("") == ""
    assert crypto.blind_index("id", "") == ""


def test_blind_index_is_stable_and_ignores_spacing_and_case():
    a = crypto.blind_index("id", "11010519491231002x")
    assert a == crypto.blind_index("id", " 110105 19491231 002X ")
    assert len(a) == 64 and "1101" not in a


def test_blind_index_keeps_kinds_apart():
    assert crypto.blind_index("id", "13812345678") != crypto.blind_index("phone", "13812345678")


def test_blind_index_depends_on_the_key(settings):
    before = crypto.blind_index("phone", "13812345678")
    settings.FIELD_KEY = "another-deployment-key"
    assert crypto.blind_index("phone", "13812345678") != before


def test_decrypting_with_the_wrong_key_fails_clearly(settings):
    token = crypto.encrypt("13812345678")
    settings.FIELD_KEY = "another-deployment-key"
    with pytest.raises(ValueError, match="MINXIN_FIELD_KEY"):
        crypto.decrypt(token)
