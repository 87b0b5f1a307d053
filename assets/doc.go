// Package assets holds the texts, pages and files the program embeds: each owner adds its own
// file here with its own embed.FS variable (guide pages, SMS defaults, demo pages, the Express
// starter). It only embeds; it must not contain logic.
package assets
