package replayserver

// ItemsLibrary is itemsLibrary, for the tests of package replayserver_test.
var ItemsLibrary = itemsLibrary
