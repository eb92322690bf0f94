"""The admin pages (issue 5): agents, queues, trunks, numbers, hours, users, IVR flows, audit."""
