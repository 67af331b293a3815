// Package testfile has a kernel only in a test file.
package testfile
