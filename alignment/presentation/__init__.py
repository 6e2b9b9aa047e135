"""How a scored round is shown: the one read model every reader formats.

`words` holds the one definition of each displayed meaning (an answer in words, severity
words and glyphs, band and direction labels, display rounding); `palette` the one set of
colours for the web pages, the charts and the PDF; `trend` the comparison of a round with the
previous one.
"""
