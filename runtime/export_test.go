package runtime

// HostMemory exposes hostMemory to the tests of package runtime_test.
var HostMemory = hostMemory
