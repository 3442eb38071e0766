"""Embedding backends; pick one with ``index.embed.make_embedder``."""
