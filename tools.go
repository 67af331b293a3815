//go:build tools

// Package tools is excluded from every build (the tools tag is never set).
// It is where this module pins the versions of tools that no package
// imports; today every dependency is imported by a package (x/tools by
// gen, jennifer by gen and translate/gocpu, purego by backends/cuda,
// go-cmp by tests), so it pins nothing. dckgen itself is run with
// `go run github.com/dotcompute/dc/cmd/dckgen` here, and with
// `go tool dckgen` in user modules after `go get -tool`.
package tools
