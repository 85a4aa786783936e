"""Renderers: reports -> text for people, JSON for programs. Rendering is the last stage."""
