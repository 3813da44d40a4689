"""Web plumbing shared by every blueprint: rendering, errors, languages, caching, security headers, forms, pagination."""
