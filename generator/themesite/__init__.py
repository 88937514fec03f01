"""themesite: discussion texts in, a static report site of findings out.

The pipeline is ingest -> analyse -> render -> build; each stage is a subpackage.
"""

__version__ = "0.1.0"
