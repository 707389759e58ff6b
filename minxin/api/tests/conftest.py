import pytest

from minxin.api.tokens import issue_token


@pytest.fixture
def token_for():
    """Raw bearer token for a username in the test city."""

    def make(username: str, **kwargs) -> str:
        return issue_token(username=username, name="测试", **kwargs)[1]

    return make


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
