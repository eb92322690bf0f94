"""The agent console: state, screen pop, click-to-dial, call controls and wrap-up."""
