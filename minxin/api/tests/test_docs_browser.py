from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_docs_render_offline_from_local_files(page):
    outside = []
    local_host = urlparse(page.base_url).netloc

    def guard(route):
        if urlparse(route.request.url).netloc != local_host:
            outside.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route("**/*", guard)
    page.goto(f"{page.base_url}/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("民心信访工作平台 API")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/org/areas")).to_be_visible()
    page.screenshot(path="/tmp/minxin_api_docs.png")
    assert outside == []
