"""The recovery areas' screens, reached from the Recovery menu (F8) of the main window."""
