"""Where `makemessages` looks for interface strings: the apps and templates, not tests or tools."""

MAKEMESSAGES_IGNORE = [
    "tests/*",
    "bench/*",
    "fixtures/*",
    "docs/*",
    "static/*",
    "staticfiles/*",
    "media/*",
    # LOCALE_PATHS names the catalogue; walking into it would only find the .po itself.
    "locale",
]
