"""FunctionGraph v2: functions (config, code), triggers and async-invoke configuration."""
