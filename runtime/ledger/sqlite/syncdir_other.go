//go:build !unix

package sqlite

// syncDir does nothing where folders cannot be opened for fsync (Windows:
// NTFS journals the folder entries itself).
func syncDir(dir string) error { return nil }
