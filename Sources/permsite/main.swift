import PermsiteKit

// Here rather than in a command: tests run the commands inside the test runner, which must not
// be started again.
HugePages.relaunchIfUseful()
PermsiteCommand.main()
