/* The app's icon (the web app manifest's, a phone's home screen): the figure of
 * data/web/icon.svg drawn by cairo at any size, as PNG. */
#ifndef PST_RENDER_ICON_H
#define PST_RENDER_ICON_H

#include "core/base.h"

/* The colours of the icon and of the app's frame (the manifest, the theme-color meta). */
#define PST_ICON_GROUND "#1f5f5b" /* the icon's ground: the header's colour */
#define PST_THEME_LIGHT "#1f5f5b"
#define PST_THEME_DARK "#111816"
#define PST_BACKGROUND_LIGHT "#fbfaf7"
#define PST_BACKGROUND_DARK "#111816"

enum { PST_ICON_MIN_PX = 16, PST_ICON_MAX_PX = 1024 };

/*
 * Appends a size x size PNG of the icon to out: a white standing figure on the ground
 * colour. Plain: a rounded square, as data/web/icon.svg. Maskable: the ground fills the
 * whole square and the figure stays inside the middle circle of 80 % of its width (the
 * safe zone a phone's mask may cut to). Returns PST_OK, PST_EINVAL (a size out of range)
 * or PST_ENOMEM.
 */
int pst_icon_png(int size, bool maskable, struct pst_buf *out);

#endif
