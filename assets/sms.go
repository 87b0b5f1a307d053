package assets

import "embed"

// SMS holds the default SMS templates, one file per Logto usage type: sms/<UsageType>.txt (for
// example sms/SignIn.txt). Each contains {{code}} and fits in one GSM-7 segment; the trailing
// newline of each file is not part of the template.
//
//go:embed sms/*.txt
var SMS embed.FS
