import PermsiteKit

PermsiteCommand.main()
