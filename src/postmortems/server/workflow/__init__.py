"""The review workflow: lifecycle, reviewers, comments, action items, notifications, metrics."""
