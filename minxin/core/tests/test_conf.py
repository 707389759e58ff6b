import pytest
from django.core.exceptions import ImproperlyConfigured

from minxin.conf import env_bool, env_int, env_list, env_str


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", " yes ", "on"])
def test_env_bool_reads_true_words(monkeypatch, raw):
    monkeypatch.setenv("MINXIN_X", raw)
    assert env_bool("MINXIN_X", False) is True


@pytest.mark.parametrize("raw", ["0", "false", "No", "off", ""])
def test_env_bool_reads_false_words(monkeypatch, raw):
    monkeypatch.setenv("MINXIN_X", raw)
    assert env_bool("MINXIN_X", True) is False


def test_env_bool_unset_gives_default(monkeypatch):
    monkeypatch.delenv("MINXIN_X", raising=False)
    assert env_bool("MINXIN_X", True) is True
    assert env_bool("MINXIN_X", False) is False


def test_env_bool_rejects_other_words_naming_the_variable(monkeypatch):
    monkeypatch.setenv("MINXIN_X", "maybe")
    with pytest.raises(ImproperlyConfigured, match=r"MINXIN_X='maybe' is not a boolean"):
        env_bool("MINXIN_X", True)


def test_env_int_parses_and_defaults(monkeypatch):
    monkeypatch.delenv("MINXIN_N", raising=False)
    assert env_int("MINXIN_N", 60) == 60
    monkeypatch.setenv("MINXIN_N", "15")
    assert env_int("MINXIN_N", 60) == 15


def test_env_int_rejects_non_integers(monkeypatch):
    monkeypatch.setenv("MINXIN_N", "1.5")
    with pytest.raises(ImproperlyConfigured, match=r"MINXIN_N='1.5' is not an integer"):
        env_int("MINXIN_N", 60)


def test_env_int_enforces_minimum(monkeypatch):
    monkeypatch.setenv("MINXIN_N", "-1")
    with pytest.raises(ImproperlyConfigured, match="MINXIN_N=-1 must be at least 0"):
        env_int("MINXIN_N", 60, minimum=0)
    monkeypatch.setenv("MINXIN_N", "0")
    assert env_int("MINXIN_N", 60, minimum=0) == 0


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("MINXIN_L", " a.example.cn, ,b.example.cn,")
    assert env_list("MINXIN_L", ["x"]) == ["a.example.cn", "b.example.cn"]
    monkeypatch.setenv("MINXIN_L", "")
    assert env_list("MINXIN_L", ["x"]) == []
    monkeypatch.delenv("MINXIN_L")
    assert env_list("MINXIN_L", ["x"]) == ["x"]


def test_env_str_prefers_the_file_variant(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-file\n", encoding="utf-8")
    monkeypatch.setenv("MINXIN_S", "from-env")
    monkeypatch.setenv("MINXIN_S_FILE", str(secret))
    assert env_str("MINXIN_S") == "from-file"


def test_env_str_without_file_reads_variable_or_default(monkeypatch):
    monkeypatch.delenv("MINXIN_S_FILE", raising=False)
    monkeypatch.delenv("MINXIN_S", raising=False)
    assert env_str("MINXIN_S", "dflt") == "dflt"
    monkeypatch.setenv("MINXIN_S", "v")
    assert env_str("MINXIN_S", "dflt") == "v"


def test_env_str_unreadable_file_names_the_variable(monkeypatch, tmp_path):
    missing = tmp_path / "nope"
    monkeypatch.setenv("MINXIN_S_FILE", str(missing))
    with pytest.raises(ImproperlyConfigured, match=r"MINXIN_S_FILE=.*nope.* cannot be read"):
        env_str("MINXIN_S")
