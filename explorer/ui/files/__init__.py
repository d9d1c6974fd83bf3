"""Files the window writes or reads back: backups and restore, the report's export and
print."""
