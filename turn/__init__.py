"""One turn of a conversation: the services a handler gets, the router, form checks and the
middleware chain around them. Sits above storage, matching and privacy; below handlers."""
