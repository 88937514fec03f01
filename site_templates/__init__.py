"""The report site's default templates, stylesheet, script and MkDocs configuration.

They ship inside the installed package as `themesite.site_templates` (this file makes
the folder importable so `importlib.resources` finds it in an editable install too).
A project overrides any of them by putting a file of the same name in its own
`site_templates/` folder; see `themesite.render.site_files`.
"""
