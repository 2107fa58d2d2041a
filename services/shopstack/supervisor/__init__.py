"""The platform supervisor: one process per service, their ports, pids and state dir."""
