"""The HTTP API (FastAPI) and the MCP server: request and response schemas, guards, and the views
both share. Thin shells over KnowledgeBase; nothing here reads the store, index or encoder."""
