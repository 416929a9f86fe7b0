"""Live incidents: alert ingestion, the timeline record, pages and the API's storage."""
