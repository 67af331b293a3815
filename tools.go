//go:build tools

// Package tools pins build-time dependencies that no package imports yet.
package tools
