"""Backups: archives of the store, config, prompts, voicemail and recordings (docs/backup.md)."""
