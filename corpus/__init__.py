"""chipbot.corpus: read, clean, normalise, deduplicate and chunk chip-trade news articles.

Nothing here knows about embeddings, indexes or Discord.
"""
