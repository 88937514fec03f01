"""Built-in input formats: importing this package registers each of them.

Adding a format: write a module here with a class decorated by `@register`
(see `registry.Format`), import it below, and add its golden test.
"""

from themesite.ingest.formats import (  # noqa: F401
    blog_post,
    export_table,
    plain_article,
    polis,
    saved_html,
    thread_page,
)
