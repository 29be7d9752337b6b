"""Presentation: how things look to a person, from plain values.

Dates and times in the reader's language (`formatting`), chat screens and their button rows
(`chat_replies`), and charts (`charts`). Nothing here reads the database or
sends anything: services load rows and call these functions (import-linter contract in
pyproject.toml: bot.presentation imports only the domain, the texts, the profile and the
message types).
"""
