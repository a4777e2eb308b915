import ArgumentParser

ArogyaBench.main()
