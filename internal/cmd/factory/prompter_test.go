package factory

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"github.com/charmbracelet/x/ansi"
)

// TestMultiSelectShowsEveryChoice: rotate's four choices are all on screen
// at 80×24 (huh's own sizing showed two, with no hint of the others).
func TestMultiSelectShowsEveryChoice(t *testing.T) {
	t.Parallel()
	options := []Option{
		{Label: "Twilio Auth Token (a new one is made; zero downtime)", Value: "twilio"},
		{Label: "Twilio Auth Token I already rotated in Twilio's Console (paste it)", Value: "pasted"},
		{Label: "The app's secret (app-id)", Value: "app-secret"},
		{Label: "The M2M app's secret (m2m-id)", Value: "m2m-secret"},
	}
	for _, desc := range []string{"space selects, enter goes ahead", ""} {
		var chosen []string
		form := huh.NewForm(huh.NewGroup(multiSelect("What should be rotated?", desc, options, &chosen))).WithShowHelp(false)
		form.Init()
		m, _ := form.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
		screen := ansi.Strip(m.(*huh.Form).View())
		for _, o := range options {
			if !strings.Contains(screen, o.Label) {
				t.Errorf("description %q: the screen lacks %q:\n%s", desc, o.Label, screen)
			}
		}
	}
}
