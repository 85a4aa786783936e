"""`revcheck diff`: what an amendment changes.

revision.py  `PATH` or `REV:PATH` (a git revision) as a checkable version
versions.py  two versions checked and their verdicts compared (`DiffReport`)
rules.py     rules added, repealed and amended, clause by clause
steps.py     steps made possible or impossible, dead ends gained or lost
"""
