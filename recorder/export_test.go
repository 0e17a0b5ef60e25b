package recorder

// SpillSize is spillSize, for the tests of the external test package.
const SpillSize = spillSize
