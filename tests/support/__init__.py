"""What tests share beyond fixtures: real servers, free ports, the CLI in a subprocess."""
