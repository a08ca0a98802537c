"""Archives of captures: many runs of many management agents, read as a whole.

- :mod:`.runs`: read every document under some paths; one row per run; errors by identity.
- :mod:`.agents`: runs grouped by management agent; the life of each error across runs.
- :mod:`.html`: the self-contained HTML page of ``runhistory report`` (charts by uPlot,
  vendored in ``vendor/uplot``).
- :mod:`.diff`: two runs compared (``runhistory diff``).
"""
