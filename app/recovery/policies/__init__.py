"""Recovery policies: the plain schedules and the learned `smart` one."""
