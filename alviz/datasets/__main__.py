"""``python -m alviz.datasets`` prints the dataset cards as Markdown."""

from . import cards_markdown

print(cards_markdown(), end="")
