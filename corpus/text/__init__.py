"""The text toolkit shared by chunking, retrieval and answers: one home for each text concept.

- ``words``: the tokeniser, the one stopword list, and the two stemmers (FTS5's porter for keyword
  search, Snowball with folds for quote choice), side by side with the reason they differ.
- ``sentences``: the one ``Span``, pysbd sentences for chunking and a fast splitter for quotes.
- ``dates``: the one month table and the one relative-span parser ("30d", "past 3 weeks").
- ``wordpieces``: word pieces counted with the embedding model's own tokenizer.
"""
