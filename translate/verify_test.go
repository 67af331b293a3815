package translate

// Every program the package's tests translate is verified after every
// pass (see verifyPasses).
func init() { verifyPasses = true }
