"""Claim rules: every module here is imported by the pipeline and registers its rules by name."""
