// Command sizes prints what a Go binary is made of, per module or per package: the sizes of its
// code and data symbols (go tool nm -size), without the zero-filled ones (.bss), the symbol table
// and DWARF. It explains a binary's size, it does not add up to it: the pclntab and DWARF of a
// package grow with its code. scripts/bench runs it with TABLE=1.
//
//	go run ./internal/bench/sizes [-by module|package] [-top 25] BINARY
package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"debug/elf"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
)

func main() {
	by := flag.String("by", "module", "module or package")
	top := flag.Int("top", 25, "rows to print")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: sizes [-by module|package] [-top N] BINARY")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *by == "package", *top); err != nil {
		fmt.Fprintln(os.Stderr, "sizes:", err)
		os.Exit(1)
	}
}

func run(bin string, perPackage bool, top int) error {
	bssFrom, err := bssStart(bin)
	if err != nil {
		return err
	}
	out, err := exec.CommandContext(context.Background(), "go", "tool", "nm", "-size", bin).Output() //nolint:gosec // the binary named on the command line.
	if err != nil {
		return fmt.Errorf("go tool nm: %w", err)
	}
	sums := map[string]int{}
	total := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || f[2] == "U" {
			continue
		}
		f[3] = strings.Join(f[3:], " ")
		addr, err1 := strconv.ParseUint(f[0], 16, 64)
		size, err2 := strconv.Atoi(f[1])
		if err1 != nil || err2 != nil || (bssFrom > 0 && addr >= bssFrom) {
			continue
		}
		p := packageOf(f[3])
		if !perPackage {
			p = moduleOf(p)
		}
		sums[p] += size
		total += size
	}
	type row struct {
		name string
		size int
	}
	rows := make([]row, 0, len(sums))
	for k, v := range sums {
		rows = append(rows, row{k, v})
	}
	slices.SortFunc(rows, func(a, b row) int { return cmp.Or(cmp.Compare(b.size, a.size), cmp.Compare(a.name, b.name)) })
	fmt.Printf("%9s  %s\n", kib(total), "all code and data symbols")
	for _, r := range rows[:min(top, len(rows))] {
		fmt.Printf("%9s  %s\n", kib(r.size), r.name)
	}
	return nil
}

func kib(n int) string { return fmt.Sprintf("%.0f KiB", float64(n)/1024) }

// bssStart is the lowest address of the zero-filled sections, which take no room in the file.
func bssStart(bin string) (uint64, error) {
	f, err := elf.Open(bin)
	if err != nil {
		return 0, fmt.Errorf("sizes: %w", err)
	}
	defer func() { _ = f.Close() }()
	var lo uint64
	for _, s := range f.Sections {
		if s.Type == elf.SHT_NOBITS && s.Addr > 0 && (lo == 0 || s.Addr < lo) {
			lo = s.Addr
		}
	}
	return lo, nil
}

// packageOf is the package a symbol belongs to: "net/http" for "net/http.(*Client).Do",
// "type:*net/http.Client" or "go:itab.*net/http.x,io.Reader"; the runtime's own tables keep
// their go: names.
func packageOf(sym string) string {
	for _, p := range []string{"type:.eq.", "type:.hash.", "type:", "go:itab.", "go:info.", "go:cuinfo."} {
		sym = strings.TrimPrefix(sym, p)
	}
	sym = strings.TrimLeft(sym, "*[]")
	for _, p := range []string{"noalg.", "map.group[", "map.bucket[", "map.hdr[", "map.iter["} {
		sym = strings.TrimPrefix(sym, p)
	}
	sym = strings.TrimLeft(sym, "*[]")
	if strings.HasPrefix(sym, "go:") {
		name, _, _ := strings.Cut(sym, ".")
		return name
	}
	head := sym
	if i := strings.IndexAny(head, "([,"); i >= 0 {
		head = head[:i]
	}
	slash := strings.LastIndexByte(head, '/')
	dot := strings.IndexByte(sym[slash+1:], '.')
	if dot < 0 {
		return sym
	}
	return sym[:slash+1+dot]
}

// moduleOf groups a package into its module (approximately: by its path's first elements);
// the standard library is grouped by its top directory.
func moduleOf(pkg string) string {
	parts := strings.Split(pkg, "/")
	switch {
	case strings.HasPrefix(pkg, "go:"):
		return pkg
	case strings.HasPrefix(pkg, "vendor/"):
		return "std: vendor"
	case strings.HasPrefix(pkg, "charm.land/"):
		return strings.Join(parts[:min(2, len(parts))], "/")
	case strings.HasPrefix(pkg, "github.com/logto-twilio/"):
		return strings.Join(parts[:min(4, len(parts))], "/")
	case strings.HasPrefix(pkg, "google.golang.org/protobuf"):
		return "google.golang.org/protobuf"
	case strings.Contains(parts[0], "."):
		return strings.Join(parts[:min(3, len(parts))], "/")
	default:
		return "std: " + parts[0]
	}
}
