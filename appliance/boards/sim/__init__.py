"""The `sim` loopback board: ports a test or a demo drives from the far side."""
