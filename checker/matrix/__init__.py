"""`revcheck matrix`: jurisdictions x principles.

table.py   the matrix built from `check` results
render.py  the matrix as text, Markdown, JSON, CSV, SARIF and JUnit
"""
