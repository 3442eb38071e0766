"""chipbot.index: embeddings, FAISS vectors, FTS5 keywords and hybrid retrieval over the corpus."""
