//go:build unix

package sqlite

import "os"

// syncDir fsyncs the folder dir, so a file or folder just created in it
// survives a power loss (SQLite syncs the folder for its WAL file, not for
// the database file or .tandem itself).
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
