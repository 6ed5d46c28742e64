"""accords knowledge base: store, search, compare and serve agreements. Start at kb.api.KnowledgeBase."""
