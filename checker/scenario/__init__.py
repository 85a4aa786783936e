"""Scenarios: facts in, law out. A scenario is checked as a property of the model restricted to
the runs consistent with its facts (`restrict`), by the engines `check` uses (`run`)."""
