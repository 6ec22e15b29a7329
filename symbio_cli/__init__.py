"""symbio : audit des matières résiduelles et symbiose industrielle au Québec."""

__version__ = "0.1.0"
