"""Say up front whether the browser tests can run, and how to make them run."""

import os

from tests.browser import chromium_path

if __name__ == "__main__":
    if chromium_path():
        print(f"Browser tests will use {chromium_path()}.")
    elif os.environ.get("CI") == "true":
        print("Chromium is missing and CI=true: the browser tests will fail, not skip.")
    else:
        print(
            "Chromium is missing, so the browser tests will be skipped.\n"
            "  Install it with: sudo apt-get install chromium  (Debian/Ubuntu)\n"
            "  or point CHROMIUM_PATH at a Chromium or Chrome binary."
        )
