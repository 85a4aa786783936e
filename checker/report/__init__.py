"""Rendering, at the edge of the pipeline: results in, text out.

check/  `check` results as text, JSON, SARIF and JUnit
diff/   `diff` results in the same formats
lint/   `lint` findings in the same formats
"""
