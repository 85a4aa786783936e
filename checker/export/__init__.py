"""Exports of a checked model to outside tools (Promela for SPIN), to cross-validate revcheck."""
