from pitstop.cli.main import main

main()
