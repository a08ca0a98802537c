from runhistory.cli import entry

entry()
