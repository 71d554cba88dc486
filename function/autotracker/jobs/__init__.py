"""The jobs an event can ask for: cover what it names (track), sweep, judge for Config."""
