"""`callbox run`: the developer supervisor that starts, restarts and stops every service."""
