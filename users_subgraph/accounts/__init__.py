"""Accounts: the user model, its business rules, token issuing and the users GraphQL schema."""
