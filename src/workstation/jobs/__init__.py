"""Scheduled jobs (APScheduler 3.x on the one asyncio loop); jobs call services."""
