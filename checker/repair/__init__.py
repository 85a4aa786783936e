"""Repair search: the smallest amendment bills, built from a catalogue of moves, that make a
case's principles hold (issue 16). `catalogue` reads the moves, `bill` writes candidate bills,
`evaluate` checks one (a task for Dask), `search` walks the sets of moves, `render` prints."""
