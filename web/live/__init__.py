"""The live page: agents and calls as the engine sees them, updated through SSE."""
