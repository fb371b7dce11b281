"""Tests of the A/B experiments area."""
