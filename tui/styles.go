package tui

import (
	"charm.land/bubbles/v2/help"
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
	// Help styles the help line in the theme's readable colours (bubbles'
	// defaults are below 3:1 on a black background).
	Help help.Styles
}

// NewStyles returns the styles for a dark or a light background.
func NewStyles(isDark bool) Styles {
	ld := lipgloss.LightDark(isDark)
	accent := ld(lipgloss.Color("#5A3FC0"), lipgloss.Color("#A28BFF"))
	green := ld(lipgloss.Color("#1B7F3B"), lipgloss.Color("#5FD38D"))
	red := ld(lipgloss.Color("#B3261E"), lipgloss.Color("#FF8A80"))
	muted := ld(lipgloss.Color("#6B6B6B"), lipgloss.Color("#9E9E9E"))
	text := ld(lipgloss.Color("#1F1F1F"), lipgloss.Color("#E6E6E6"))
	keyStyle := lipgloss.NewStyle().Foreground(text)
	descStyle := lipgloss.NewStyle().Foreground(muted)
	return Styles{
		Help: help.Styles{
			ShortKey: keyStyle, ShortDesc: descStyle, ShortSeparator: descStyle, Ellipsis: descStyle,
			FullKey: keyStyle, FullDesc: descStyle, FullSeparator: descStyle,
		},
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
// Its texts below 3:1 contrast are made readable: the focused button is
// dark on its pink (cream on pink is 1.9:1), and placeholders and help
// use the runner's muted colour (238 on black is 2:1).
var formTheme huh.Theme = huh.ThemeFunc(func(isDark bool) *huh.Styles {
	t := huh.ThemeCharm(isDark)
	ld := lipgloss.LightDark(isDark)
	muted := ld(lipgloss.Color("#6B6B6B"), lipgloss.Color("#9E9E9E"))
	t.Focused.FocusedButton = t.Focused.FocusedButton.Foreground(lipgloss.Color("#1F1F1F")).Bold(true).Underline(true)
	t.Focused.Next = t.Focused.FocusedButton
	t.Focused.TextInput.Placeholder = t.Focused.TextInput.Placeholder.Foreground(muted)
	t.Blurred.TextInput.Placeholder = t.Blurred.TextInput.Placeholder.Foreground(muted)
	t.Blurred.FocusedButton = t.Focused.FocusedButton
	t.Blurred.Next = t.Focused.FocusedButton
	return t
})
