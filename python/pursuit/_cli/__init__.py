"""The command line's commands (``pursuit.cli`` is the entry point): ``check``, ``commands``, ``parser``, ``common``."""
