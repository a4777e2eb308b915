import ArgumentParser

Arogya.main()
