"""People: teams, memberships with roles, personal API tokens."""
