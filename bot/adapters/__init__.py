"""signaalbot package."""
