"""Docket replay: a real file's dated acts checked against a case, entry by entry (issue 14).

`load` reads JSON or CSV dockets (`DocketError` names the entry and the field), `replay`
judges each entry (`ReplayReport`), `render` prints text and JSON.
"""
