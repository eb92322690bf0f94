"""Call recordings: the WAV files the engine wrote, served to users and API clients."""
