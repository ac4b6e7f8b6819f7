package kernel

import (
	"encoding/base64"
)

// bundleData converts what the interpreted renderer returned into the
// values of a MIME bundle: bytes (image/png) become base64, as Jupyter
// carries binary data.
func bundleData(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		switch x := v.(type) {
		case []byte:
			out[k] = base64.StdEncoding.EncodeToString(x)
		default:
			out[k] = v
		}
	}
	return out
}
