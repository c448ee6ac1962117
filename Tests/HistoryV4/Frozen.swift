// The History module as main had it at 5a4b009, when stores were schema v4 ("v4: compact"): every
// policy, inline or managed, a row of `policy`, referred to by id from the description. Users have
// stores it wrote, so tests write stores with it and check that today's History converts them
// (Tests/HistoryTests/InlineConversionTests.swift). It is copied file for file and must not
// change: a fix here would hide a store that today's code can no longer read.
