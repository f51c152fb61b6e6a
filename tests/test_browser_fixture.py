"""The browser fixture closes what a test leaves open (tests/conftest.py `chromium`). The two
tests run in this order: the second looks at what the first left."""


def test_a_test_that_leaves_a_page_open_on_the_live_server(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url)
    page = context.new_page()
    assert page.goto("/healthz").ok


def test_the_next_test_finds_no_context_left_open(chromium_browser):
    assert chromium_browser.contexts == []
