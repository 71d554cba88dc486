"""Simple Message Notification v2: topics and PublishMessage."""
