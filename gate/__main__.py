from gate.cli.main import main

main()
