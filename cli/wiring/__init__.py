"""Composition of the processes' objects: what each command builds from app, sync and printing."""
