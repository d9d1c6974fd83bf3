"""The main window's shell: start-up (app), the window and its chrome, settings, style,
wording, the pages of the comparison and the error and operation plumbing."""
