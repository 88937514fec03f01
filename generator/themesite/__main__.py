from themesite.cli import main

main()
