"""Steps shared by the browser tests that work a case through the staff case page."""

from playwright.sync_api import expect


def act(page, code: str, label: str, fill=None):
    """Open the action's form, fill it, submit and wait for the confirmation."""
    page.locator(f"#action-{code} summary").click()
    form = page.locator(f"#action-{code} form")
    if fill:
        fill(form)
    form.get_by_role("button", name=f"确认{label}").click()
    expect(page.get_by_role("status")).to_contain_text(f"已完成：{label}")
