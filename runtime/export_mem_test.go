package runtime

// Internals the memory tests of package runtime_test check directly.
var (
	SizeClass    = sizeClass
	CompareElems = compareElems
)
