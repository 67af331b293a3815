package all

// The Metal backend: Apple GPUs, on macOS.
import _ "github.com/dotcompute/dc/backends/metal"
