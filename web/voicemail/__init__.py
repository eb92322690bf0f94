"""Listening to voicemail from the web: boxes, messages, the player, heard and delete."""
