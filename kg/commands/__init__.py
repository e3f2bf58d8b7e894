"""One module per ``kg`` subcommand: NAME, HELP, DESCRIPTION, EXAMPLES, add_arguments(parser), run(args)."""
