"""Tests that open the views in headless Chromium."""
