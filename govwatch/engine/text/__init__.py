"""Content checks for published text: wrong expressions, near misses of canonical terms,
leader titles, typos, sensitive words and privacy leaks. Pure functions: text in, hits out.

Import the submodules themselves (checker, extract, findings): this package imports
nothing, so a scan that reads only ``findings.TextHit`` never loads the checkers.
"""
