"""The render stage: typed page contexts -> Jinja2 templates -> Markdown for MkDocs.

Corpus text is data, never markup: it reaches a page only through Jinja2's HTML
autoescaping inside raw HTML blocks, which Markdown leaves alone, so no comment,
name or title can create an element, link, heading, table, admonition or template
expression.
"""
