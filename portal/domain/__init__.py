"""Plain domain logic: functions that take a database session and plain values."""
