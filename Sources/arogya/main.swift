import ArgumentParser
import Foundation

if let problem = UnknownCommand.problem(Array(CommandLine.arguments.dropFirst())) {
    FileHandle.standardError.write(Data(("arogya: " + problem + "\n").utf8))
    exit(64)
}
Arogya.main()
