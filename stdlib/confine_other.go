//go:build !linux

package stdlib

import "errors"

// ConfinedEnv marks a process already confined by Confine.
const ConfinedEnv = "TANDEM_CONFINED"

// ErrNoLandlock is returned by Confine where Landlock does not exist.
var ErrNoLandlock = errors.New("landlock is not available")

// Confine is Linux-only (Landlock); elsewhere it returns ErrNoLandlock and
// the restricted policy rests on the symbol table alone.
func Confine(dir, ws string, readable []string, tcp bool) error { return ErrNoLandlock }
