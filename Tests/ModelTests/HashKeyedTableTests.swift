import Model
import Testing

@Suite struct HashKeyedTableTests {
  @Test func holdsWhatADictionaryWouldInInsertionOrder() {
    var table = HashKeyedTable<Int>()
    var dictionary: [UInt64: Int] = [:]
    var order: [UInt64] = []
    var generator = SystemRandomNumberGenerator()
    // Random keys, keys that differ in their low bits only, and keys that differ in their
    // high bits only: each kind must spread over the slots and be found again.
    let keys =
      (0..<500).map { _ in UInt64.random(in: .min ... .max, using: &generator) }
      + (0..<300).map { UInt64($0) } + (0..<300).map { UInt64($0) << 52 }
    for (value, key) in keys.enumerated() {
      if dictionary[key] == nil { order.append(key) }
      dictionary[key] = value
      table.updateValue(value, forKey: key)
    }
    #expect(table.count == dictionary.count)
    #expect(table.keys == order)
    #expect(table.values == order.map { dictionary[$0]! })
    for key in keys {
      #expect(table[key] == dictionary[key])
      #expect(table.index(of: key).map { table.keys[$0] } == key)
    }
    for absent: UInt64 in [300, 1 << 63, 301 << 52, 12_345_678_901] where dictionary[absent] == nil {
      #expect(table[absent] == nil)
      #expect(table.index(of: absent) == nil)
    }
  }

  @Test func aSecondValueForAKeyReplacesTheFirstInItsPlace() {
    var table = HashKeyedTable<String>(minimumCapacity: 2)
    table.updateValue("a", forKey: 7)
    table.updateValue("b", forKey: 9)
    table.updateValue("c", forKey: 7)
    #expect(table.keys == [7, 9])
    #expect(table.values == ["c", "b"])
    #expect(table[7] == "c")
    table.replaceValue(at: table.index(of: 9)!, with: "d")
    #expect(table.values == ["c", "d"])
    #expect(table[9] == "d")
  }

  @Test func anEmptiedTableFindsNothingAndFillsAgain() {
    for keepingCapacity in [true, false] {
      var table = HashKeyedTable<Int>()
      #expect(table[0] == nil)
      for key in 0..<100 { table.updateValue(key, forKey: UInt64(key)) }
      table.removeAll(keepingCapacity: keepingCapacity)
      #expect(table.count == 0)
      #expect(table[5] == nil)
      table.updateValue(1, forKey: 5)
      #expect(table[5] == 1)
      #expect(table[6] == nil)
      #expect(table.keys == [5])
      // Emptied twice, then filled with other keys: none of the first ones is found.
      table.removeAll(keepingCapacity: keepingCapacity)
      table.removeAll(keepingCapacity: keepingCapacity)
      for key in 200..<300 { table.updateValue(key, forKey: UInt64(key)) }
      #expect((0..<100).allSatisfy { table[UInt64($0)] == nil })
      #expect((200..<300).allSatisfy { table[UInt64($0)] == $0 })
    }
  }
}

@Suite struct StringKeyedTableTests {
  @Test func stringsAreFoundByTheirBytes() {
    var table = StringKeyedTable<Int>(minimumCapacity: 4)
    let arns = (0..<500).map { "arn:aws:iam::\(100_000_000_000 + $0 % 7):role/app-\($0)" }
    for (index, arn) in arns.enumerated() { table.updateValue(index, forKey: arn) }
    for (index, arn) in arns.enumerated() { #expect(table[arn] == index) }
    #expect(table["arn:aws:iam::100000000000:role/app-500"] == nil)
    #expect(table[""] == nil)
    table.updateValue(-1, forKey: arns[3])
    #expect(table[arns[3]] == -1)
    #expect(table[arns[4]] == 4)
  }

  @Test func stringsWithEqualHashesKeepTheirOwnValues() {
    var table = StringKeyedTable<String>()
    // The same hash for different strings, as a collision would give.
    table.updateValue("first", forKey: "a", hash: 42)
    table.updateValue("second", forKey: "b", hash: 42)
    #expect(table.value(forKey: "a", hash: 42) == "first")
    #expect(table.value(forKey: "b", hash: 42) == "second")
    #expect(table.value(forKey: "c", hash: 42) == nil)
    table.updateValue("third", forKey: "b", hash: 42)
    table.updateValue("fourth", forKey: "a", hash: 42)
    #expect(table.value(forKey: "a", hash: 42) == "fourth")
    #expect(table.value(forKey: "b", hash: 42) == "third")
    let all = table.keysAndValues
    #expect(all.count == 2)
    #expect(
      Dictionary(uniqueKeysWithValues: all.map { ($0.key, $0.value) }) == ["a": "fourth", "b": "third"])
  }
}
