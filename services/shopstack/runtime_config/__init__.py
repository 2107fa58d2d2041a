"""Runtime configuration with hot reload (CONTRACT.md "Runtime configuration, hot reload").

:mod:`.schema` says which settings exist and validates a change, :mod:`.store` keeps every
version in the ``config`` database, :mod:`.watcher` is each process's view that follows it.
"""
