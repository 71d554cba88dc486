"""From wanted targets to trackers: intents, inventory, plan, execute, and the rules they follow."""
