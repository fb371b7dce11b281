"""The counter's file modes (0600 files, 0700 folders), for screens that save or log files."""

from app.db.private_files import open_private, private_dir, private_file

__all__ = ["open_private", "private_dir", "private_file"]
