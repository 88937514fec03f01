"""The analyse stage: themes from the taxonomy and from clustering, quotes, findings.

`stage.analyse` runs it in order; each module is one step (see its docstring).
"""
