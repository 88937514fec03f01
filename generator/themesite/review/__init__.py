"""The researcher in the loop: review sheets, applied reviews, decisions on themes, promotion.

The analysis applies what these files say (`themesite.analyse.shaping`); this package
reads, checks and writes them.
"""
