from bibnet.cli import main

main()
