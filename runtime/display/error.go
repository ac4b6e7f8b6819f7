package display

// Error is the panic value for misuse of the package. Its message starts
// with "display: ".
type Error struct{ Msg string }

func (e Error) Error() string { return e.Msg }
