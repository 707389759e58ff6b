import pytest
from django.test import Client

from minxin.api.tokens import issue_token


@pytest.fixture
def api(city):
    """call(username, scopes, method, path, json) → response, with a fresh token for that account."""
    import json

    def call(username, scopes, method, path, body=None):
        raw = issue_token(username=username, name="舆情监测", scopes=scopes)[1]
        return Client().generic(method, "/api/v1" + path, json.dumps(body) if body is not None else "",
                                content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")

    return call


def item(**kw) -> dict:
    base = {"source": "市网络舆情监测中心", "published_at": "2026-03-02T09:30:00+08:00",
            "text": "网友发帖称东一社区某小区电梯停运半月无人维修，老人上下楼困难。",
            "link": "https://weibo.example.cn/post/10001", "heat": 320}
    base.update(kw)
    return base
