"""One module per ``runhistory`` subcommand."""
