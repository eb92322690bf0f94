"""Reports: figures and charts per queue, agent and period; call detail; exports; schedules."""
