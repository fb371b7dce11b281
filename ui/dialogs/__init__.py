"""Dialogs opened over a screen: create a credit note, a credit note's details."""
