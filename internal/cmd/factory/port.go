package factory

import (
	"fmt"
	"strconv"
	"strings"
)

// PortValue is a --port flag: a TCP port from 1 to 65535, checked when
// parsed, so a bad one is a usage error naming the flag and the range.
type PortValue int

// String implements pflag.Value.
func (p *PortValue) String() string {
	if *p == 0 {
		return ""
	}
	return strconv.Itoa(int(*p))
}

// Set implements pflag.Value.
func (p *PortValue) Set(s string) error {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("give a port between 1 and 65535, e.g. 3000 (got %q)", s)
	}
	*p = PortValue(n)
	return nil
}

// Type implements pflag.Value: the placeholder --help shows.
func (p *PortValue) Type() string { return "port" }
