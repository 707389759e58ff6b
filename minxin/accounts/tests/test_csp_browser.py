"""With the production Content-Security-Policy (no inline scripts), the pages still work in
Chromium and the browser reports no violation — including second-factor enrolment."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from minxin.core import clock
from minxin.oversight import sweeps
from minxin.oversight.models import DailyRollup
from minxin.testing import PASSWORD, make_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Collects every CSP violation the page reports; Playwright's init scripts are not subject to the page's CSP.
WATCH = "window.__csp = []; document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber));"


@pytest.fixture
def data(city):
    case = make_case(city, area="east1v", registering_unit="east_bureau", current_unit="east_housing")
    DailyRollup.objects.create(date=clock.today(), area=case.area, unit_id_key=case.current_unit_id, channel=case.channel, category=case.category, received=1)
    sweeps.rebuild_coarse_rollup(clock.today())
    return case


def test_pages_work_under_the_csp_without_violations(page, city, data, two_factor):
    console = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    page.add_init_script(WATCH)

    def visit(path):
        response = page.goto(f"{page.base_url}{path}")
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src")[0], (path, policy)
        return response

    def violations():
        return page.evaluate("window.__csp")

    visit("/login/")
    page.get_by_label("用户名").fill("city_leader")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    # Leaders enrol a second factor first: QR code (an SVG data: image) and secret on the page.
    expect(page.get_by_role("heading", name="绑定动态口令")).to_be_visible()
    qr = page.locator(".totp-qr img")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")  # the image decoded under the CSP
    assert violations() == []
    device = TOTPDevice.objects.get(user=city.staff["city_leader"].user)
    page.get_by_label("6位动态口令").fill(f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}")
    page.get_by_role("button", name="完成绑定").click()
    expect(page.get_by_role("button", name="退出")).to_be_visible()

    visit("/oversight/dashboards/volume/")
    expect(page.locator("#dash-chart[data-rendered='1'] svg").first).to_be_attached()
    assert violations() == []

    visit("/cases/register/")
    page.get_by_role("button", name="获取建议").click()
    expect(page.locator("#suggestions-panel")).to_be_attached()
    assert violations() == []

    for path in ("/", "/cases/", f"/cases/{data.pk}/", "/risk/", "/xf/", "/api/v1/docs"):
        visit(path)
        page.wait_for_load_state("networkidle")
        assert violations() == [], path
    expect(page.locator(".swagger-ui")).to_be_attached()
    assert console == []
