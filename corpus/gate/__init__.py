"""The topic gate: only chip-trade news enters the corpus from general feeds.

``model`` decides (a logistic regression over the embedding model's vectors of an item's title,
summary and start of text, plus a few lexical features; the embedding function is passed in, so
this package never imports the index), ``ledger`` keeps every decision, the rejected items and the
admins' corrections in ``corpus.db``, ``labelled`` and ``train`` rebuild ``weights.json``.
"""
