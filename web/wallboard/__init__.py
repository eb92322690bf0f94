"""The supervisor wallboard: queues and agents live, today's counts, actions and broadcasts."""
