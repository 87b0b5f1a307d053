package tui

import (
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"
)

// Styles are the runner's styles. NO_COLOR and terminals without colour are
// handled by Bubble Tea's colour profile, which strips what cannot be shown.
type Styles struct {
	Header lipgloss.Style
	Step   lipgloss.Style
	Guide  lipgloss.Style
	Check  lipgloss.Style
	Error  lipgloss.Style
	Hint   lipgloss.Style
	Muted  lipgloss.Style
	Panel  lipgloss.Style
}

// NewStyles returns the styles for a dark or a light background.
func NewStyles(isDark bool) Styles {
	ld := lipgloss.LightDark(isDark)
	accent := ld(lipgloss.Color("#5A3FC0"), lipgloss.Color("#A28BFF"))
	green := ld(lipgloss.Color("#1B7F3B"), lipgloss.Color("#5FD38D"))
	red := ld(lipgloss.Color("#B3261E"), lipgloss.Color("#FF8A80"))
	muted := ld(lipgloss.Color("#6B6B6B"), lipgloss.Color("#9E9E9E"))
	text := ld(lipgloss.Color("#1F1F1F"), lipgloss.Color("#E6E6E6"))
	return Styles{
		Header: lipgloss.NewStyle().Bold(true).Foreground(accent),
		Step:   lipgloss.NewStyle().Foreground(muted),
		Guide:  lipgloss.NewStyle().Foreground(text),
		Check:  lipgloss.NewStyle().Foreground(green),
		Error: lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(red).
			Padding(0, 1),
		Hint:  lipgloss.NewStyle().Foreground(muted),
		Muted: lipgloss.NewStyle().Foreground(muted),
		Panel: lipgloss.NewStyle().Border(lipgloss.NormalBorder()).BorderForeground(muted).
			Padding(0, 1),
	}
}

// formTheme is the huh theme used for every step's form: huh's Charm
// theme, with the focused button also bold and underlined, so the chosen
// button shows without colour (NO_COLOR), where only attributes remain.
var formTheme huh.Theme = huh.ThemeFunc(func(isDark bool) *huh.Styles {
	t := huh.ThemeCharm(isDark)
	t.Focused.FocusedButton = t.Focused.FocusedButton.Bold(true).Underline(true)
	return t
})
